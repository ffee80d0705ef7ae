"""The window's way back: a recovery code where the key is missing, and the kit offered at first run."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reverie.app.ui.locked import LockedNotice
from reverie.app.ui.main_window import MainWindow
from reverie.app.ui.session import Session
from reverie.app.ui.startup import Startup
from reverie.core import recovery
from reverie.core.keys import KeyMode
from reverie.core.vault import Vault, VaultHeader


class FakeShell:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def action(self, key: str):
        return lambda: self.calls.append(key)


def _window(qtbot, paths):
    session = Session(paths)
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    return session, window


def test_a_lost_keyring_entry_asks_for_the_recovery_code_and_the_vault_opens(qtbot, paths, clock, memory_keyring):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    code = recovery.make_kit(v, clock.now())
    v.close()
    memory_keyring.store.clear()
    session, window = _window(qtbot, paths)
    notice = LockedNotice(session, window)
    assert not notice.recover.isHidden()
    startup = Startup(window)
    asked: list[str] = []
    answers = [recovery.new_code(), code]
    startup.ask_code = lambda message: asked.append(message) or answers.pop(0)
    startup.start()
    qtbot.waitUntil(lambda: session.is_open, timeout=20_000)
    assert "not in the system keyring" in asked[0] and "recovery code" in asked[0]
    assert "does not open this vault" in asked[1]
    assert notice.isHidden()
    assert window.action("unlock") is not None
    window.close()


def test_a_passphrase_recovered_is_told_and_opens_the_vault(qtbot, paths, clock):
    v = Vault.create(paths, KeyMode.PASSPHRASE, "a long passphrase", clock=clock)
    code = recovery.make_kit(v, clock.now(), "a long passphrase")
    v.close()
    session, window = _window(qtbot, paths)
    startup = Startup(window)
    told: list[str] = []
    startup.tell_passphrase = told.append
    startup.ask_code = lambda message: code
    window.action("recover")()
    qtbot.waitUntil(lambda: session.is_open, timeout=20_000)
    assert told == ["a long passphrase"]
    window.close()


def test_the_locked_notice_offers_the_code_only_where_a_kit_exists(qtbot, paths, clock):
    Vault.create(paths, KeyMode.PASSPHRASE, "a long passphrase", clock=clock).close()
    session = Session(paths)
    shell = FakeShell()
    notice = LockedNotice(session, shell)
    qtbot.addWidget(notice)
    notice.show()
    assert notice.recover.isHidden()
    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
    assert shell.calls == ["unlock"]
    header = VaultHeader.read(paths.header)
    v = Vault.open(paths, "a long passphrase", clock=clock)
    recovery.make_kit(v, clock.now(), "a long passphrase")
    v.close()
    assert header.recovery is None and VaultHeader.read(paths.header).recovery is not None
    notice.hide()
    notice.show()
    assert not notice.recover.isHidden()
    qtbot.mouseClick(notice.recover, Qt.MouseButton.LeftButton)
    assert shell.calls == ["unlock", "recover"]
    session.close()


def test_a_new_encrypted_vault_is_offered_a_kit_once(qtbot, paths, clock):
    session, window = _window(qtbot, paths)
    startup = Startup(window)
    offered: list[bool] = []
    shown: list[str] = []
    startup.offer_kit = lambda: offered.append(True) or True
    startup.show_code = shown.append
    vault = Vault.create(paths, KeyMode.PASSPHRASE, "a long passphrase", clock=clock)
    startup._created(vault, "a long passphrase")
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert offered == [True]
    assert recovery.unwrap(vault.header, shown[0]).secret == "a long passphrase"
    window.close()


def test_an_unencrypted_vault_is_not_offered_a_kit(qtbot, paths, clock):
    session, window = _window(qtbot, paths)
    startup = Startup(window)
    startup.offer_kit = lambda: (_ for _ in ()).throw(AssertionError("offered"))
    startup._created(Vault.create(paths, KeyMode.NONE, clock=clock), None)
    assert session.is_open
    window.close()


def test_unlock_on_a_keyring_vault_tries_the_keyring_again_then_asks_for_the_code(qtbot, paths, clock, memory_keyring):
    v = Vault.create(paths, KeyMode.KEYRING, clock=clock)
    code = recovery.make_kit(v, clock.now())
    secret = recovery.current_key(v).secret
    v.close()
    memory_keyring.store.clear()
    session, window = _window(qtbot, paths)
    startup = Startup(window)
    asked: list[str] = []
    startup.ask_code = lambda message: asked.append(message) and None  # cancelled
    startup.start()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=20_000)
    memory_keyring.store[("Reverie vault", VaultHeader.read(paths.header).vault_id)] = secret  # keyring is back
    window.action("unlock")()
    qtbot.waitUntil(lambda: session.is_open, timeout=20_000)
    assert len(asked) == 1 and code  # opened from the keyring, without the code
    window.close()
