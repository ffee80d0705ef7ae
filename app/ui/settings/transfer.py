"""Export and import, reached through ``reverie.core.transfer``, run on the database lane with
progress and Cancel in the status bar.

The transfer module is looked up when a button is pressed, so a build without it still opens
the window and says in one sentence why the button cannot work.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import Any

from reverie.app.ui.session import Session
from reverie.app.ui.tasks import TaskHandle, TaskTracker
from reverie.core.errors import ReverieError

TRANSFER_MODULE = "reverie.core.transfer"
DEFAULT_IMPORT_POLICY = "merge"


class TransferUnavailableError(ReverieError):
    pass


class CancelledError(ReverieError):
    pass


def transfer_module(name: str = TRANSFER_MODULE) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise TransferUnavailableError(
                "Export and import are not part of this build of Reverie yet; nothing was changed."
            ) from exc
        raise


class Progress:
    """Handed to a transfer function as ``progress(done, total)``: reports to the status bar
    and stops the work (an exception; the transfer is all-or-nothing) when Cancel was pressed."""

    def __init__(self, handle: TaskHandle) -> None:
        self.handle = handle
        self.cancelled = threading.Event()

    def __call__(self, done: int, total: int | None = None, *_: Any) -> None:
        if self.cancelled.is_set():
            raise CancelledError("Cancelled; nothing was changed.")
        self.handle.progress(done, total)


class Transfers:
    """Runs transfer functions on the database lane, one status-bar task each."""

    def __init__(self, session: Session, tracker: TaskTracker, module_name: str = TRANSFER_MODULE) -> None:
        self.session = session
        self.tracker = tracker
        self.module_name = module_name

    def _run(self, title: str, fn_name: str, args: tuple[Any, ...], kwargs: dict[str, Any],
             on_done: Callable[[Any], None], on_error: Callable[[str], None], *, with_progress: bool = True) -> None:
        vault = self.session.vault
        if vault is None:
            on_error("The vault is not open yet.")
            return
        try:
            fn = getattr(transfer_module(self.module_name), fn_name)
        except (ReverieError, AttributeError) as exc:
            on_error(str(exc) if isinstance(exc, ReverieError) else
                     f"This build of Reverie cannot {title.lower()} ({fn_name} is missing); nothing was changed.")
            return
        progress: Progress | None = None
        handle = self.tracker.begin(title, 0, (lambda: progress.cancelled.set()) if with_progress else None)
        if with_progress:
            progress = Progress(handle)
            kwargs = {**kwargs, "progress": progress}

        def done(result: Any) -> None:
            handle.finish(f"{title}: done.")
            on_done(result)

        def failed(message: str) -> None:
            handle.finish(message)
            on_error(message)

        self.session.db.submit(fn, vault, *args, on_done=done, on_error=failed, **kwargs)

    def export_vault(self, path: str, passphrase: str | None, include_vectors: bool,
                     on_done: Callable[[Any], None], on_error: Callable[[str], None]) -> None:
        self._run("Exporting the vault", "export_vault", (path,),
                  {"passphrase": passphrase or None, "include_vectors": include_vectors}, on_done, on_error)

    def export_markdown(self, folder: str, on_done: Callable[[Any], None], on_error: Callable[[str], None]) -> None:
        self._run("Exporting Markdown", "export_markdown", (folder,), {}, on_done, on_error, with_progress=False)

    def import_preview(self, path: str, passphrase: str | None, on_done: Callable[[Any], None],
                       on_error: Callable[[str], None]) -> None:
        self._run("Reading the export file", "import_preview", (path,), {"passphrase": passphrase or None},
                  on_done, on_error, with_progress=False)

    def import_vault(self, path: str, passphrase: str | None, on_done: Callable[[Any], None],
                     on_error: Callable[[str], None]) -> None:
        try:
            policy = getattr(transfer_module(self.module_name), "DEFAULT_POLICY", DEFAULT_IMPORT_POLICY)
        except ReverieError as exc:
            on_error(str(exc))
            return
        self._run("Importing", "import_vault", (path, policy), {"passphrase": passphrase or None},
                  on_done, on_error)


def describe(result: Any) -> str:
    """A short readable line for what a transfer function returned (a preview, counts, a path)."""
    if result is None:
        return ""
    for attr in ("summary", "describe", "as_text"):
        fn = getattr(result, attr, None)
        if callable(fn):
            return str(fn())
    if isinstance(result, dict):
        return ", ".join(f"{v} {k}" for k, v in result.items())
    return str(result)
