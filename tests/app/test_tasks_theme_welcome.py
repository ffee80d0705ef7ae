"""The status-bar task tracker, themes, the welcome dialog, and the window with its pages."""

from __future__ import annotations

import sys
import threading

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from uifakes import fake_services

from reverie.app.sampledata import build_sample_vault
from reverie.app.ui import theme
from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.session import Session
from reverie.app.ui.startup import Startup
from reverie.app.ui.tasks import TaskBar, TaskTracker
from reverie.app.ui.welcome import WelcomeDialog
from reverie.core import memories, profile
from reverie.core.clock import DAY


def test_tracker_reports_progress_from_a_worker_thread_and_cancels(qtbot):
    tracker = TaskTracker()
    bar = TaskBar(tracker)
    qtbot.addWidget(bar)
    assert bar.isHidden()
    cancelled = threading.Event()
    handle = tracker.begin("Re-embedding", 10, cancelled.set)
    assert not bar.isHidden() and bar.bar.isHidden()  # nothing done yet: no empty box
    worker = threading.Thread(target=lambda: [handle.progress(i) for i in range(1, 8)])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bar.label.text() == "Re-embedding… 7 of 10")
    other = tracker.begin("Indexing")  # unknown total: no bar, no Cancel
    assert bar.bar.isHidden() and bar.cancel_button.isHidden() and "Indexing" in bar.label.text()
    other.finish()
    qtbot.waitUntil(lambda: "Re-embedding" in bar.label.text())
    assert "(+" not in bar.label.text()
    bar.cancel_button.click()
    assert cancelled.is_set() and "cancelling" in bar.label.text() and not bar.cancel_button.isEnabled()
    with qtbot.waitSignal(tracker.finished) as sig:
        handle.finish("Cancelled; nothing was changed.")
    assert sig.args == ["Re-embedding", "Cancelled; nothing was changed."]
    assert bar.isHidden() and not tracker.tasks


def test_many_signal_emits_do_not_exhaust_the_bool_singletons(qtbot):
    tracker = TaskTracker()
    for _ in range(20000):  # PySide6 6.12 drops a reference to True per emit on Python 3.11
        tracker.changed.emit()
    assert sys.getrefcount(True) > 1000


def test_themes_set_a_full_palette_and_follow_the_choice(qtbot):
    app = QApplication.instance()
    seen = []
    theme.theme_signals().changed.connect(seen.append)
    assert theme.apply_theme(app, "dark") == "dark" and theme.current_theme() == "dark"
    assert app.palette().color(QPalette.ColorRole.Base).lightness() < 80
    assert "ui-more" in app.styleSheet()
    assert theme.apply_theme(app, "light") == "light"
    assert app.palette().color(QPalette.ColorRole.Base).lightness() > 200
    assert seen[-2:] == ["dark", "light"]
    expected = "dark" if theme.system_is_dark() else "light"
    assert theme.apply_theme(app, "system") == expected


def test_welcome_says_what_is_stored_where_and_whether_models_are_ready(qtbot):
    dlg = WelcomeDialog(
        "/home/me/.local/share/Reverie/vault",
        False,
        models=[("SmolLM2", True, ""), ("all-MiniLM-L6-v2", False, "the package is not installed")],
    )
    qtbot.addWidget(dlg)
    text = dlg.findChildren(type(dlg.models))[1].text()
    assert "reverie.db" in text and "vault.json" in text and "/home/me/.local/share/Reverie/vault" in text
    assert "missing (all-MiniLM-L6-v2: the package is not installed)" in dlg.models.text()
    assert dlg.passphrase.isChecked() and not dlg.keyring.isEnabled()
    dlg.pass1.setText("short")
    dlg._accept()
    assert "too short" in dlg.message.text() and dlg.result() == 0
    ready = WelcomeDialog("/v", True, models=[("SmolLM2", True, "")])
    qtbot.addWidget(ready)
    assert "installed and ready" in ready.models.text() and ready.keyring.isChecked()


def test_sample_vault_and_window_with_all_pages(qtbot, paths, clock):
    vault = build_sample_vault(paths, clock.now())
    kinds = {k for (k,) in vault.query("SELECT DISTINCT kind FROM memories")}
    assert kinds == {"chat", "note", "fact", "summary"}
    assert profile.get_profile(vault).startswith("Lives in Utrecht")
    assert memories.count_memories(vault, archived="only") == 1
    assert len(memories.list_memories(vault, since=clock.now() - 36 * DAY)) >= 20
    session = Session(paths)
    window = MainWindow(session, fake_services(session))  # no background indexing: this test watches the task bar
    qtbot.addWidget(window)
    Startup(window, interactive=False)._opened(vault)
    assert {"home", "memories", "insights", "settings"} <= set(window.pages)
    mem = window.show_page("memories")
    qtbot.waitUntil(lambda: mem.browse.model.rowCount() > 20 and session.db.pending == 0, timeout=10_000)
    handle = window.tasks.begin("Consolidating", 3, lambda: None)
    assert not window.task_bar.isHidden()
    handle.finish()
    qtbot.waitUntil(
        lambda: window.task_bar.isHidden() and "Consolidating: done." in window.statusBar().currentMessage()
    )
    window.close()
    assert vault.closed


def test_splitter_positions_are_remembered(qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QSplitter

    from reverie.app.ui.uikit import remember_splitter

    def make():
        s = QSplitter(Qt.Orientation.Horizontal)
        s.addWidget(QLabel("a"))
        s.addWidget(QLabel("b"))
        s.resize(400, 100)
        qtbot.addWidget(s)
        s.show()
        remember_splitter(s, "test")
        return s

    first = make()
    first.setSizes([300, 100])
    first.splitterMoved.emit(300, 1)  # what a drag emits
    second = make()
    assert second.sizes()[0] > second.sizes()[1]


def test_answers_for_a_closed_page_are_dropped(qtbot):
    import shiboken6
    from PySide6.QtWidgets import QLabel

    from reverie.app.ui.uikit import alive

    label = QLabel()
    seen = []
    call = alive(label, lambda x: seen.append(x) or label.setText(str(x)))
    call(1)
    shiboken6.delete(label)
    call(2)  # would raise "Internal C++ object already deleted" without the guard
    assert seen == [1] and alive(label, None) is None
