"""The real main window, offscreen, on a real vault."""

from __future__ import annotations

from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.session import Session
from reverie.app.ui.startup import Startup
from reverie.core import notes
from reverie.core.keys import KeyMode
from reverie.core.vault import Vault


def test_window_opens_on_an_empty_vault_with_an_honest_empty_state(qtbot, paths):
    Vault.create(paths, KeyMode.KEYRING).close()
    session = Session(paths)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    Startup(window, interactive=False).start()
    qtbot.waitUntil(lambda: "empty" in window.home.headline.text(), timeout=10_000)
    assert "Ctrl+N" in window.home.body.text()
    assert str(paths.folder) in window.home.details.text()
    assert "keyring" in window.home.details.text()
    assert session.vault is not None
    window.close()
    assert session.vault.closed


def test_window_shows_counts_and_a_locked_vault_message(qtbot, paths):
    v = Vault.create(paths, KeyMode.PASSPHRASE, "a long passphrase")
    notes.create_note(v, "one note")
    v.close()
    session = Session(paths)
    window = MainWindow(session)
    qtbot.addWidget(window)
    Startup(window, interactive=False).start()
    qtbot.waitUntil(lambda: "could not open" in window.home.headline.text(), timeout=10_000)
    assert "passphrase" in window.home.body.text()
    window.close()
