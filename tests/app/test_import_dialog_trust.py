"""The vault-file import dialog: "These are my own notes" decides whether a foreign file's records
keep their trust; the vault's own export is recognised without it."""

from __future__ import annotations

from transfer_helpers import populate

from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.session import Session
from reverie.app.ui.transfer.import_dialog import OWN_NOTES_LABEL
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.transfer import export_vault
from reverie.core.vault import Vault


def _import(qtbot, window, file, mine):
    dialog = window.features["transfer"].open_import_dialog(file)
    qtbot.addWidget(dialog)
    assert dialog.mine.text() == OWN_NOTES_LABEL and not dialog.mine.isChecked()
    dialog.mine.setChecked(mine)
    dialog.check()
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=20_000)
    said = dialog.message.text()
    with qtbot.waitSignal(dialog.finished_import, timeout=30_000) as sig:
        dialog.import_button.click()
    dialog.close()
    return said, sig.args[0]


def test_the_checkbox_keeps_trust_and_its_absence_marks_records_imported(qtbot, tmp_path, paths, clock):
    src = Vault.create(vault_paths(tmp_path / "src"), KeyMode.NONE, clock=clock)
    populate(src, clock)
    file = export_vault(src, tmp_path / "a.reverie").path
    src.close()
    Vault.create(paths, KeyMode.KEYRING).close()
    session = Session(paths)
    window = MainWindow(session)
    qtbot.addWidget(window)
    session.set_vault(Vault.open(paths))
    said, summary = _import(qtbot, window, file, mine=False)
    assert "kept as imported" in said and not summary.trust_kept
    trusts = {r[0] for r in session.vault.query("SELECT DISTINCT trust FROM memories")}
    assert trusts == {"imported"}
    said, summary = _import(qtbot, window, file, mine=True)
    assert "kept as imported" not in said and summary.trust_kept
    assert "user" in {r[0] for r in session.vault.query("SELECT DISTINCT trust FROM memories")}
    own = export_vault(session.vault, tmp_path / "own.reverie").path
    said, _ = _import(qtbot, window, own, mine=False)
    assert "This is an export of this vault" in said
    window.close()
