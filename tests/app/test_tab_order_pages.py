"""Every control of Memories, Search, Insights and Settings (and the folder-import preview) is
reachable with Tab: nothing traps the focus (a table moving cell by cell, an editor taking Tab)."""

from __future__ import annotations

import ui_fixtures
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from ui_fixtures import settle

from reverie.app.ui.insights import InsightsPage
from reverie.app.ui.memories import MemoriesPage
from reverie.app.ui.settings import SettingsPage
from reverie.app.ui.tasks import TaskTracker
from reverie.app.ui.transfer.bring_dialog import BringDialog
from reverie.app.ui.transfer.bring_run import BringRunner
from reverie.core import notes

ui_session = ui_fixtures.ui_session


def _tabbable(root: QWidget) -> set[QWidget]:
    return {
        w
        for w in root.findChildren(QWidget)
        if w.isVisible() and w.isEnabled() and (w.focusPolicy() & Qt.FocusPolicy.TabFocus) and w.focusProxy() is None
    }


def tab_walk(qtbot, root: QWidget, steps: int = 200) -> tuple[set[QWidget], set[QWidget]]:
    """Press Tab from the first control until the focus comes back round; what was reached, and what was not."""
    root.activateWindow()
    want = _tabbable(root)
    first = root.nextInFocusChain()
    while first not in want:
        first = first.nextInFocusChain()
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first)
    seen: set[QWidget] = set()
    for _ in range(steps):
        w = QApplication.focusWidget()
        seen.add(w)
        qtbot.keyClick(w, Qt.Key.Key_Tab)
        if QApplication.focusWidget() is first:
            break
    for w in list(seen):  # an exclusive group (radio buttons, List | Day by day) is one stop; arrows move inside
        group = getattr(w, "group", lambda: None)()
        if group is not None and group.exclusive():
            seen.update(group.buttons())
        elif getattr(w, "autoExclusive", lambda: False)() and w.parentWidget() is not None:
            seen.update(b for b in w.parentWidget().findChildren(type(w)) if b.autoExclusive())
    return seen, want - seen


def _names(widgets):
    return sorted(
        f"{type(w).__name__}({getattr(w, 'text', lambda: '')() if hasattr(w, 'text') else ''})" for w in widgets
    )


def test_memories_page(qtbot, ui_session, vault):
    notes.create_note(vault, "The spare key is under the blue pot.")
    page = MemoriesPage(ui_session)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.browse.reload()
    settle(qtbot, ui_session)
    qtbot.waitUntil(lambda: page.browse.model.rowCount() == 1)
    page.browse.table.selectRow(0)
    qtbot.waitUntil(lambda: page.browse.detail.memory is not None)
    _seen, missed = tab_walk(qtbot, page)
    assert not missed, _names(missed)


def test_settings_page(qtbot, ui_session):
    page = SettingsPage(ui_session, TaskTracker())
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.reload()
    settle(qtbot, ui_session)
    _seen, missed = tab_walk(qtbot, page)
    assert not missed, _names(missed)


def test_insights_page(qtbot, ui_session, vault):
    notes.create_note(vault, "one")
    page = InsightsPage(ui_session)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.reload()
    settle(qtbot, ui_session)
    want = _tabbable(page)
    if want:
        _seen, missed = tab_walk(qtbot, page)
        assert not missed, _names(missed)


def test_folder_import_preview(qtbot, ui_session, tmp_path):
    (tmp_path / "a.md").write_text("# A\n\ntext", encoding="utf-8")
    dialog = BringDialog(tmp_path, ui_session, BringRunner(ui_session, None, TaskTracker()))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.check()
    qtbot.waitUntil(lambda: dialog.preview is not None)
    _seen, missed = tab_walk(qtbot, dialog)
    assert not missed, _names(missed)


def test_about_me_tab(qtbot, ui_session, vault):
    from ui_fixtures import add_fact

    add_fact(vault, "The user's sister is Anna.")
    page = MemoriesPage(ui_session)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.tabs.setCurrentWidget(page.about_me)
    page.about_me.reload()
    settle(qtbot, ui_session)
    qtbot.waitUntil(lambda: page.about_me.facts_model.rowCount() == 1)
    _seen, missed = tab_walk(qtbot, page)
    assert not missed, _names(missed)


def test_search_page(qtbot, paths, vault):
    from uifakes import open_window

    notes.create_note(vault, "The lighthouse keeper waved.")
    window = open_window(qtbot, paths, vault)
    page = window.show_page("search")
    page.query.setText("lighthouse")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    want = _tabbable(page)
    seen, _ = tab_walk(qtbot, window, steps=300)
    assert not want - seen, _names(want - seen)
