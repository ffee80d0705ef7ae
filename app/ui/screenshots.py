"""Screenshots of every screen on sample data, in a real window.

Everything happens in a temporary folder: the vault (``app.sampledata``), Reverie's data home
and the Qt settings file, so the user's vault and window state are never touched.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _isolate(tmp: Path) -> None:
    os.environ["REVERIE_HOME"] = str(tmp / "home")
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m reverie.app.screenshots",
                                     description="Save PNGs of each screen, on sample data.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", default="1180x760", help="window size, WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    width, height = (int(x) for x in args.size.lower().split("x"))
    out: Path = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="reverie-shots-") as tmp_name:
        tmp = Path(tmp_name)
        _isolate(tmp)
        return _shoot(out, tmp, width, height)


def _shoot(out: Path, tmp: Path, width: int, height: int) -> int:
    from PySide6.QtWidgets import QApplication, QScrollArea

    from reverie.app.sampledata import build_sample_vault
    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session
    from reverie.app.ui.startup import Startup
    from reverie.app.ui.theme import apply_theme
    from reverie.app.ui.welcome import WelcomeDialog
    from reverie.core.paths import vault_paths

    app = QApplication.instance() or QApplication(["reverie-screenshots"])
    app.setApplicationName("Reverie")
    app.setOrganizationName("Reverie")
    apply_theme(app, "light")
    saved: list[Path] = []

    def pump(session: Session | None = None, seconds: float = 0.4) -> None:
        end = time.monotonic() + 20
        while session is not None and (session.db.pending or session.model.pending) and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def save(widget, name: str) -> None:  # noqa: ANN001 - any QWidget
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        saved.append(path)

    # First run: the welcome dialog.
    welcome = WelcomeDialog(str(tmp / "home" / "vault"), True, models=[
        ("SmolLM2-135M-Instruct.Q4_1.gguf", True, ""), ("all-MiniLM-L6-v2", True, "")])
    welcome.show()
    pump()
    save(welcome, "01-welcome")
    welcome.close()

    # An empty vault: every page must explain itself.
    empty_paths = vault_paths(tmp / "empty")
    from reverie.core.keys import KeyMode
    from reverie.core.vault import Vault

    Vault.create(empty_paths, KeyMode.NONE).close()
    session = Session(empty_paths)
    window = MainWindow(session)
    window.resize(width, height)
    window.show()
    Startup(window, interactive=False).start()
    pump(session, 0.8)
    pump(session)
    for key, name in (("memories", "02-empty-memories"), ("insights", "03-empty-insights"),
                      ("chat", "02b-empty-chat"), ("notes", "02c-empty-notes"), ("search", "02d-empty-search")):
        window.show_page(key)
        pump(session)
        save(window, name)
    window.show_page("memories")
    window.pages["memories"].widget.tabs.setCurrentIndex(1)
    pump(session)
    save(window, "04-empty-about-me")
    window.close()
    pump()

    # The sample vault.
    paths = vault_paths(tmp / "home")
    vault = build_sample_vault(paths, time.time())
    session = Session(paths)
    window = MainWindow(session)
    window.resize(width, height)
    window.show()
    Startup(window, interactive=False)._opened(vault)
    pump(session, 0.8)
    save(window, "05-home")
    mem = window.pages["memories"].widget

    def select_first() -> None:
        mem.tabs.setCurrentIndex(0)
        mem.browse.table.selectRow(0)

    def by_day() -> None:
        mem.browse.days_button.click()

    def pick_day_with_most() -> None:
        model = mem.browse.days_model
        best = max(range(model.rowCount()), key=lambda r: sum(model.days[r][1].values()))
        mem.browse.days.setCurrentIndex(model.index(best, 0))

    def select_again() -> None:
        mem.browse.table.selectRow(0)

    def archived() -> None:
        mem.browse.list_button.click()
        mem.browse.archived.setCurrentIndex(1)

    def archived_select() -> None:
        mem.browse.table.selectRow(0)

    def about_me() -> None:
        mem.browse.archived.setCurrentIndex(0)
        mem.tabs.setCurrentIndex(1)

    steps: list[tuple[str | None, Callable[[], None]]] = [
        (None, select_first), ("06-memories", lambda: None), (None, by_day), (None, pick_day_with_most),
        (None, select_again), ("08-memories-by-day", lambda: None), (None, archived), (None, archived_select),
        ("09-memories-archived", lambda: None), ("10-about-me", about_me)]
    window.show_page("memories")
    pump(session)
    for name, step in steps:
        step()
        pump(session)
        pump(session)
        if name:
            save(window, name)
    window.show_page("insights")
    pump(session)
    save(window, "11-insights")
    settings = window.show_page("settings")
    pump(session, 1.0)
    save(window, "12-settings")
    scroll = settings.findChild(QScrollArea)
    if scroll is not None:
        scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum() // 2)
        pump()
        save(window, "13-settings-middle")
        scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
        pump()
        save(window, "14-settings-bottom")

    # Chat, Notes and Search with the sample data.
    from reverie.core import conversations as convs
    from reverie.core import notes as notes_core

    chat = window.show_page("chat")
    first = convs.list_conversations(vault)
    if first:
        chat.load(first[0].id)
    pump(session, 0.8)
    save(window, "19-chat")
    # A new conversation answered by the default model's path: Reverie's acknowledgement and quoted answer.
    chat.new_conversation()
    pump(session, 0.8)
    for text in ("I booked the dentist for Dec 3 at 2:30", "When is the race in Utrecht?"):
        chat.composer.setPlainText(text)
        chat.send()
        end = time.monotonic() + 120
        while (chat.flow.running or session.model.pending) and time.monotonic() < end:
            pump(session, 0.2)
    pump(session, 0.8)
    save(window, "19b-chat-answers")
    notes_page = window.show_page("notes")
    listed = notes_core.list_notes(vault, limit=1)
    if listed:
        notes_page.open_note(listed[0].id)
    pump(session, 0.8)
    save(window, "20-notes")
    search = window.show_page("search")
    search.query.setText("tulip bulbs")
    pump(session, 1.5)
    pump(session, 0.5)
    save(window, "21-search")
    search.query.setText("tulip bulbs 3 years ago")  # nothing then: the results come from any time
    pump(session, 1.5)
    pump(session, 0.5)
    save(window, "22-search-any-time")

    # Background work in the status bar.
    window.show_page("memories")
    handle = window.tasks.begin("Re-embedding memories", 240, lambda: None)
    handle.progress(96, 240)
    pump(session)
    save(window, "15-status-bar-task")
    handle.finish("Re-embedding memories: done.")
    pump()

    # Dark theme.
    apply_theme(app, "dark")
    mem.tabs.setCurrentIndex(0)
    mem.browse.days_button.click()
    pump(session)
    pump(session)
    mem.browse.table.selectRow(1)
    pump(session)
    for key, name in (("memories", "16-dark-memories"), ("insights", "17-dark-insights"),
                      ("settings", "18-dark-settings")):
        page = window.show_page(key)
        if key == "settings" and scroll is not None:
            scroll.verticalScrollBar().setValue(0)
        del page
        pump(session)
        save(window, name)
    window.close()
    pump()
    for p in saved:
        print(p)
    return 0
