"""Marking an import as the user's own writing: ``reverie import PATH --mine`` and the "These are
my own notes" box of the folder import in the window. Without the mark, imported files are
documents: searchable, never a source of facts about the user."""

from __future__ import annotations

import json

from reverie.app.cli import main
from reverie.core.consolidation import run_consolidation
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault


def _folder(tmp_path):
    folder = tmp_path / "journal"
    folder.mkdir()
    (folder / "me.md").write_text("# About me\n\nMy dentist is Dr. Wu.\n", encoding="utf-8")
    return folder


def _own_marks(home):
    vault = Vault.open(vault_paths(home))
    try:
        return [json.loads(r[0]).get("own_words") for r in vault.query("SELECT meta FROM notes")], vault
    except BaseException:
        vault.close()
        raise


def test_cli_import_marks_own_notes_only_with_mine(capsys, tmp_path):
    folder = _folder(tmp_path)
    docs, mine = tmp_path / "docs-home", tmp_path / "mine-home"
    assert main(["--home", str(docs), "import", str(folder)]) == 0
    assert "Read as documents" in capsys.readouterr().out
    assert main(["--home", str(mine), "import", str(folder), "--mine", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["mine"] is True
    for home, expected, n_facts in ((docs, [None], 0), (mine, [True], 1)):
        marks, vault = _own_marks(home)
        try:
            assert marks == expected
            run_consolidation(vault)
            assert vault.query("SELECT count(*) FROM memories WHERE kind = 'fact'")[0][0] == n_facts
        finally:
            vault.close()
    chat = tmp_path / "conversations.json"
    chat.write_text("[]", encoding="utf-8")
    assert main(["--home", str(docs), "import", str(chat), "--mine"]) == 2
    assert "--mine is for notes and documents brought in" in capsys.readouterr().err


def test_the_folder_import_dialog_asks_whether_the_notes_are_mine(qtbot, tmp_path, paths):
    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session
    from reverie.app.ui.transfer.import_dialog import OWN_NOTES_LABEL

    Vault.create(paths, KeyMode.KEYRING).close()
    session = Session(paths)
    window = MainWindow(session)
    qtbot.addWidget(window)
    session.set_vault(Vault.open(paths))
    folder = _folder(tmp_path)
    dialog = window.features["transfer"].bring_dialog(folder)
    qtbot.addWidget(dialog)
    assert dialog.mine.text() == OWN_NOTES_LABEL and not dialog.mine.isChecked()  # documents unless said
    from PySide6.QtWidgets import QLabel

    assert "never taken as facts about you" in " ".join(w.text() for w in dialog.findChildren(QLabel))
    dialog.mine.setChecked(True)  # the preview is read again; Import waits for it
    qtbot.waitUntil(lambda: dialog.bring_button.isEnabled() and dialog.preview.mine, timeout=30_000)
    with qtbot.waitSignal(dialog.brought, timeout=30_000):
        dialog.bring_button.click()
    assert "Marked as your own notes" in dialog.message.text()
    assert [json.loads(r[0]).get("own_words") for r in session.vault.query("SELECT meta FROM notes")] == [True]
    window.close()
