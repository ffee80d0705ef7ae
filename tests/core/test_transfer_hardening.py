"""Vault files under crashes, large honest data and hostile content: where temporary files go,
what a killed export leaves, sizes instead of ratios, times in range, trust that cannot be forged."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from transfer_helpers import dump, members, populate, rebuild, records

from reverie.core import notes
from reverie.core.errors import TransferError
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.transfer import export_vault, import_preview, import_vault
from reverie.core.transfer.export import sweep_stale_temps
from reverie.core.transfer.markdown_export import export_markdown
from reverie.core.transfer.scratch import PRIVATE_DIR, Job
from reverie.core.vault import Vault


@pytest.fixture
def source(tmp_path, clock):
    v = Vault.create(vault_paths(tmp_path / "source"), KeyMode.NONE, clock=clock)
    populate(v, clock)
    yield v
    v.close()


@pytest.fixture
def fresh(tmp_path, clock):
    v = Vault.create(vault_paths(tmp_path / "fresh"), KeyMode.NONE, clock=clock)
    yield v
    v.close()


def _jobs(vault):
    root = vault.paths.folder / PRIVATE_DIR
    return sorted(p.name for p in root.iterdir() if p.name.startswith("job-")) if root.is_dir() else []


# -- temporary files ------------------------------------------------------------------------


@pytest.mark.parametrize("passphrase", [None, "a long passphrase"])
def test_an_export_writes_nothing_in_the_destination_but_the_final_file(source, tmp_path, passphrase):
    dest = tmp_path / "out"
    dest.mkdir()
    seen: list[list[str]] = []
    jobs: list[list[str]] = []

    def progress(stage, done, total):
        seen.append(sorted(os.listdir(dest)))
        jobs.append(_jobs(source))

    s = export_vault(source, dest / "v.reverie", passphrase=passphrase, progress=progress)
    assert seen and all(listing == [] for listing in seen)  # nothing in the destination while it runs
    assert all(len(j) == 1 for j in jobs)  # the work happens in the vault folder's private job folder
    assert sorted(os.listdir(dest)) == ["v.reverie"] and _jobs(source) == []
    assert stat.S_IMODE(s.path.stat().st_mode) == 0o600
    assert stat.S_IMODE((source.paths.folder / PRIVATE_DIR).stat().st_mode) == 0o700


@pytest.mark.parametrize("passphrase", [None, "a long passphrase"])
def test_a_failed_export_leaves_nothing_anywhere(source, tmp_path, passphrase):
    dest = tmp_path / "out"
    dest.mkdir()

    def boom(stage, done, total):
        if stage == "memories":
            raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        export_vault(source, dest / "v.reverie", passphrase=passphrase, progress=boom)
    assert os.listdir(dest) == [] and _jobs(source) == []


def test_an_encrypted_export_is_ciphertext_from_its_first_byte(tmp_path, clock):
    v = Vault.create(vault_paths(tmp_path / "secret"), KeyMode.NONE, clock=clock)
    populate(v, clock, sentinel="XYZZY-PLUGH-4711")
    contents: list[bytes] = []

    def progress(stage, done, total):
        for job in _jobs(v):
            for f in (v.paths.folder / PRIVATE_DIR / job).iterdir():
                contents.append(f.read_bytes())

    export_vault(v, tmp_path / "s.reverie", passphrase="a long passphrase", progress=progress)
    v.close()
    assert contents and not any(b"XYZZY" in c or c.startswith(b"PK") for c in contents)


_KILLED_JOB = """
import os, sys
from reverie.core.transfer.scratch import Job
job = Job(sys.argv[1])
path, out = job.new_file("export.reverie")
out.write(b"PK half a plaintext zip")
out.flush()
os._exit(9)  # as if killed: no cleanup
"""


def test_a_killed_exports_job_folder_is_swept_but_a_running_one_is_kept(source):
    folder = source.paths.folder
    subprocess.run([sys.executable, "-c", _KILLED_JOB, str(folder)], check=False, env=os.environ.copy())
    assert len(_jobs(source)) == 1
    with Job(folder) as running:
        assert sweep_stale_temps(folder) == 1
        assert _jobs(source) == [running.dir.name]  # the live one holds its lock
    assert _jobs(source) == []


def test_a_markdown_export_that_fails_leaves_no_folder(source, tmp_path, monkeypatch):
    from reverie.core.transfer import markdown_export

    calls = {"n": 0}
    real = markdown_export.conversation_markdown

    def fail_late(*a, **kw):
        calls["n"] += 1
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(markdown_export, "conversation_markdown", fail_late)
    with pytest.raises(TransferError, match="No space left"):
        export_markdown(source, tmp_path / "md")
    assert calls["n"] == 1 and not (tmp_path / "md").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [] and _jobs(source) == []
    monkeypatch.setattr(markdown_export, "conversation_markdown", real)
    out = export_markdown(source, tmp_path / "md").folder
    modes = {stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*")}
    assert stat.S_IMODE(out.stat().st_mode) == 0o700 and modes == {0o600, 0o700}


# -- honest large data ----------------------------------------------------------------------


def test_a_note_that_compresses_very_well_round_trips(tmp_path, clock, fresh):
    v = Vault.create(vault_paths(tmp_path / "logs"), KeyMode.NONE, clock=clock)
    notes.create_note(v, "ERROR connection refused, retrying in 5s\n" * 66_000, "Pasted log")  # 2.7 MB
    path = export_vault(v, tmp_path / "log.reverie").path
    v.close()
    assert import_vault(fresh, path).added["notes"] == 1


def test_round_trip_of_a_10_mb_note_a_1_mb_title_and_every_kind_of_record(source, fresh, tmp_path):
    body = "the same line of a pasted log\n" * 350_000  # ~10 MB
    notes.create_note(source, body, "big")
    notes.create_note(source, "a short body", "T" * (1024 * 1024))
    first = export_vault(source, tmp_path / "a.reverie")
    assert all(first.counts[t] for t in ("conversations", "messages", "notes", "memories", "citations", "history"))
    summary = import_vault(fresh, first.path, mine=True)
    assert summary.added["notes"] == 4 and summary.skipped_memories == 0
    second = export_vault(fresh, tmp_path / "b.reverie")
    for table in ("conversations", "messages", "notes", "memories", "citations", "vectors"):
        assert records(first.path, table) == records(second.path, table), table


# -- times ----------------------------------------------------------------------------------


def _edit_first(good, tmp_path, member, change):
    lines = members(good)[member].splitlines(keepends=True)
    rec = json.loads(lines[0])
    change(rec)
    lines[0] = (json.dumps(rec) + "\n").encode()
    return rebuild(good, tmp_path / "bad.reverie", edit={member: b"".join(lines)})


@pytest.mark.parametrize("value", [1e300, 2**70, -(2**70), -1e12, 7_289_654_400.0])
@pytest.mark.parametrize(
    ("member", "field"),
    [("notes.jsonl", "happened_at"), ("memories.jsonl", "last_recalled_at"), ("history.jsonl", "at")],
)
def test_times_outside_1900_2200_refuse_the_file(source, fresh, tmp_path, value, member, field):
    good = export_vault(source, tmp_path / "good.reverie").path
    bad = _edit_first(good, tmp_path, member, lambda r: r.update({field: value}))
    before = dump(fresh)
    for call in (import_preview, import_vault):
        with pytest.raises(TransferError, match=f"the field '{field}' must be a time in the years 1900-2200"):
            call(fresh, bad)
    assert dump(fresh) == before


def test_an_old_vault_holding_a_bad_time_still_exports_a_file_that_imports(source, fresh, tmp_path):
    with source.tx() as conn:
        conn.execute("UPDATE notes SET happened_at = 1e300")
        conn.execute("UPDATE memories SET recorded_at = -1e12")
    path = export_vault(source, tmp_path / "old.reverie").path
    assert import_vault(fresh, path).added["notes"] == 2
    assert {r[0] for r in fresh.query("SELECT happened_at FROM notes")} == {7_289_654_399.0}
    out = export_markdown(source, tmp_path / "md")
    assert "2200-12-31" in next((out.folder / "notes").glob("*.md")).read_text()


# -- ids and echoed content -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw_id", "why"),
    [
        ('"\\ud800abc"', "must be an id without control characters or invalid text"),
        ('"' + "x" * 201 + '"', "is longer than 200 characters"),
        ('"a\\u0085b"', "must be an id without control characters or invalid text"),
        ('"   "', "must be a non-empty id"),
    ],
)
def test_bad_ids_are_refused_with_a_sentence(source, fresh, tmp_path, raw_id, why):
    good = export_vault(source, tmp_path / "good.reverie").path
    lines = members(good)["conversations.jsonl"].splitlines(keepends=True)
    old_id = json.loads(lines[0])["id"]
    lines[0] = lines[0].replace(f'"{old_id}"'.encode(), raw_id.encode(), 1)
    bad = rebuild(good, tmp_path / "bad.reverie", edit={"conversations.jsonl": b"".join(lines)})
    with pytest.raises(TransferError) as err:
        import_vault(fresh, bad)
    assert why in str(err.value) and len(str(err.value)) < 200


def test_an_echoed_field_name_is_clipped(source, fresh, tmp_path):
    good = export_vault(source, tmp_path / "good.reverie").path
    bad = _edit_first(good, tmp_path, "notes.jsonl", lambda r: r.update({"F" * 200: 1}))
    with pytest.raises(TransferError, match="unexpected field") as err:
        import_vault(fresh, bad)
    assert "F" * 50 not in str(err.value) and len(str(err.value)) < 160


# -- trust ----------------------------------------------------------------------------------


def _trusts(vault):
    return {r[0] for r in vault.query("SELECT DISTINCT trust FROM memories")}


def test_a_foreign_file_cannot_forge_trust(source, fresh, tmp_path):
    good = export_vault(source, tmp_path / "good.reverie").path
    assert "user" in {r["trust"] for r in records(good, "memories")}
    s = import_vault(fresh, good)
    assert not s.trust_kept and _trusts(fresh) == {"imported"}
    assert import_vault(fresh, good).changed is False  # a re-import changes nothing


def test_a_forged_vault_id_and_signature_are_not_trusted(source, fresh, tmp_path):
    good = export_vault(source, tmp_path / "good.reverie").path
    forged = rebuild(
        good,
        tmp_path / "forged.reverie",
        manifest_edit=lambda m: m.update(vault={"id": fresh.header.vault_id, "signature": "0" * 64}),
    )
    assert not import_preview(fresh, forged).own_export
    import_vault(fresh, forged)
    assert _trusts(fresh) == {"imported"}


def test_the_users_own_export_and_mine_keep_trust(source, fresh, tmp_path):
    trip = next(n for n in notes.list_notes(source) if n.title == "Trip")
    path = export_vault(source, tmp_path / "own.reverie").path
    notes.delete_note(source, trip.id)  # lost, then restored from the vault's own export
    assert import_preview(source, path).own_export
    s = import_vault(source, path)
    assert s.trust_kept and s.added["notes"] == 1
    restored = source.query("SELECT DISTINCT trust FROM memories WHERE source_id = ?", (trip.id,))
    assert [r[0] for r in restored] == ["user"]
    mine = import_vault(fresh, path, mine=True)
    assert mine.trust_kept and _trusts(fresh) == {r["trust"] for r in records(path, "memories")}


def test_an_edited_own_export_is_no_longer_signed(source, tmp_path):
    path = export_vault(source, tmp_path / "own.reverie").path
    edited = _edit_first(path, tmp_path, "memories.jsonl", lambda r: r.update(trust="user"))
    assert not import_preview(source, edited).own_export


def test_importing_again_with_mine_makes_the_records_the_users_own(source, fresh, tmp_path):
    path = export_vault(source, tmp_path / "a.reverie").path
    import_vault(fresh, path)
    assert _trusts(fresh) == {"imported"}
    again = import_vault(fresh, path, mine=True)
    assert again.replaced["memories"] > 0 and _trusts(fresh) == {r["trust"] for r in records(path, "memories")}
    assert import_vault(fresh, path, mine=True).changed is False
    assert import_vault(fresh, path).changed is False  # a later import without it leaves the trust alone
