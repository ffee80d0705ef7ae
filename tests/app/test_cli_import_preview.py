"""``reverie import --dry-run FOLDER``: the preview of a folder brought in, writing nothing; and search
results shown as plain text."""

from __future__ import annotations

import json

from reverie.app.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_of_a_folder_prints_the_preview_and_imports_nothing(capsys, tmp_path):
    folder = tmp_path / "Vault"
    (folder / "Projects" / "Kyoto").mkdir(parents=True)
    (folder / "Projects" / "Kyoto" / "plan.md").write_text("---\nauthor: me\n---\nVisit the shrine.\n")
    (folder / "latin1.md").write_bytes(b"caf\xe9\n")
    home = str(tmp_path / "home")
    code, out, _ = run(capsys, "--home", home, "import", "--dry-run", str(folder))
    assert code == 0
    assert out.splitlines() == [
        f"Dry run, nothing was changed. Bringing in {folder} (Folder of documents, 2 files) would add 1 new note, "
        "update 0, leave 0 unchanged and skip 1 file.",
        "New:",
        "  Projects/Kyoto/plan.md",
        "Skipped:",
        "  latin1.md is not UTF-8 text; it would be left out.",
    ]
    assert json.loads(run(capsys, "--home", home, "notes", "--json")[1]) == []
    code, out, _ = run(capsys, "--home", home, "import", str(folder))
    assert code == 0 and f"Brought in {folder} (Folder of documents, 2 files): 1 new note, 0 updated" in out
    (note,) = json.loads(run(capsys, "--home", home, "notes", "--json")[1])
    assert note["properties"] == {"author": "me"} and note["folder"] == "Projects/Kyoto"
    code, out, _ = run(capsys, "--home", home, "import", "--dry-run", "--json", "--mine", str(folder))
    data = json.loads(out)
    assert code == 0 and data["dry_run"] is True and (data["new"], data["changed"], data["skipped"]) == (0, 1, 1)
    assert data["files"]["changed"] == [
        {"path": "Projects/Kyoto/plan.md", "why": "it will be marked as your own writing"}
    ]


def test_dry_run_still_refuses_a_chatgpt_export(capsys, tmp_path):
    path = tmp_path / "conversations.json"
    path.write_text("[]")
    code, _out, err = run(capsys, "--home", str(tmp_path / "home"), "import", "--dry-run", str(path))
    assert code != 0 and "ChatGPT import skips what it already holds" in err


def test_search_shows_the_text_without_markdown_marks(capsys, tmp_path):
    home = str(tmp_path / "home")
    body = "> [!Example] Kyoto\n> **Fushimi Inari** has ![[icon.svg#icon]] [[Torii|gates]]."
    assert run(capsys, "--home", home, "note", "add", body, "--title", "Shrines")[0] == 0
    code, out, _ = run(capsys, "--home", home, "search", "gates", "--mode", "bm25")
    assert code == 0
    assert "    Kyoto Fushimi Inari has  [gates]." in out.splitlines()


def test_note_show_prints_the_properties(capsys, tmp_path):
    home = str(tmp_path / "home")
    (tmp_path / "wtw.md").write_text("---\nauthor: Kevin Kelly\ncategories: [Books, Tech]\n---\nBody text.\n")
    assert run(capsys, "--home", home, "import", str(tmp_path / "wtw.md"))[0] == 0
    (note,) = json.loads(run(capsys, "--home", home, "notes", "--json")[1])
    code, out, _ = run(capsys, "--home", home, "note", "show", note["id"][:8])
    assert code == 0 and out == "# wtw\n\nauthor: Kevin Kelly\ncategories: Books, Tech\n\nBody text.\n\n"
