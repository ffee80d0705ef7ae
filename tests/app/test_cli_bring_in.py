"""``reverie import PATH`` brings folders, documents and note-app exports in through the bring-in
pipeline: ``--dry-run`` (and ``--json``) says what would change, a real run brings the files in and
lists what was left out with why, a second run changes nothing, and a reader whose library is missing
ends with its one sentence (the pip command) and a non-zero exit."""

from __future__ import annotations

import json
import sys

from bring_docs_fixtures import docx_file, text_pdf

from reverie.app.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _folder(tmp_path):
    folder = tmp_path / "Documents"
    (folder / "Trips").mkdir(parents=True)
    text_pdf(folder / "Trips")
    docx_file(folder)
    (folder / "garden.md").write_text("# Garden\n\nThe roses bloom in June.\n", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a PDF at all\n")
    return folder


def test_dry_run_json_then_a_real_bring_in_then_nothing_to_do(capsys, tmp_path):
    folder = _folder(tmp_path)
    home = str(tmp_path / "home")
    code, out, _ = run(capsys, "--home", home, "import", str(folder), "--dry-run", "--json")
    data = json.loads(out)
    assert code == 0 and data["dry_run"] is True and data["kind"] == "bring"
    assert data["source"] == {"kind": "folder", "label": "Folder of documents", "files": 4}
    assert (data["new"], data["changed"], data["unchanged"], data["skipped"]) == (3, 0, 0, 1)
    assert sorted(data["files"]["new"]) == ["Trips/lisbon.pdf", "garden.md", "plans.docx"]
    (skipped,) = data["files"]["skipped"]
    assert skipped["path"] == "broken.pdf" and "would be left out" in skipped["why"]
    assert json.loads(run(capsys, "--home", home, "notes", "--json")[1]) == []  # nothing written

    code, out, _ = run(capsys, "--home", home, "import", str(folder))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(
        f"Brought in {folder} (Folder of documents, 4 files): 3 new notes, 0 updated, 0 unchanged."
    )
    assert "Read as documents" in lines[0]
    assert lines[1:] == ["Left out (1):", "  broken.pdf is damaged or is not a PDF; it was left out."]
    listed = json.loads(run(capsys, "--home", home, "notes", "--json")[1])
    assert sorted(n["title"] for n in listed) == ["Garden", "Garden plans", "Lisbon journal"]
    assert next(n for n in listed if n["title"] == "Lisbon journal")["folder"] == "Trips"

    code, out, _ = run(capsys, "--home", home, "import", str(folder), "--json")
    again = json.loads(out)
    assert code == 0 and (again["added"], again["updated"], again["unchanged"]) == (0, 0, 3)
    assert again["stopped"] is False and len(again["problems"]) == 1


def test_one_file_and_a_chatgpt_export_are_told_apart(capsys, tmp_path):
    home = str(tmp_path / "home")
    text_pdf(tmp_path)
    code, out, _ = run(capsys, "--home", home, "import", str(tmp_path / "lisbon.pdf"))
    assert code == 0 and "1 new note" in out
    chat = tmp_path / "conversations.json"
    chat.write_text("[]", encoding="utf-8")
    code, out, _ = run(capsys, "--home", home, "import", str(chat))
    assert code == 0 and "Imported 0 new conversations" in out  # the ChatGPT importer, as before


def test_a_missing_reader_library_is_one_sentence_and_a_non_zero_exit(capsys, tmp_path, monkeypatch):
    home = str(tmp_path / "home")
    docx_file(tmp_path)
    (tmp_path / "note.md").write_text("# Note\n\ntext\n", encoding="utf-8")
    from reverie.core.bring import worker

    monkeypatch.setitem(sys.modules, "docx", None)  # python-docx is not installed, here
    monkeypatch.setattr(worker, "CHILD_IMPORTS", (*worker.CHILD_IMPORTS, "bring_no_docx"))  # nor in the reader process
    code, out, err = run(capsys, "--home", home, "import", str(tmp_path))
    assert code == 2
    assert "1 new note" in out  # what could be read came in
    (line,) = err.strip().splitlines()
    assert line.startswith("reverie: ") and "pip install 'reverie[documents]'" in line
    code, out, err = run(capsys, "--home", home, "import", str(tmp_path), "--dry-run")
    assert code == 2 and "pip install 'reverie[documents]'" in err


def test_note_app_exports_come_in_by_what_they_are(capsys, tmp_path):
    from bring_apps_fixtures import dayone_folder, dayone_zip, keep_takeout_zip, logseq_graph, notion_zip

    made = {
        "dayone": dayone_zip(tmp_path / "a"),
        "logseq": logseq_graph(tmp_path / "b"),
        "keep": keep_takeout_zip(tmp_path / "c"),
        "notion": notion_zip(tmp_path / "d"),
    }
    for i, (kind, path) in enumerate(made.items()):
        home = str(tmp_path / f"home{i}")
        code, out, err = run(capsys, "--home", home, "import", str(path), "--dry-run", "--json")
        data = json.loads(out)
        assert code == 0, err
        assert data["source"]["kind"] == kind and data["new"] > 0
        code, out, err = run(capsys, "--home", home, "import", str(path), "--json")
        assert code == 0 and json.loads(out)["added"] == data["new"], err
    journal = dayone_folder(tmp_path / "e") / "Journal.json"  # a JSON object: Day One's, not ChatGPT's
    code, out, err = run(capsys, "--home", str(tmp_path / "home-json"), "import", str(journal), "--json")
    assert code == 0 and json.loads(out)["source"]["kind"] == "dayone", err
