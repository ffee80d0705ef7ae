"""The private job folder of an export: a rename into place, or a copy beside the destination when a
rename cannot cross file systems, with nothing left behind either way."""

from __future__ import annotations

import errno
import os
import stat

from reverie.core.transfer import scratch
from reverie.core.transfer.scratch import PRIVATE_DIR, STAGING_PREFIX, Job, sweep_stale_temps


def _cross_device(monkeypatch, job):
    real = os.replace

    def replace(src, dst):
        if str(src).startswith(str(job.dir)):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real(src, dst)

    monkeypatch.setattr(scratch.os, "replace", replace)


def test_a_result_on_another_file_system_is_copied_then_renamed(tmp_path, monkeypatch):
    dest = tmp_path / "dest"
    dest.mkdir()
    (tmp_path / "vault").mkdir()
    with Job(tmp_path / "vault") as job:
        _cross_device(monkeypatch, job)
        path, out = job.new_file("export.reverie")
        with out:
            out.write(b"ciphertext")
        job.place(path, dest / "v.reverie")
        folder = job.dir / "md"
        (folder / "notes").mkdir(parents=True)
        (folder / "notes" / "a.md").write_text("a")
        job.place(folder, dest / "md")
    assert sorted(os.listdir(dest)) == ["md", "v.reverie"]
    assert (dest / "v.reverie").read_bytes() == b"ciphertext"
    assert stat.S_IMODE((dest / "v.reverie").stat().st_mode) == 0o600
    assert stat.S_IMODE((dest / "md" / "notes").stat().st_mode) == 0o700
    assert stat.S_IMODE((dest / "md" / "notes" / "a.md").stat().st_mode) == 0o600
    assert [p.name for p in (tmp_path / "vault" / PRIVATE_DIR).iterdir()] == [".guard"]


def test_a_staging_copy_left_by_a_crash_is_swept(tmp_path):
    dest = tmp_path / "dest"
    dest.mkdir()
    vault = tmp_path / "vault"
    vault.mkdir()
    job = Job(vault)
    staging = dest / f"{STAGING_PREFIX}dead"
    staging.write_bytes(b"half a copy")
    (job.dir / "remote").write_text(str(staging))
    (dest / "keep.txt").write_text("the user's own file")
    os.close(job._fd)  # the process died: its lock is gone
    assert sweep_stale_temps(vault) == 1
    assert sorted(os.listdir(dest)) == ["keep.txt"]
    assert not any(p.name.startswith("job-") for p in (vault / PRIVATE_DIR).iterdir())


def test_a_recorded_path_that_is_not_a_staging_copy_is_never_removed(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    job = Job(vault)
    precious = tmp_path / "precious.txt"
    precious.write_text("not ours")
    (job.dir / "remote").write_text(str(precious))
    os.close(job._fd)
    sweep_stale_temps(vault)
    assert precious.read_text() == "not ours"
