"""Watching folders while the window runs, on a real folder with watchdog's real observer and a real
vault behind a real session: the catch-up at open, then files created, edited, renamed, deleted and
written slowly in chunks, each carried in once it settles, on the database lane; the folder is never
written; the runtime stops cleanly. The debouncer itself is driven with times passed in."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import pytest
from ui_fixtures import ui_session  # noqa: F401 - fixture

from reverie.app.ui.tasks import TaskTracker
from reverie.app.ui.watchdebounce import Debouncer
from reverie.app.ui.watching import WatchRuntime, status_text
from reverie.core import history
from reverie.core.bring import watch
from reverie.core.bring.watch import WatchedFolder

WAIT = 20_000


def listing(root: Path) -> dict[str, tuple[int, int, str]]:
    out: dict[str, tuple[int, int, str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.stat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
            out[str(p.relative_to(root))] = (st.st_mtime_ns, st.st_size, digest)
    return out


def peek(vault):
    """The test's own reads (not counted among the runtime's)."""
    return getattr(vault, "peek", vault.read)()


def note(vault, title: str) -> tuple[str, str, str, dict] | None:
    with peek(vault) as conn:
        row = conn.execute("SELECT id, body, origin, meta FROM notes WHERE title = ?", (title,)).fetchone()
    return None if row is None else (row[0], row[1], row[2], json.loads(row[3]))


def archived(vault, note_id: str) -> list[int]:
    with peek(vault) as conn:
        return [r[0] for r in conn.execute("SELECT archived FROM memories WHERE source_id = ?", (note_id,))]


# -- the debouncer, with times passed in ---------------------------------------------------------------
def test_a_path_is_due_once_quiet_and_a_file_still_growing_waits(tmp_path):
    d = Debouncer(quiet=1.5)
    f = tmp_path / "slow.md"
    f.write_text("# Slow\n\nfirst chunk")
    d.touch("/root", str(f), now=0.0)
    assert d.due(1.0) == {} and d.waiting == 1  # not quiet yet
    d.touch("/root", str(f), now=1.0)  # another write: quiet starts again
    assert d.due(2.0) == {}
    with f.open("a") as out:  # written on without an event (a network drive): size and time move
        out.write("\n\nsecond chunk")
    assert d.due(2.6) == {} and d.waiting == 1  # quiet, but not settled: waits another quiet period
    assert d.due(3.0) == {}
    assert d.due(4.2) == {"/root": [str(f)]} and d.waiting == 0
    gone = tmp_path / "gone.md"
    d.touch("/root", str(gone), now=10.0)  # a deleted path settles at once (nothing to grow)
    assert d.due(11.6) == {"/root": [str(gone)]}


def test_the_status_line():
    f = WatchedFolder("/home/u/Notes", False, 0.0, None, "on")
    p = WatchedFolder("/data/Docs", False, 0.0, None, "paused")
    assert status_text([]) == "No folder is watched."
    assert status_text([f, f]) == "Watching 2 folders · up to date"
    assert status_text([f, p]) == "Watching 1 folder (1 paused) · up to date"
    assert status_text([p]) == "Watching is paused"
    assert status_text([f], ("/data/Docs", 120, 1000)) == "Catching up on /data/Docs: 120 of 1,000 files"
    assert status_text([f], waiting=3) == "Watching 1 folder · 3 changes waiting to settle"
    assert status_text([f], problems={"/x": "/x is not there"}) == "Watching 1 folder · /x is not there"


# -- the runtime on a real folder -----------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "Notes"
    (root / ".obsidian").mkdir(parents=True)
    (root / ".obsidian" / "workspace.json").write_text("{}")
    (root / "garden.md").write_text("# Garden\n\nTomatoes need full sun and deep watering.\n")
    (root / "trip.md").write_text("# Trip\n\nWe walked along the river in Lisbon.\n")
    return root


@pytest.fixture
def runtime(qtbot, ui_session, folder):  # noqa: F811
    vault = ui_session.vault
    watch.add_folder(vault, folder)
    seen: list[str] = []
    real_tx, real_read = vault.tx, vault.read

    def tx():
        seen.append(threading.current_thread().name)
        return real_tx()

    def read():
        seen.append(threading.current_thread().name)
        return real_read()

    tracker = TaskTracker()
    rt = WatchRuntime(ui_session, tracker, quiet=0.3, tick=0.05)
    vault.tx, vault.read, vault.peek = tx, read, real_read
    rt.touched = seen  # type: ignore[attr-defined]
    yield rt
    rt.stop()
    del vault.tx, vault.read, vault.peek


def test_the_runtime_catches_up_then_follows_the_folder(qtbot, ui_session, folder, runtime):  # noqa: F811
    vault = ui_session.vault
    qtbot.waitUntil(lambda: runtime.text == "Watching 1 folder · up to date", timeout=WAIT)
    assert note(vault, "Garden") and note(vault, "Trip")  # the catch-up at open
    assert runtime._observer is not None and runtime._observer.is_alive()

    # created
    (folder / "ideas.md").write_text("# Ideas\n\nA bench under the fig tree.\n")
    qtbot.waitUntil(lambda: note(vault, "Ideas") is not None, timeout=WAIT)
    # edited
    garden = note(vault, "Garden")
    (folder / "garden.md").write_text("# Garden\n\nTomatoes need sun; basil likes some shade.\n")
    qtbot.waitUntil(lambda: "basil" in note(vault, "Garden")[1], timeout=WAIT)
    assert note(vault, "Garden")[0] == garden[0]
    # renamed into a new folder
    trip = note(vault, "Trip")
    (folder / "travel").mkdir()
    (folder / "trip.md").rename(folder / "travel" / "lisbon.md")
    qtbot.waitUntil(lambda: note(vault, "Trip")[2].endswith("travel/lisbon.md"), timeout=WAIT)
    assert note(vault, "Trip")[0] == trip[0]
    with peek(vault) as conn:
        assert history.entries(conn, "note", trip[0])[0]["note"] == "moved from trip.md to travel/lisbon.md"
    # deleted: archived, the note stays; back: restored
    kept = (folder / "garden.md").read_bytes()
    (folder / "garden.md").unlink()
    qtbot.waitUntil(lambda: "missing" in note(vault, "Garden")[3], timeout=WAIT)
    assert archived(vault, garden[0]) and all(archived(vault, garden[0]))
    (folder / "garden.md").write_bytes(kept)
    qtbot.waitUntil(lambda: "missing" not in note(vault, "Garden")[3], timeout=WAIT)
    assert not any(archived(vault, garden[0]))
    # hidden and temporary files are left alone
    (folder / ".obsidian" / "notes.md").write_text("# Hidden\n\nnot mine to read\n")
    (folder / "draft.md.swp").write_text("swap")
    (folder / "last.md").write_text("# Last\n\nThe end.\n")
    written = listing(folder)  # the test's last write: from here on only Reverie acts
    qtbot.waitUntil(lambda: note(vault, "Last") is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: runtime.debouncer.waiting == 0 and ui_session.db.pending == 0, timeout=WAIT)
    assert note(vault, "Hidden") is None

    # the folder was only read; the vault was read and written only on the database lane
    assert listing(folder) == written
    assert runtime.touched and {name.split("_")[0] for name in runtime.touched} == {"reverie-db"}


def test_a_file_written_slowly_in_chunks_comes_in_once_settled(qtbot, ui_session, folder, runtime):  # noqa: F811
    vault = ui_session.vault
    qtbot.waitUntil(lambda: runtime.text == "Watching 1 folder · up to date", timeout=WAIT)
    runtime.debouncer.quiet = 1.0
    chunks = ["# Slow\n\n", "The first part of a long letter.\n\n", "The second part.\n\n", "The end of it.\n"]
    with (folder / "slow.md").open("w") as out:
        for chunk in chunks:
            out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
            qtbot.waitUntil(lambda: runtime.debouncer.waiting > 0, timeout=WAIT)  # the observer saw it
    qtbot.waitUntil(lambda: note(vault, "Slow") is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: runtime.debouncer.waiting == 0, timeout=WAIT)
    found = note(vault, "Slow")
    assert "The end of it." in found[1]
    with vault.read() as conn:
        actions = [e["action"] for e in history.entries(conn, "note", found[0])]
    assert actions == ["create"]  # brought in once, whole: never a part of it


def test_a_burst_of_files_comes_in_as_one_batch(qtbot, ui_session, folder, runtime):  # noqa: F811
    vault = ui_session.vault
    qtbot.waitUntil(lambda: runtime.text == "Watching 1 folder · up to date", timeout=WAIT)
    batches: list[object] = []
    runtime.applied.connect(lambda _root, report: batches.append(report))
    burst = folder / "burst"
    burst.mkdir()
    for i in range(1000):
        (burst / f"n{i}.md").write_text(f"# Burst {i}\n\nThought {i}.\n")
    qtbot.waitUntil(lambda: sum(r.added for r in batches) == 1000, timeout=120_000)
    assert len(batches) <= 3  # one batch (or a few, as the events trickle in)
    assert watch.list_folders(vault)[0].files == 1002


def test_changes_made_while_closed_are_caught_up_at_the_next_open(qtbot, ui_session, folder, runtime):  # noqa: F811
    vault = ui_session.vault
    qtbot.waitUntil(lambda: runtime.text == "Watching 1 folder · up to date", timeout=WAIT)
    runtime.stop()
    assert runtime._observer is None and runtime._thread is None
    garden = note(vault, "Garden")
    (folder / "garden.md").rename(folder / "plants.md")
    (folder / "trip.md").unlink()
    (folder / "new.md").write_text("# New\n\nWritten while Reverie was closed.\n")
    runtime.start(vault)
    qtbot.waitUntil(lambda: note(vault, "New") is not None and "missing" in note(vault, "Trip")[3], timeout=WAIT)
    assert note(vault, "Garden")[0] == garden[0] and note(vault, "Garden")[2].endswith("/plants.md")


def test_pausing_stops_following_and_resuming_catches_up(qtbot, ui_session, folder, runtime):  # noqa: F811
    vault = ui_session.vault
    qtbot.waitUntil(lambda: runtime.text == "Watching 1 folder · up to date", timeout=WAIT)
    watch.set_state(vault, folder, "paused")
    runtime.reload()
    qtbot.waitUntil(lambda: runtime.text == "Watching is paused", timeout=WAIT)
    assert not runtime._watches
    (folder / "while-paused.md").write_text("# Paused\n\nWritten while paused.\n")
    watch.set_state(vault, folder, "on")
    runtime.reload()
    qtbot.waitUntil(lambda: note(vault, "Paused") is not None, timeout=WAIT)


def test_a_folder_removed_behind_the_runtimes_back_does_not_stop_it(qtbot, ui_session, folder, runtime):  # noqa: F811
    vault = ui_session.vault
    qtbot.waitUntil(lambda: runtime.text == "Watching 1 folder · up to date", timeout=WAIT)
    batches: list[object] = []
    runtime.applied.connect(lambda _root, report: batches.append(report))
    watch.remove_folder(vault, folder)  # as `reverie watch remove` does from another process
    (folder / "after.md").write_text("# After\n\nWritten once the folder was removed.\n")
    qtbot.waitUntil(lambda: runtime.debouncer.waiting == 0 and ui_session.db.pending == 0, timeout=WAIT)
    assert note(vault, "After") is None and not batches
    thread = runtime._thread
    assert thread is not None and thread.is_alive()
    runtime.reload()
    qtbot.waitUntil(lambda: runtime.text == "No folder is watched.", timeout=WAIT)
    assert not runtime._watches


def test_the_window_follows_a_folder_added_in_settings(qtbot, paths, vault, tmp_path, monkeypatch):
    from uifakes import open_window

    from reverie.app.ui.settings import watch_box

    folder = tmp_path / "Vault"
    folder.mkdir()
    (folder / "garden.md").write_text("# Garden\n\nTomatoes need full sun.\n")
    window = open_window(qtbot, paths, vault)
    box = window.pages["settings"].widget.watched
    assert box.runtime is not None  # installed with the Settings page, started when the vault opened
    box.runtime.debouncer.quiet, box.runtime.tick = 0.3, 0.05
    monkeypatch.setattr(watch_box.QFileDialog, "getExistingDirectory", lambda *_a: str(folder))
    window.action("watch_folder")()  # "Watch folder" in the palette: Settings, then the folder chooser
    assert window.stack.currentWidget() is window.pages["settings"].widget
    qtbot.waitUntil(lambda: box.status.text() == "Watching 1 folder · up to date" and len(box.rows) == 1, timeout=WAIT)
    qtbot.waitUntil(lambda: note(vault, "Garden") is not None, timeout=WAIT)
    (folder / "ideas.md").write_text("# Ideas\n\nA bench under the fig tree.\n")
    qtbot.waitUntil(lambda: note(vault, "Ideas") is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: "2 notes" in box.line(0), timeout=WAIT)
    window.close()
    assert box.runtime._observer is None  # stopped with the window
