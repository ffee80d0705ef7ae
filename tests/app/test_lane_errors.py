"""The window's lanes tell a busy vault, and any other failure, in the command line's one sentence."""

from __future__ import annotations

import pytest
from sqlcipher3 import dbapi2 as sqlite

import reverie.core.vault as vaultmod
from reverie.app.ui.changes import OpChanges
from reverie.app.ui.session import Session
from reverie.core import notes
from reverie.core.errors import BUSY_SENTENCE
from reverie.core.keys import KeyMode
from reverie.core.vault import Vault


@pytest.fixture
def busy_session(qtbot, paths, clock, monkeypatch):
    """A session on a real unencrypted vault whose write lock another connection holds."""
    monkeypatch.setattr(vaultmod, "BUSY_TIMEOUT_MS", 100)  # not 10 s: read when the vault connects
    vault = Vault.create(paths, KeyMode.NONE, clock=clock)
    # The same SQLite library as the vault's: two copies in one process would not see each other's locks.
    other = sqlite.connect(str(paths.database), isolation_level=None, timeout=0.1)
    session = Session(paths)
    session.set_vault(vault)
    other.execute("BEGIN IMMEDIATE")
    yield session, other
    other.rollback()
    other.close()
    session.close()


def test_run_op_on_a_busy_vault_says_so(qtbot, busy_session):
    session, _other = busy_session
    errors: list[str] = []
    published: list[object] = []
    session.changed.connect(published.append)
    session.run_op(
        notes.create_note,
        session.vault,
        "written while another window holds the vault",
        changes=OpChanges(),
        on_error=errors.append,
    )
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert errors == [BUSY_SENTENCE] and published == []


def test_a_lane_task_without_on_error_emits_the_busy_sentence(qtbot, busy_session):
    session, _other = busy_session
    with qtbot.waitSignal(session.db.error, timeout=10_000) as blocker:
        session.db.submit(notes.create_note, session.vault, "another write")
    assert blocker.args == [BUSY_SENTENCE]


def test_an_unexpected_error_is_one_sentence_naming_its_type(qtbot, busy_session):
    session, other = busy_session
    other.rollback()
    with qtbot.waitSignal(session.db.error, timeout=10_000) as blocker:
        session.db.submit(lambda: {}["missing\nkey"])
    (message,) = blocker.args
    assert message == "Something went wrong (KeyError); your data is unchanged."
    other.execute("BEGIN IMMEDIATE")  # the fixture rolls it back
