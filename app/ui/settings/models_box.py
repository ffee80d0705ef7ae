"""Settings: which chat model answers (default, a GGUF file, a server).

At the top, the models found on this computer, each with its size, parameter count and tier, the
one in use marked, and "Use this model" to switch in one click (saved at once); what the tiny
default is good for and what a bigger model adds (``core.tiers.TIER_ABOUT``). Below, the same
choice by hand (a file, a server address), saved with the page's Save button. Looking for models
reads the disk: it runs on the model lane, never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.changes import OpChanges
from reverie.app.ui.model_choice import ModelRow, use_model
from reverie.app.ui.session import Session
from reverie.app.ui.uikit import alive
from reverie.core.settings import Settings, load_settings
from reverie.core.textutil import human_size
from reverie.core.tiers import TIER_ABOUT
from reverie.models.catalog import DEFAULT_NAME, SOURCE_NAMES, ModelEntry, Survey, survey
from reverie.models.naming import format_parameters

GgufFinder = Callable[[Sequence[str]], list[Any]]
GET_BIGGER = (
    "No bigger model yet? Download one of 1B parameters or more with LM Studio or Ollama (Reverie finds "
    "it here), or run any OpenAI-compatible server and enter its address below."
)


def gguf_label(info: Any) -> str:
    name = DEFAULT_NAME if getattr(info, "source", "") == "default" else info.name
    bits = [str(getattr(info, "quantization", "") or ""), human_size(int(getattr(info, "size_bytes", 0) or 0))]
    params = getattr(info, "parameters", None)
    if params:
        bits.append(f"{format_parameters(params)} parameters")
    tier = getattr(info, "tier", None)
    if tier:
        bits.append(str(tier))
    source = getattr(info, "source", "")
    if source:
        bits.append(SOURCE_NAMES.get(str(source), str(source)))
    ctx = getattr(info, "context_length", None)
    if ctx:
        bits.append(f"{int(ctx):,} tokens context")
    return f"{name}  ({', '.join(b for b in bits if b)})"


class ElidingComboBox(QComboBox):
    """A combo box whose current text ends in "…" when it does not fit (a model file's long label),
    the whole text in its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("elides", True)  # for the screen check: it draws its text elided itself
        self.currentTextChanged.connect(self.setToolTip)

    def shown_text(self) -> str:
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        rect = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        return self.fontMetrics().elidedText(self.currentText(), Qt.TextElideMode.ElideRight, rect.width())

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        opt.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)


class ChatModelBox(QGroupBox):
    """The chat model choice. ``finder`` returns the GGUFs on disk (injected in tests); ``submit``
    runs the search on a worker lane; with ``session``, "Use this model" saves the choice at once
    and the box follows settings changed elsewhere (Chat's empty state)."""

    def __init__(
        self,
        finder: GgufFinder,
        submit: Callable[..., Any],
        parent: QWidget | None = None,
        session: Session | None = None,
    ) -> None:
        super().__init__("Chat model", parent)
        self.finder = finder
        self.submit = submit  # runs the search off the GUI thread (a worker lane's submit)
        self.session = session
        self._wanted = ""
        self._settings = Settings()
        self.found: list[Any] = []
        self.survey: Survey | None = None
        self.rows: list[ModelRow] = []
        self.folders: list[str] = []
        self.browse_dialog: Callable[[], str] = self._browse_dialog
        lay = QVBoxLayout(self)
        self.in_use = QLabel("Looking at the model in use…")
        self.in_use.setWordWrap(True)
        lay.addWidget(self.in_use)
        self.about = QLabel(
            f"<b>Tiny</b> (the default, SmolLM2-135M): {TIER_ABOUT['tiny']}<br>"
            f"<b>Capable</b> (1B parameters or more): {TIER_ABOUT['capable']}"
        )
        self.about.setObjectName("muted")
        self.about.setWordWrap(True)
        lay.addWidget(self.about)
        self.list_title = QLabel("Models on this computer")
        self.list_title.setStyleSheet("font-weight: 600")
        lay.addWidget(self.list_title)
        self.rows_box = QWidget()
        self.rows_layout = QVBoxLayout(self.rows_box)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setSpacing(2)
        lay.addWidget(self.rows_box)
        self.use_message = QLabel("")
        self.use_message.setWordWrap(True)
        self.use_message.hide()
        lay.addWidget(self.use_message)
        self.get_bigger = QLabel(GET_BIGGER)
        self.get_bigger.setObjectName("muted")
        self.get_bigger.setWordWrap(True)
        lay.addWidget(self.get_bigger)
        by_hand = QLabel("Or choose by hand (saved with Save settings):")
        by_hand.setStyleSheet("font-weight: 600")
        lay.addWidget(by_hand)
        self.group = QButtonGroup(self)
        self.default = QRadioButton("The default model, SmolLM2-135M (small and quick; installed with Reverie)")
        self.gguf = QRadioButton("A GGUF model file on this computer")
        self.server = QRadioButton("An OpenAI-compatible server (llama-server, Ollama, vLLM…)")
        for b in (self.default, self.gguf, self.server):
            self.group.addButton(b)
        lay.addWidget(self.default)
        lay.addWidget(self.gguf)
        self.gguf_box = QWidget()
        gl = QVBoxLayout(self.gguf_box)
        gl.setContentsMargins(24, 0, 0, 4)
        row = QHBoxLayout()
        self.combo = ElidingComboBox()
        self.combo.setMinimumContentsLength(20)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.browse = QPushButton("Browse…")
        self.rescan = QPushButton("Search again")
        row.addWidget(self.combo, 1)
        row.addWidget(self.browse)
        row.addWidget(self.rescan)
        gl.addLayout(row)
        self.found_label = QLabel("")
        self.found_label.setObjectName("muted")
        self.found_label.setWordWrap(True)
        gl.addWidget(self.found_label)
        lay.addWidget(self.gguf_box)
        lay.addWidget(self.server)
        self.server_box = QWidget()
        sf = QFormLayout(self.server_box)
        sf.setContentsMargins(24, 0, 0, 4)
        self.url = QLineEdit()
        self.url.setPlaceholderText("http://localhost:8080/v1")
        self.server_model = QLineEdit()
        self.server_model.setPlaceholderText("optional: the model name the server expects")
        sf.addRow("Address:", self.url)
        sf.addRow("Model:", self.server_model)
        lay.addWidget(self.server_box)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.context = QSpinBox()
        self.context.setMinimumWidth(140)
        self.context.setRange(512, 262144)
        self.context.setSingleStep(1024)
        self.context.setSuffix(" tokens")
        form.addRow("Context size:", self.context)
        lay.addLayout(form)
        self.group.buttonToggled.connect(lambda *_: self._sync())
        self.browse.clicked.connect(self._browse)
        self.rescan.clicked.connect(self.scan)
        if session is not None:
            session.changed.connect(self._on_changes)
        self._sync()

    def _sync(self) -> None:
        self.gguf_box.setEnabled(self.gguf.isChecked())
        self.server_box.setEnabled(self.server.isChecked())

    def scan(self) -> None:
        """Look for GGUF files again, on a worker lane (it walks a few known folders and reads
        each file's header; a configured server is asked for its model)."""
        self._wanted = str(self.combo.currentData() or self._wanted or "")
        self.found_label.setText("Looking for model files…")
        self.rescan.setEnabled(False)
        settings, folders, finder = Settings.from_dict(self._settings.to_dict()), list(self.folders), self.finder

        def look() -> tuple[list[Any], Survey]:
            found = list(finder(folders))
            return found, survey(settings, found)

        self.submit(look, on_done=alive(self, self._show_found), on_error=alive(self, self._scan_failed))

    def _scan_failed(self, message: str) -> None:
        self.rescan.setEnabled(True)
        self.found_label.setText(f"Reverie could not look for model files: {message}")
        self.in_use.setText(f"Reverie could not look for model files: {message}")

    def _show_found(self, result: tuple[list[Any], Survey]) -> None:
        found, self.survey = result
        self._show_survey(self.survey)
        self.rescan.setEnabled(True)
        self.found = found
        self.combo.clear()
        for info in self.found:
            self.combo.addItem(gguf_label(info), str(info.path))
        self.select_path(self._wanted)
        self.found_label.setText(
            f"Found {len(self.found)} model file{'s' if len(self.found) != 1 else ''} in LM Studio, Ollama and "
            "~/models folders."
            if self.found
            else "No GGUF files were found in the usual folders (LM Studio, Ollama, ~/models); use Browse… to pick one."
        )

    def _show_survey(self, sv: Survey) -> None:
        for row in self.rows:
            self.rows_layout.removeWidget(row)
            row.deleteLater()
        self.rows = []
        for entry in sv.entries:
            row = ModelRow(entry, "Use this model")
            row.use_clicked.connect(self.use)
            self.rows_layout.addWidget(row)
            self.rows.append(row)
        current = sv.in_use
        tier = sv.tier_in_use()
        if current is None or tier is None:
            self.in_use.setText("The model in use was not found; choose one below.")
        else:
            how = tier if tier == current.tier else f"{tier} (set by hand; it looks {current.tier})"
            self.in_use.setText(f"In use: <b>{current.name}</b>, {how}.")
        self.get_bigger.setVisible(not any(e.tier == "capable" and e.kind != "server" for e in sv.entries))

    def use(self, entry: ModelEntry) -> None:
        """Choose ``entry`` now: saved at once with a session; else only the form below changes."""
        self._select(entry)
        if self.session is None:
            return
        for row in self.rows:
            row.button.setEnabled(False)
        self._say_use(f"Switching to {entry.name}…")
        use_model(self.session, entry, on_done=alive(self, self._used), on_error=alive(self, self._use_failed))

    def _used(self, saved: Settings) -> None:
        self._say_use("")
        self.load(saved)

    def _use_failed(self, message: str) -> None:
        self.load(self._settings)  # the form shows what is saved again, and the list is looked for anew
        self._say_use(message, error=True)

    def _say_use(self, text: str, error: bool = False) -> None:
        self.use_message.setObjectName("errorText" if error else "muted")
        self.use_message.style().unpolish(self.use_message)
        self.use_message.style().polish(self.use_message)
        self.use_message.setText(text)
        self.use_message.setVisible(bool(text))

    def _select(self, entry: ModelEntry) -> None:
        if entry.kind == "gguf":
            self.gguf.setChecked(True)
            self.select_path(str(entry.path))
        elif entry.kind == "server":
            self.server.setChecked(True)
            self.url.setText(entry.url)
            self.server_model.setText(entry.server_model)
        else:
            self.default.setChecked(True)

    def _on_changes(self, changes: OpChanges) -> None:
        """Settings saved elsewhere (Chat's "Use"): show the model choice as saved."""
        if changes.settings and self.session is not None and self.session.vault is not None:
            self.session.db.submit(load_settings, self.session.vault, on_done=alive(self, self._reloaded))

    def _reloaded(self, s: Settings) -> None:
        if (s.chat_model_kind, s.chat_model_path, s.server_url, s.server_model) != (
            self._settings.chat_model_kind,
            self._settings.chat_model_path,
            self._settings.server_url,
            self._settings.server_model,
        ):
            self.load(s)

    def select_path(self, path: str) -> None:
        if not path:
            return
        i = self.combo.findData(path)
        if i < 0:
            self.combo.addItem(path, path)
            i = self.combo.count() - 1
        self.combo.setCurrentIndex(i)

    def _browse_dialog(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a GGUF model file", "", "GGUF models (*.gguf)")
        return path

    def _browse(self) -> None:
        path = self.browse_dialog()
        if path:
            self.gguf.setChecked(True)
            self.select_path(path)

    def load(self, s: Settings) -> None:
        self._settings = Settings.from_dict(s.to_dict())
        self.folders = list(s.model_folders)
        {"gguf": self.gguf, "server": self.server}.get(s.chat_model_kind, self.default).setChecked(True)
        self.select_path(s.chat_model_path)
        self._wanted = s.chat_model_path
        self.scan()
        self.url.setText(s.server_url)
        self.server_model.setText(s.server_model)
        self.context.setValue(s.context_size)
        self._sync()

    def store(self, s: Settings) -> str | None:
        """Write the choice into ``s``; return a sentence when it cannot be used."""
        s.chat_model_kind = "gguf" if self.gguf.isChecked() else "server" if self.server.isChecked() else "default"
        s.chat_model_path = str(self.combo.currentData() or "") if self.gguf.isChecked() else s.chat_model_path
        s.server_url = self.url.text().strip()
        s.server_model = self.server_model.text().strip()
        s.context_size = self.context.value()
        if s.chat_model_kind == "gguf" and not s.chat_model_path:
            return "Choose a GGUF model file (or pick the default model)."
        if s.chat_model_kind == "server" and not s.server_url.startswith(("http://", "https://")):
            return (
                "Type the server's address, starting with http:// or https:// (for example http://localhost:8080/v1)."
            )
        return None
