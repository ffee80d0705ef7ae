"""The shell: pages by Ctrl+1…7, File → Quit (Ctrl+Q), Help, the command palette (Ctrl+K), and a
sidebar with icons that folds to icons in a narrow window."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from ui_fixtures import settle
from uifakes import open_window

from reverie import __version__
from reverie.app.ui import menus
from reverie.app.ui.sidebar import COMPACT, WIDE
from reverie.core import notes

ORDER = ["home", "chat", "notes", "search", "memories", "reminders", "insights", "settings"]


def menu(window, title):
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title:
            return action.menu()
    raise AssertionError(f"no {title} menu")


def test_ctrl_digits_switch_pages_in_sidebar_order(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    assert [window.nav.key(i) for i in range(window.nav.count())] == ORDER
    for i, key in reversed(list(enumerate(ORDER))):
        qtbot.keyClick(window, getattr(Qt.Key, f"Key_{i + 1}"), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget() is window.pages[key].widget, key
    window.close()


def test_file_quit_help_and_the_shortcut_list(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    quit_action = [a for a in menu(window, "File").actions() if a.text() == "&Quit"][0]
    assert quit_action.shortcut().toString() == "Ctrl+Q"
    assert all(not a.icon().isNull() for a in menu(window, "File").actions() if not a.isSeparator())
    assert [a.text() for a in menu(window, "Help").actions()] == ["&Keyboard shortcuts", "&About Reverie"]
    rows = dict(menus.shortcut_rows(window))
    assert rows["Ctrl+Q"] == "Quit"
    assert rows["Ctrl+K"] == "Command palette"
    assert rows["Ctrl+3"] == "Go to Notes"
    assert rows["Ctrl+N"] == "New note"
    assert "Ctrl+K" in [k for k, _ in menus.shortcut_rows(window)]
    dialog = menus.shortcuts_dialog(window)
    assert ("Ctrl+Q", "Quit") in dialog.rows()
    about = menus.about_dialog(window)
    assert __version__ in about.text.text() and str(paths.folder) in about.text.text()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_the_palette_reaches_pages_and_actions(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    ran = []
    window.register_action("export", lambda: ran.append("export"))
    window.register_action("ask", lambda text: ran.append(text))  # takes text: not a palette command
    palette = window.open_palette()
    labels = [e.label for e in palette.entries()]
    assert "Go to Notes" in labels and "Export vault…" in labels and "Quit Reverie" in labels
    assert not any(e.key == "ask" for e in palette.entries())
    qtbot.keyClicks(palette.input, "go note")
    assert [e.label for e in palette.entries()] == ["Go to Notes"]
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.pages["notes"].widget
    assert palette.result() == QDialog.DialogCode.Accepted
    palette = window.open_palette()
    qtbot.keyClicks(palette.input, "export vault")
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    assert ran == ["export"]
    window.close()


def test_the_palette_finds_notes_by_word_and_opens_them(qtbot, paths, vault):
    note = notes.create_note(vault, "Lisbon trip\n\nThe azulejos in Alfama were blue.")
    window = open_window(qtbot, paths, vault)
    settle(qtbot, window.session)
    opened = []
    window.register_opener("note", opened.append)
    palette = window.open_palette()
    qtbot.keyClicks(palette.input, "azulejos")
    qtbot.waitUntil(lambda: any(e.kind == "hit" for e in palette.entries()), timeout=10_000)
    hits = [e for e in palette.entries() if e.kind == "hit"]
    assert "azulejos" in hits[0].label
    palette.list.setCurrentRow(palette.entries().index(hits[0]))
    qtbot.keyClick(palette.input, Qt.Key.Key_Return)
    assert [m.source_id for m in opened] == [note.id]
    window.close()


def test_ctrl_k_opens_the_palette(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    opened = []
    real = window.open_palette
    window.open_palette = lambda: opened.append(real())  # the menu action looks it up when triggered
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert len(opened) == 1 and opened[0].isVisible()
    opened[0].reject()
    window.close()


def test_sidebar_has_icons_no_focus_box_and_folds_in_a_narrow_window(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    nav = window.nav
    assert all(not nav.item(i).icon().isNull() for i in range(nav.count()))
    assert nav.focusPolicy() == Qt.FocusPolicy.NoFocus
    window.resize(1200, 700)
    qtbot.waitUntil(lambda: nav.width() == WIDE)
    assert nav.item(2).text() == "Notes"
    window.resize(760, 600)
    qtbot.waitUntil(lambda: nav.width() == COMPACT)
    assert nav.item(2).text() == "" and nav.item(2).toolTip().startswith("Notes")
    window.close()


def test_the_shell_fits_a_720_pixel_window(qtbot, paths, vault):
    window = open_window(qtbot, paths, vault)
    window.resize(720, 560)
    qtbot.waitUntil(lambda: window.nav.width() == COMPACT)
    assert window.nav.width() + window.home.minimumSizeHint().width() <= 720
    assert window.menuBar().sizeHint().width() <= 720
    window.close()
