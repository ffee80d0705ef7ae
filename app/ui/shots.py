"""The screenshot run (``screenshots`` is its command line): builds each window on its vault, then
for every size and theme brings it to each chosen screen, saves a PNG and runs ``screencheck``.

Dialogs opened with ``exec()`` are captured from inside their own event loop (a timer finds the
active modal dialog), then cancelled, so nothing they offer is done."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLineEdit, QPushButton, QWidget

from reverie.app.ui import shots_bringin as bringin_shots
from reverie.app.ui import shots_companion as companion_shots
from reverie.app.ui import shots_notesource as notesource_shots
from reverie.app.ui import shots_reminders as reminder_shots
from reverie.app.ui.screencheck import Offender, check_widget, window_offender
from reverie.app.ui.screenplay import BIG_PAGES, EMPTY_PAGES, LOCKED_PAGES, PAGES, Stage

Job = Callable[["Shooter", Any], None]  # (shooter, stage or None)


def _page_job(name: str) -> Job:
    def job(sh: Shooter, stage: Stage) -> None:
        target = PAGES[name.split("-", 1)[1] if name.split("-", 1)[0] in ("empty", "locked", "big") else name](stage)
        sh.snap(target, name)

    return job


# -- dialogs ---------------------------------------------------------------------------------
def _welcome(sh: Shooter, _stage: None) -> None:
    from reverie.app.ui.welcome import WelcomeDialog

    dlg = WelcomeDialog(
        str(sh.tmp / "home" / "vault"),
        True,
        models=[("SmolLM2-135M-Instruct.Q4_1.gguf", True, ""), ("all-MiniLM-L6-v2", True, "")],
    )
    dlg.show()
    sh.snap(dlg, "welcome")
    dlg.passphrase.setChecked(True)
    sh.snap(dlg, "welcome-passphrase")
    dlg.close()
    dlg.deleteLater()


def _export(sh: Shooter, stage: Stage) -> None:
    def file_dialog(d: QWidget) -> None:
        sh.snap(d, "export-file")
        if isinstance(d, QFileDialog):
            d.selectFile(str(sh.tmp / "not-written.reverie"))
            d.accept()

    sh.modal(sh.action(stage, "export"), [file_dialog, lambda d: sh.snap(d, "export-passphrase")])


def _lock_change(sh: Shooter, stage: Stage) -> None:
    sh.modal(sh.action(stage, "lock"), [lambda d: sh.snap(d, "lock-change")])


def _passphrase(sh: Shooter, stage: Stage) -> None:
    page = stage.page("settings")
    button = next((b for b in page.findChildren(QPushButton) if b.text().startswith("Use a passphrase")), None)
    if button is None:
        raise LookupError("Settings has no 'Use a passphrase…' button")
    sh.modal(button.click, [lambda d: sh.snap(d, "passphrase-dialog")])


def _optional(key: str, method: str = "", typed: str = "") -> Job:
    """A dialog or window a shell action (or a window method) opens: about, keyboard shortcuts, the
    command palette (with ``typed`` in its first line edit), if the window has one."""

    def show(sh: Shooter, dlg: QWidget) -> None:
        if typed:
            field = dlg.findChild(QLineEdit)
            if field is not None:
                field.setText(typed)
        sh.snap(dlg, key)

    def job(sh: Shooter, stage: Stage) -> None:
        action = stage.window.action(key) or getattr(stage.window, method or key, None)
        if action is None:
            sh.notes.append(f"{key}: the window offers no '{key}' action; not shot")
            return
        before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
        handled: list[QWidget] = []
        sh.modal(action, [lambda d: (handled.append(d), show(sh, d))], required=False)
        if handled:
            return
        new = [w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before]
        if not new:
            sh.errors.append(f"{key}: the action opened nothing")
            return
        show(sh, new[0])
        new[0].close()

    return job


def _status_task(sh: Shooter, stage: Stage) -> None:
    stage.page("memories")
    handle = stage.window.tasks.begin("Re-embedding memories", 240, lambda: None)
    handle.progress(96, 240)
    stage.settle()
    sh.snap(stage.window, "status-bar-task")
    handle.finish("Re-embedding memories: done.")
    stage.settle()
    stage.window.statusBar().clearMessage()  # the next screens start with a quiet status bar


def _import(sh: Shooter, stage: Stage) -> None:
    copy = sh.tmp / f"import-{sh.size[0]}x{sh.size[1]}-{sh.theme}.reverie"
    shutil.copyfile(sh.export_file(), copy)
    dlg = stage.window.features["transfer"].open_import_dialog(copy)
    dlg.show()
    stage.settle()
    sh.snap(dlg, "import-preview")
    session = stage.window.session
    gate = threading.Event()  # the lane holds the import while the dialog shows it running
    session.db.submit(gate.wait)
    try:
        dlg.start_import()
        dlg.relay("Importing memories", 96, 240)
        sh.pump(0.2)
        sh.snap(dlg, "import-progress")
        dlg._cancel_or_close()  # Cancel, as the user would
    finally:
        copy.unlink()  # a small import may finish before it looks at Cancel: this one finds no file
        gate.set()
    stage.settle()
    dlg.reject()
    dlg.deleteLater()


def _unlock(sh: Shooter, stage: Stage) -> None:
    sh.modal(sh.action(stage, "unlock"), [lambda d: sh.snap(d, "unlock")])
    stage.settle()


# (names, window, job), in the order of the run
JOBS: list[tuple[tuple[str, ...], str, Job]] = [
    (("welcome", "welcome-passphrase"), "welcome", _welcome),
    *(((n,), "sample", _page_job(n)) for n in PAGES),
    (("status-bar-task",), "sample", _status_task),
    (("export-file", "export-passphrase"), "sample", _export),
    (("lock-change",), "sample", _lock_change),
    (("passphrase-dialog",), "sample", _passphrase),
    (("bring-chooser",), "sample", bringin_shots.chooser_scene),
    (("bring-preview", "bring-progress", "bring-report"), "sample", bringin_shots.bring_scene),
    (("bring-resume",), "sample", bringin_shots.resume_scene),
    (("about",), "sample", _optional("about")),
    (("shortcuts",), "sample", _optional("shortcuts")),
    (("palette",), "sample", _optional("palette", "open_palette", typed="ex")),
    (("tray-menu",), "sample", companion_shots.tray_scene),
    (("capture-empty", "capture-answer"), "sample", companion_shots.capture_scene),
    (("reminder-fired", "reminder-fired-missed"), "sample", companion_shots.reminder_scene),
    (("remind-chip", "remind-edit-time"), "sample", reminder_shots.chip_scene),
    (("reminders-upcoming", "reminders-missed", "reminders-done"), "sample", reminder_shots.reminders_scene),
    (("home-companion", "review-dialog"), "sample", reminder_shots.home_scene),
    (("insights-review",), "sample", reminder_shots.insights_scene),
    (("notes-pdf", "notes-evernote", "notes-dayone"), "sample", notesource_shots.notes_scene),
    *(((f"empty-{n}",), "empty", _page_job(f"empty-{n}")) for n in EMPTY_PAGES),
    (("import-preview", "import-progress"), "empty", _import),
    (("unlock",), "locked", _unlock),
    *(((f"locked-{n}",), "locked", _page_job(f"locked-{n}")) for n in LOCKED_PAGES),
    *(((f"big-{n}",), "big", _page_job(f"big-{n}")) for n in BIG_PAGES),
]
SCREEN_NAMES = [n for names, _, _ in JOBS for n in names]


class Shooter:
    def __init__(
        self, out: Path, tmp: Path, *, sizes: list[tuple[int, int]], themes: list[str], screens: list[str]
    ) -> None:
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)  # dialogs we can capture
        self.app = QApplication.instance() or QApplication(["reverie-screenshots"])
        self.app.setApplicationName("Reverie")
        self.app.setOrganizationName("Reverie")
        self.out, self.tmp = out, tmp
        self.sizes, self.themes, self.screens = sizes, themes, set(screens)
        self.saved: list[Path] = []
        self.offenders: list[Offender] = []
        self.errors: list[str] = []
        self.notes: list[str] = []
        self.now = time.time()
        self.size, self.theme = sizes[0], themes[0]
        self._export: Path | None = None

    # -- running -------------------------------------------------------------------------------
    def shoot_all(self) -> None:
        from reverie.app.ui.shotdata import BUILDERS

        for group in dict.fromkeys(g for _, g, _ in JOBS):
            jobs = [(names, job) for names, g, job in JOBS if g == group and self.screens & set(names)]
            if not jobs:
                continue
            stage = BUILDERS[group](self)
            for size in self.sizes:
                for theme in self.themes:
                    self.size, self.theme = size, theme
                    self._dress(stage)
                    for names, job in jobs:
                        try:
                            job(self, stage)
                        except Exception as exc:  # noqa: BLE001 - one broken screen must not stop the rest
                            self.errors.append(f"{'/'.join(names)} {self._tag()}: {type(exc).__name__}: {exc}")
            if stage is not None:
                stage.window.close()
                self.pump(0.2)
        for note in self.notes:
            print(note)

    def _dress(self, stage: Stage | None) -> None:
        from reverie.app.ui.theme import apply_theme

        apply_theme(self.app, self.theme)
        if stage is not None:
            stage.window.resize(*self.size)
            stage.settle()

    def _tag(self) -> str:
        return f"{self.size[0]}x{self.size[1]} {self.theme}"

    def pump(self, seconds: float = 0.15) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.01)

    def settler(self, session: Any) -> Callable[[], None]:
        def settle() -> None:
            end = time.monotonic() + 30
            while (session.db.pending or session.model.pending) and time.monotonic() < end:
                self.app.processEvents()
                time.sleep(0.01)
            self.pump()

        return settle

    # -- capturing -----------------------------------------------------------------------------
    def snap(self, widget: QWidget, name: str) -> None:
        if name not in self.screens:
            return
        self.pump(0.1)
        w, h = self.size
        path = self.out / f"{name}-{w}x{h}-{self.theme}.png"
        widget.grab().save(str(path))
        self.saved.append(path)
        found = check_widget(widget)
        small = window_offender(widget, self.size) if widget.windowType() == Qt.WindowType.Window else None
        if small is not None:
            found.append(small)
        self.offenders += [o.where(name, f"{w}x{h}", self.theme) for o in found]

    def action(self, stage: Stage, key: str) -> Callable[[], Any]:
        action = stage.window.action(key)
        if action is None:
            raise LookupError(f"the window offers no '{key}' action")
        return action

    def modal(
        self,
        trigger: Callable[[], Any],
        handlers: list[Callable[[QWidget], Any]],
        *,
        required: bool = True,
        timeout: float = 20,
    ) -> None:
        """Run ``trigger``; each modal dialog that opens goes to the next handler, and is then
        cancelled unless the handler closed it."""
        queue, seen = list(handlers), set()
        busy = [False]

        def poll() -> None:
            dlg = QApplication.activeModalWidget()
            if dlg is None or id(dlg) in seen or not queue or busy[0]:
                return
            seen.add(id(dlg))
            busy[0] = True
            try:
                queue.pop(0)(dlg)
            except Exception as exc:  # noqa: BLE001 - report it, and close the dialog
                self.errors.append(f"{self._tag()}: {type(dlg).__name__}: {type(exc).__name__}: {exc}")
            finally:
                busy[0] = False
                if dlg.isVisible():
                    dlg.reject() if isinstance(dlg, QDialog) else dlg.close()

        timer = QTimer()
        timer.setInterval(50)
        timer.timeout.connect(poll)
        timer.start()
        try:
            trigger()
            end = time.monotonic() + (timeout if required else 1.0)
            while queue and len(seen) < len(handlers) and time.monotonic() < end:
                self.pump(0.05)
        finally:
            timer.stop()
        if queue and required:
            self.errors.append(f"{self._tag()}: {len(queue)} expected dialog(s) did not open")

    def export_file(self) -> Path:
        """A vault file made from another sample vault, for the import dialogs."""
        if self._export is None:
            from reverie.app.sampledata import build_sample_vault
            from reverie.core.paths import vault_paths
            from reverie.core.transfer import export_vault

            vault = build_sample_vault(vault_paths(self.tmp / "export-source"), self.now - 3 * 86400)
            self._export = self.tmp / "sample-export.reverie"
            export_vault(vault, self._export)
            vault.close()
        return self._export
