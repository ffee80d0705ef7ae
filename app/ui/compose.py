"""Which feature pages the window hosts, in order: what a person uses every day first, Settings
last, then the File menu. Each feature lives in its own package and exposes one
``install(shell, services)``; features never import one another (``.importlinter``)."""

from __future__ import annotations

from collections.abc import Callable

from reverie.app.ui import chat, insights, memories, notes, reminders, search, settings, transfer, tray
from reverie.app.ui.services import AppServices
from reverie.app.ui.shell import Shell

Install = Callable[[Shell, AppServices], object]

FEATURES: tuple[tuple[str, Install], ...] = (
    ("chat", chat.install),
    ("notes", notes.install),
    ("search", search.install),
    ("memories", memories.install),
    ("reminders", reminders.install),
    ("insights", insights.install),
    ("settings", settings.install),
    ("transfer", transfer.install),
)


def install_features(shell: Shell, services: AppServices) -> dict[str, object]:
    """Install every feature; returns what each install gave back (its page or its actions), by name,
    and the ``companion`` (the tray, quick capture, reminders as they fire: ``tray.install``)."""
    installed = {name: install(shell, services) for name, install in FEATURES}
    installed["companion"] = tray.install(shell, services)
    return installed
