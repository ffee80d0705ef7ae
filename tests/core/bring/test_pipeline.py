"""The bring-in pipeline on real folders and a real vault: what it plans, previews and writes, what a
re-run skips, how a stopped run continues, and that files it cannot read cost one sentence each."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from reverie.core.bring import pipeline
from reverie.core.bring.doc import page_at
from reverie.core.bring.pipeline import bring_in, bring_in_paths, forget_job, pending_jobs, plan, preview
from reverie.core.errors import TransferError
from reverie.core.transfer.bringin import stable_id
from reverie.core.transfer.markdown_import import import_markdown_folder


def _folder(tmp_path: Path) -> Path:
    root = tmp_path / "Notes"
    (root / "sub").mkdir(parents=True)
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "app.json").write_text("{}")
    (root / "garden.md").write_text(
        "---\ntitle: Garden\ntags: [plants]\n---\nTomatoes need sun. ![[pic.png]]\n\nSee [[Trip]].\n"
    )
    (root / "sub" / "Trip.md").write_text("Trip to Lisbon in May.\n")
    (root / "todo.txt").write_text("buy seeds\n")
    (root / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    (root / "~$draft.md").write_text("an editor's lock file")
    (root / "bad.md").write_bytes(b"caf\xe9 au lait\n")
    return root


def _notes(vault) -> dict[str, tuple[str, dict]]:
    with vault.read() as conn:
        return {r[0]: (r[1], json.loads(r[2])) for r in conn.execute("SELECT title, id, meta FROM notes")}


def test_plan_lists_what_readers_know_and_skips_hidden_and_temporary_files(tmp_path):
    root = _folder(tmp_path)
    source = plan(root)
    assert source.kind == "obsidian" and source.label == "Obsidian vault"
    assert sorted(u.rel for u in source.units) == ["bad.md", "garden.md", "sub/Trip.md", "todo.txt"]
    assert {u.reader for u in source.units} == {"markdown", "text"}
    assert [rel for rel, _ in source.attachments] == ["pic.png"]
    with pytest.raises(TransferError, match="nothing was brought in"):
        plan(tmp_path / "missing")
    (tmp_path / "x.xyz").write_text("?")
    with pytest.raises(TransferError, match="not something Reverie can bring in"):
        plan(tmp_path / "x.xyz")


def test_preview_writes_nothing_and_bring_in_writes_what_it_said(vault, tmp_path):
    root = _folder(tmp_path)
    source = plan(root)
    p = preview(vault, source)
    assert p.counts == {"new": 3, "changed": 0, "unchanged": 0, "skipped": 1}
    assert "not UTF-8" in p.skipped[0][1] and "would be left out" in p.skipped[0][1]
    assert _notes(vault) == {}
    report = bring_in(vault, source)
    assert (report.added, report.updated, report.unchanged, report.files) == (3, 0, 0, 4)
    assert [k for k, _ in report.skipped] == ["bad.md"]
    notes = _notes(vault)
    assert set(notes) == {"Garden", "Trip", "todo"}
    note_id, meta = notes["Garden"]
    assert note_id == stable_id("file", str(root / "garden.md"))
    assert meta["source"] == "obsidian" and meta["path"] == "garden.md"
    assert meta["link_ids"] == {"Trip": notes["Trip"][0]}
    assert notes["Trip"][1]["folder"] == "sub"
    assert report.passages >= 3
    assert report.attachments == 1
    with vault.read() as conn:
        from reverie.core import attachments

        [att] = attachments.for_note(conn, note_id)
        assert att.name == "pic.png" and attachments.read(conn, att.id).startswith(b"\x89PNG")
    assert pending_jobs(vault) == []
    again = bring_in(vault, plan(root))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert preview(vault, plan(root)).counts["unchanged"] == 3


def test_notes_from_the_old_folder_import_are_updated_not_doubled(vault, tmp_path):
    root = _folder(tmp_path)
    import_markdown_folder(vault, root)
    before = _notes(vault)
    report = bring_in(vault, plan(root))
    assert report.added == 0 and report.unchanged == 3
    (root / "todo.txt").write_text("buy seeds and soil\n")
    report = bring_in(vault, plan(root))
    assert (report.added, report.updated) == (0, 1)
    assert {t: v[0] for t, v in _notes(vault).items()} == {t: v[0] for t, v in before.items()}


def test_a_cancelled_run_is_pending_and_continues_where_it_stopped(vault, tmp_path, monkeypatch):
    root = tmp_path / "many"
    root.mkdir()
    for i in range(150):
        (root / f"n{i:03}.md").write_text(f"note number {i}\n")
    monkeypatch.setattr(pipeline, "BATCH_FILES", 20)
    stop = threading.Event()
    seen: list[int] = []

    def progress(stage: str, done: int, total: int) -> None:
        seen.append(done)
        if done == 45:
            stop.set()

    report = bring_in(vault, plan(root), progress, stop)
    assert report.stopped and 40 <= report.added < 150
    [job] = pending_jobs(vault)
    assert job.path == str(root) and job.total == 150 and job.done == report.added
    rest = bring_in(vault, plan(root))
    assert rest.unchanged == report.added and rest.added == 150 - report.added
    assert pending_jobs(vault) == []
    with vault.read() as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 150
    bring_in(vault, plan(root), cancel=lambda: True)
    assert len(pending_jobs(vault)) == 1
    forget_job(vault, str(root))
    assert pending_jobs(vault) == []


def test_mine_marks_notes_already_in_as_own_writing(vault, tmp_path):
    root = _folder(tmp_path)
    bring_in(vault, plan(root))
    assert preview(vault, plan(root), mine=True).counts["changed"] == 3
    report = bring_in(vault, plan(root), mine=True)
    assert report.updated == 3 and report.unchanged == 0
    with vault.read() as conn:
        trusts = {r[0] for r in conn.execute("SELECT DISTINCT trust FROM memories WHERE source_kind = 'note'")}
    assert trusts == {"user"}


def test_bring_in_paths_reads_only_the_files_named(vault, tmp_path):
    root = _folder(tmp_path)
    report = bring_in_paths(vault, root, [root / "sub" / "Trip.md"])
    assert report.added == 1 and set(_notes(vault)) == {"Trip"}
    assert pending_jobs(vault) == []


def test_a_reader_that_crashes_costs_one_sentence(vault, tmp_path, monkeypatch):
    root = _folder(tmp_path)
    from reverie.core.bring.readers import text

    def boom(path, rel):
        raise ValueError("parser bug")

    monkeypatch.setattr(text, "read_file", boom)
    report = bring_in(vault, plan(root))
    assert ("todo.txt", "todo.txt could not be read (ValueError); it was left out.") in report.skipped
    assert report.added == 2


def test_a_symlink_loop_does_not_trap_the_walk(vault, tmp_path):
    root = _folder(tmp_path)
    os.symlink(root, root / "sub" / "loop")
    assert sorted(u.rel for u in plan(root).units) == ["bad.md", "garden.md", "sub/Trip.md", "todo.txt"]


def test_page_at_finds_the_page_of_an_offset():
    pages = [(1, 0, 100), (2, 102, 250), (4, 252, 300)]
    assert page_at(pages, 0) == 1 and page_at(pages, 101) == 1 and page_at(pages, 102) == 2
    assert page_at(pages, 299) == 4 and page_at([], 5) is None


def test_a_saved_web_page_s_files_folder_is_not_read_as_documents(tmp_path):
    root = tmp_path / "Saved"
    (root / "Recipe_files").mkdir(parents=True)
    (root / "Recipe.html").write_text("<html><head><title>Recipe</title></head><body><p>Flour</p></body></html>")
    (root / "Recipe_files" / "frame.html").write_text("<html><body>ad frame</body></html>")
    (root / "Other_files").mkdir()
    (root / "Other_files" / "kept.md").write_text("a folder that only looks like one")
    assert sorted(u.rel for u in plan(root).units) == ["Other_files/kept.md", "Recipe.html"]


def test_a_missing_library_is_said_once_and_each_file_it_kept_out_is_listed(vault, tmp_path, monkeypatch):
    from reverie.core.bring.doc import DOCUMENTS_EXTRA, MissingPart
    from reverie.core.bring.readers import text

    root = tmp_path / "texts"
    root.mkdir()
    for name in ("a", "b", "c"):
        (root / f"{name}.txt").write_text(name)
    sentence = f"Reading text files needs a library: {DOCUMENTS_EXTRA}"

    def missing(path, rel):
        raise MissingPart(sentence)

    monkeypatch.setattr(text, "read_file", missing)
    report = bring_in(vault, plan(root))
    assert [k for k, _ in report.skipped] == ["a.txt", "b.txt", "c.txt"]
    assert report.problems == [sentence]


def test_an_evernote_export_in_a_folder_of_documents_comes_in_with_the_rest(vault, tmp_path):
    from bring_docs_fixtures import enex_file

    root = tmp_path / "Downloads"
    root.mkdir()
    enex_file(root, "Travel.enex")
    (root / "letter.txt").write_text("Dear Ana, the garden is blooming.\n")
    source = plan(root)
    assert source.kind == "folder"
    assert sorted((u.rel, u.reader) for u in source.units) == [("Travel.enex", "enex"), ("letter.txt", "text")]
    report = bring_in(vault, source)
    titles = set(_notes(vault))
    assert "letter" in titles and "Sunset photo" in titles and report.added == len(titles)
    alone = plan(root / "Travel.enex")  # the same export brought in alone is the same notes
    assert bring_in(vault, alone).added == 0
    only = tmp_path / "Evernote"
    only.mkdir()
    enex_file(only, "Work.enex")
    assert (plan(only).kind, plan(only).label) == ("enex", "Evernote export")


def test_the_preview_names_export_notes_by_their_place_and_speaks_of_the_future(vault, tmp_path):
    from bring_docs_fixtures import enex_file, image_only_pdf

    root = tmp_path / "Inbox"
    root.mkdir()
    enex_file(root, "Travel.enex")
    image_only_pdf(root, "scan.pdf")
    p = preview(vault, plan(root))
    assert "Travel › Sunset photo" in p.new
    [(key, why)] = p.skipped
    assert key == "scan.pdf" and why.endswith("it would be left out.") and "was left out" not in why


def test_a_file_name_that_is_not_utf8_is_left_out_with_a_sentence(vault, tmp_path):
    root = tmp_path / "notes"
    root.mkdir()
    (root / "fine.md").write_text("fine")
    with open(os.fsencode(root) + b"/caf\xe9.md", "wb") as fh:
        fh.write(b"latin-1 name")
    source = plan(root)
    assert [u.rel for u in source.units] == ["fine.md"]
    assert source.skipped == (
        ("caf\ufffd.md", "caf\ufffd.md has a name that is not valid UTF-8 text; it was left out."),
    )
    assert preview(vault, source).skipped[0][1].endswith("it would be left out.")
    report = bring_in(vault, source)
    assert report.added == 1 and [k for k, _ in report.skipped] == ["caf\ufffd.md"]
    json.dumps(report.skipped, ensure_ascii=False).encode("utf-8")  # printable, storable
