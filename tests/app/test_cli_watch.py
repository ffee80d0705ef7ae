"""``reverie watch add|list|pause|resume|scan|remove`` on a real folder and a real vault."""

from __future__ import annotations

import json

from reverie.app.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_watch_from_the_command_line(capsys, tmp_path):
    folder = tmp_path / "Notes"
    folder.mkdir()
    (folder / "garden.md").write_text("# Garden\n\nTomatoes need sun.\n")
    (folder / "seeds.txt").write_text("Buy basil seeds\n")
    code, out, _ = run(capsys, "watch", "add", str(folder), "--mine")
    assert code == 0 and "never writes" in out and f"{folder}: 2 new." in out
    code, out, _ = run(capsys, "watch", "list", "--json")
    [f] = json.loads(out)
    assert (f["path"], f["state"], f["mine"], f["notes"], f["missing"]) == (str(folder), "on", True, 2, 0)

    (folder / "garden.md").rename(folder / "plants.md")
    (folder / "seeds.txt").unlink()
    (folder / "new.md").write_text("# New\n\nWritten while Reverie was closed.\n")
    code, out, _ = run(capsys, "watch", "scan")
    assert code == 0 and out.strip() == f"{folder}: 1 new, 1 moved, 1 gone (memories archived)."
    code, out, _ = run(capsys, "watch", "scan", "--json")
    assert json.loads(out)[0]["added"] == 0 and json.loads(out)[0]["unchanged"] == 2

    code, out, _ = run(capsys, "watch", "pause", str(folder))
    assert code == 0 and out.startswith("Paused")
    code, out, _ = run(capsys, "watch", "scan")
    assert "all are paused" in out
    code, out, _ = run(capsys, "watch", "resume", str(folder))
    assert code == 0 and "again" in out
    code, out, _ = run(capsys, "watch", "remove", str(folder))
    assert code == 0 and "notes brought in from it stay" in out
    code, out, _ = run(capsys, "watch")
    assert code == 0 and "No folder is watched" in out
    code, _, err = run(capsys, "watch", "remove", str(folder))
    assert code != 0 and "is not watching" in err
    code, _, err = run(capsys, "watch", "add", str(tmp_path / "nowhere"))
    assert code != 0 and "There is no folder" in err
