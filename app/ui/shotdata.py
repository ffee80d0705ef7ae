"""The windows the screenshot run shows, each on its own temporary vault: the sample vault (with
answers from the real chat model and a long code answer), a new empty vault, a passphrase vault
whose unlock was cancelled, and a vault of 5,000 memories."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from reverie.app.ui.screenplay import Stage

PASSPHRASE = "correct horse battery staple"


class Shooter(Protocol):
    """What the builders need of the screenshot run (``shots.Shooter``)."""

    tmp: Path
    now: float
    size: tuple[int, int]
    screens: set[str]

    def settler(self, session: Any) -> Callable[[], None]: ...
    def pump(self, seconds: float = 0.15) -> None: ...
    def modal(
        self,
        trigger: Callable[[], Any],
        handlers: list[Callable[[Any], Any]],
        *,
        required: bool = True,
        timeout: float = 20,
    ) -> None: ...


QUESTIONS = ("I booked the dentist for Dec 3 at 2:30", "When is the race in Utrecht?")
BIG_VAULT_MEMORIES = 5000


def _window(sh: Shooter, paths: Any, *, services: Any = None) -> tuple[Any, Stage]:
    from reverie.app.ui.main_window import MainWindow
    from reverie.app.ui.session import Session

    session = Session(paths)
    window = MainWindow(session, services(session) if services else None)
    nightly = getattr(window, "nightly", None)
    if nightly is not None:  # the person at this window is never idle: no consolidation changes a screen mid-run
        nightly.idle_seconds = lambda _now: 0.0
    window.resize(*sh.size)
    window.show()
    return window, Stage(window, sh.settler(session))


def sample_ids(vault: Any) -> dict[str, str]:
    """The conversation and note the pages open first (before the long code answer is added)."""
    from reverie.app.samplebulk import add_code_conversation
    from reverie.core import conversations, notes

    ids: dict[str, str] = {}
    convs = conversations.list_conversations(vault)
    if convs:
        ids["first"] = convs[0].id
    listed = notes.list_notes(vault, limit=1)
    if listed:
        ids["note"] = listed[0].id
    ids["code"] = add_code_conversation(vault)
    return ids


def build_sample(sh: Shooter) -> Stage:
    from reverie.app.sampledata import build_sample_vault
    from reverie.app.ui.startup import Startup
    from reverie.core.paths import vault_paths

    vault = build_sample_vault(vault_paths(sh.tmp / "home"), sh.now)
    ids = sample_ids(vault)
    window, stage = _window(sh, vault.paths)
    stage.ids.update(ids)
    Startup(window, interactive=False)._opened(vault)
    stage.settle()
    if sh.screens & {"chat-answers"}:
        # Two turns answered by the default chat model: an acknowledgement and a quoted answer.
        chat = stage.page("chat")
        chat.new_conversation()
        stage.settle()
        for text in QUESTIONS:
            chat.composer.setPlainText(text)
            chat.send()
            end = time.monotonic() + 180
            while (chat.flow.running or window.session.model.pending) and time.monotonic() < end:
                sh.pump(0.2)
        stage.settle()
        if chat.cid:
            stage.ids["answers"] = chat.cid
    return stage


def build_empty(sh: Shooter) -> Stage:
    from reverie.app.ui.startup import Startup
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    paths = vault_paths(sh.tmp / "empty")
    Vault.create(paths, KeyMode.NONE).close()
    window, stage = _window(sh, paths)
    Startup(window, interactive=False).start()
    stage.settle()
    stage.settle()
    return stage


def build_locked(sh: Shooter) -> Stage:
    """A passphrase vault: Reverie asks for the passphrase at start, and the user cancels."""
    from reverie.app.ui.startup import Startup
    from reverie.core.keys import KeyMode
    from reverie.core.paths import vault_paths
    from reverie.core.vault import Vault

    paths = vault_paths(sh.tmp / "locked")
    Vault.create(paths, KeyMode.PASSPHRASE, PASSPHRASE).close()
    window, stage = _window(sh, paths)
    startup = Startup(window, interactive=True)
    sh.modal(startup.start, [lambda _dlg: None])  # the unlock dialog opens; it is cancelled
    stage.settle()
    return stage


def build_big(sh: Shooter) -> Stage:
    """The sample vault grown to 5,000 memories (no vectors: the window searches by words)."""
    from reverie.app.samplebulk import add_bulk_memories
    from reverie.app.sampledata import build_sample_vault
    from reverie.app.ui.services import AppServices
    from reverie.app.ui.startup import Startup
    from reverie.core.paths import vault_paths

    vault = build_sample_vault(vault_paths(sh.tmp / "big"), sh.now)
    ids = sample_ids(vault)
    add_bulk_memories(vault, BIG_VAULT_MEMORIES, sh.now)
    window, stage = _window(sh, vault.paths, services=lambda session: AppServices(session, use_embedder=False))
    stage.ids.update(ids)
    Startup(window, interactive=False)._opened(vault)
    stage.settle()
    return stage


def build_none(_sh: Shooter) -> None:
    return None


BUILDERS: dict[str, Callable[[Shooter], Any]] = {
    "welcome": build_none,
    "sample": build_sample,
    "empty": build_empty,
    "locked": build_locked,
    "big": build_big,
}
