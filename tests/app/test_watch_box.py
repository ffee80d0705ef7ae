"""Settings → Watched folders on a real vault and a real folder: add, mark as own notes, pause and
resume, remove (the notes stay), a folder that is not there, and the status line of the runtime;
every read and write on the database lane."""

from __future__ import annotations

import json

from helpers import record_threads
from ui_fixtures import settle, ui_session  # noqa: F401 - fixture

from reverie.app.ui.settings.watch_box import EMPTY, WatchBox, folder_line
from reverie.app.ui.watching import WatchRuntime
from reverie.core.bring import watch
from reverie.core.bring.watch import WatchedFolder

WAIT = 20_000


def _record(vault) -> list[str]:
    real_read = vault.read
    seen = record_threads(vault)
    vault.peek = real_read
    return seen


def _own_marks(vault) -> list[bool]:
    with vault.peek() as conn:
        return [json.loads(m).get("own_words") is True for (m,) in conn.execute("SELECT meta FROM notes")]


def test_the_watched_folders_box(qtbot, ui_session, tmp_path):  # noqa: F811
    vault = ui_session.vault
    folder = tmp_path / "Notes"
    folder.mkdir()
    (folder / "garden.md").write_text("# Garden\n\nTomatoes need full sun.\n")
    (folder / "trip.md").write_text("# Trip\n\nLisbon in May.\n")
    seen = _record(vault)
    box = WatchBox(ui_session)
    qtbot.addWidget(box)
    runtime = WatchRuntime(ui_session, quiet=0.3, tick=0.05)
    box.attach(runtime)
    box.show()
    box.load()
    settle(qtbot, ui_session)
    assert box.empty.isVisible() and box.empty.text() == EMPTY and not box.list.isVisible()
    assert "never writes into them" in box.findChildren(type(box.empty))[0].text()
    assert box.rows == [] and not box.status.isVisible()

    box.add_path(str(tmp_path / "nowhere"))
    qtbot.waitUntil(lambda: "There is no folder" in box.message.text(), timeout=WAIT)
    assert box.message.objectName() == "errorText"

    box.add_path(str(folder))
    qtbot.waitUntil(lambda: len(box.rows) == 1, timeout=WAIT)
    assert box.message.text().startswith("Watching") and box.list.isVisible() and not box.empty.isVisible()
    qtbot.waitUntil(lambda: box.status.text() == "Watching 1 folder · up to date", timeout=WAIT)
    qtbot.waitUntil(lambda: "2 notes" in box.line(0), timeout=WAIT)
    assert box.line(0).startswith(str(folder)) and "last looked" in box.line(0)
    assert box.rows[0].path.text() == str(folder) and box.rows[0].detail.text().startswith("Watching · 2 notes")
    assert box.rows[0].pause.text() == "Pause" and not box.rows[0].mine.isChecked()

    box.rows[0].mine.click()  # these are my own notes: what came in is marked
    qtbot.waitUntil(lambda: "your own notes" in box.line(0), timeout=WAIT)
    assert box.rows[0].mine.isChecked() and all(_own_marks(vault)) and len(_own_marks(vault)) == 2

    box.rows[0].pause.click()
    qtbot.waitUntil(lambda: box.rows[0].pause.text() == "Resume", timeout=WAIT)
    assert box.line(0).split("\n")[1].startswith("Paused")
    qtbot.waitUntil(lambda: box.status.text() == "Watching is paused", timeout=WAIT)
    (folder / "while.md").write_text("# While paused\n\nWritten meanwhile.\n")
    box.rows[0].pause.click()
    qtbot.waitUntil(lambda: "3 notes" in box.line(0), timeout=WAIT)
    assert box.rows[0].pause.text() == "Pause"

    box.rows[0].remove.click()
    qtbot.waitUntil(lambda: box.rows == [] and box.empty.isVisible(), timeout=WAIT)
    assert "notes brought in from it stay" in box.message.text()
    with vault.peek() as conn:
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 3
    qtbot.waitUntil(lambda: box.status.text() == "No folder is watched.", timeout=WAIT)
    settle(qtbot, ui_session)
    runtime.stop()
    del vault.tx, vault.read, vault.peek
    assert seen and {name.split("_")[0] for name in seen} == {"reverie-db"}
    assert watch.list_folders(vault) == []


def test_a_folder_line_says_what_the_user_needs():
    f = WatchedFolder("/data/Notes", True, 0.0, None, "paused", files=12, missing=2, problem="It is not there.")
    assert folder_line(f) == (
        "/data/Notes\nPaused · 12 notes · 2 with the file gone · your own notes · not looked at yet\nIt is not there."
    )
