"""The transfer drills, bounded: a few killed exports and imports, a short fuzz run, and proof
that their checks can fail."""

from __future__ import annotations

import pytest

from drills import transfer


@pytest.mark.slow
def test_killed_exports_leave_no_partial_file_and_no_litter(tmp_path):
    counts = transfer.run_export_kills(3, tmp_path, notes_count=150, messages=60)
    assert counts["trials"] == 3 and counts["killed"] + counts["completed"] == 3
    keys = ("partial_final", "litter_in_destination", "plaintext_litter", "litter_after_restart", "failed_runs")
    bad = {k: counts[k] for k in keys}
    assert bad == dict.fromkeys(bad, 0) and counts["tracebacks"] == 0, counts


@pytest.mark.slow
def test_killed_imports_leave_all_or_nothing(tmp_path):
    counts = transfer.run_import_kills(2, tmp_path, notes_count=150, messages=60)
    assert counts["trials"] == 2
    bad = {k: counts[k] for k in ("partial_imports", "integrity_failures", "litter", "tracebacks", "failed_runs")}
    assert bad == dict.fromkeys(bad, 0), counts


def test_fuzzed_vault_markdown_and_chatgpt_files_give_no_traceback_and_no_partial_import(tmp_path):
    counts = transfer.run_fuzz(90, tmp_path)
    print(counts)
    assert counts["mutations"] == 90 and counts["refused"] > 0 and counts["imported"] > 0
    examples = (tmp_path / "fuzz-examples.txt").read_text() if (tmp_path / "fuzz-examples.txt").exists() else ""
    bad = {k: counts[k] for k in ("tracebacks", "partial_imports", "bad_times_stored")}
    assert bad == dict.fromkeys(bad, 0), (counts, examples)


def test_the_checks_find_a_partial_file_and_leftovers(tmp_path):
    import zipfile

    from reverie.core.transfer.scratch import PRIVATE_DIR

    half = tmp_path / "half.reverie"
    with zipfile.ZipFile(half, "w") as zf:
        zf.writestr("notes.jsonl", b'{"id": 1}\n')
    assert not transfer._archive_complete(half, None)
    (tmp_path / "md" / "notes").mkdir(parents=True)
    assert not transfer._markdown_complete(tmp_path / "md", 1)
    job = tmp_path / "vault" / PRIVATE_DIR / "job-x"
    job.mkdir(parents=True)
    (job / "export.reverie").write_bytes(b"PK\x03\x04")
    assert transfer._leftovers(tmp_path / "vault") == [job] and transfer._plaintext([job]) == 1
