"""File menu: export, the import dialog (preview, policy, progress), bring-in and lock changes."""

from __future__ import annotations

import json

from transfer_helpers import populate

from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.session import Session
from reverie.core import notes
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.transfer import export_vault
from reverie.core.vault import Vault


def _window(qtbot, paths):
    session = Session(paths)
    window = MainWindow(session)
    qtbot.addWidget(window)
    session.set_vault(Vault.open(paths))
    return window, session


def _says(qtbot, window, text):
    """Wait until the status bar has said ``text`` (every message is recorded, so one that was
    replaced or expired still counts); on time-out, show what it said."""
    seen = window.said  # filled by _record
    try:
        qtbot.waitUntil(lambda: any(text in m for m in seen), timeout=30_000)
    except Exception as exc:
        raise AssertionError(f"the status bar said {seen!r}") from exc
    seen.clear()


def _record(window):
    window.said = []
    window.statusBar().messageChanged.connect(window.said.append)


def test_file_menu_export_then_import_dialog_preview_and_import(qtbot, tmp_path, paths, clock):
    src = Vault.create(vault_paths(tmp_path / "src"), KeyMode.NONE, clock=clock)
    populate(src, clock)
    file = export_vault(src, tmp_path / "a.reverie", passphrase="a long passphrase").path
    src.close()
    Vault.create(paths, KeyMode.KEYRING).close()
    window, session = _window(qtbot, paths)
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&File" in titles
    dialog = window.features["transfer"].open_import_dialog(file)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "passphrase" in dialog.message.text(), timeout=20_000)
    assert not dialog.import_button.isEnabled()
    dialog.passphrase.setText("a long passphrase")
    dialog.check()
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=20_000)
    assert dialog.preview.tables["notes"].new == 2 and " new, " in dialog.message.text()
    assert dialog.table.item(2, 0).text() == "2"  # notes, "new"
    dialog.policy.setCurrentIndex(2)
    with qtbot.waitSignal(dialog.finished_import, timeout=30_000) as sig:
        dialog.import_button.click()
    assert sig.args[0].policy == "theirs" and sig.args[0].added["notes"] == 2
    assert "records added" in dialog.message.text()
    window.close()


def test_bring_in_export_markdown_and_lock_from_the_menu(qtbot, tmp_path, paths):
    Vault.create(paths, KeyMode.KEYRING).close()
    window, session = _window(qtbot, paths)
    _record(window)
    actions = window.features["transfer"]
    (tmp_path / "md").mkdir()
    (tmp_path / "md" / "a.md").write_text("# Alpha\n\nFirst note.\n")
    actions.do_bring_in(tmp_path / "md")
    _says(qtbot, window, "Brought in md: 1 new, 0 updated.")
    chat = [
        {
            "title": "T",
            "create_time": 1.7e9,
            "update_time": 1.7e9,
            "conversation_id": "c1",
            "current_node": "n",
            "mapping": {
                "n": {
                    "id": "n",
                    "parent": None,
                    "children": [],
                    "message": {
                        "author": {"role": "user"},
                        "create_time": 1.7e9,
                        "content": {"content_type": "text", "parts": ["hi"]},
                    },
                }
            },
        }
    ]
    (tmp_path / "conversations.json").write_text(json.dumps(chat))
    actions.do_import_chatgpt(tmp_path / "conversations.json")
    _says(qtbot, window, "Imported 1 conversations")
    actions.do_export_markdown(tmp_path / "out")
    _says(qtbot, window, "Wrote 1 notes")
    actions.do_lock(KeyMode.PASSPHRASE, "a long passphrase")
    _says(qtbot, window, "now locked with a passphrase")
    actions.do_lock(KeyMode.NONE)
    _says(qtbot, window, "now not encrypted")
    assert session.vault.key_mode is KeyMode.NONE and len(notes.list_notes(session.vault)) == 1
    actions.do_export(tmp_path / "bad" / "x.reverie")
    _says(qtbot, window, "does not exist")
    window.close()


def test_lock_dialog_says_the_lock_in_words_and_asks_a_passphrase_only_for_one(qtbot):
    from reverie.app.ui.transfer.menu import LockDialog

    said = {}
    for mode in KeyMode:
        dialog = LockDialog(mode)
        qtbot.addWidget(dialog)
        said[mode] = dialog.now.text()
    assert said == {
        KeyMode.NONE: "Now: not encrypted.",
        KeyMode.KEYRING: "Now: a key in your system keyring.",
        KeyMode.PASSPHRASE: "Now: a passphrase.",
    }
    dialog = LockDialog(KeyMode.NONE)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.first.isVisible() and not dialog.second.isVisible()
    dialog.buttons[KeyMode.PASSPHRASE].click()
    assert dialog.first.isVisible() and dialog.second.isVisible()
    dialog.buttons[KeyMode.KEYRING].click()
    assert not dialog.first.isVisible() and not dialog.second.isVisible()
