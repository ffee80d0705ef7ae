"""Settings: which chat model answers (default, a GGUF file, a server) and how the embedder is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

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
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui.state import alive
from reverie.core.settings import Settings
from reverie.core.textutil import human_size

GgufFinder = Callable[[Sequence[str]], list[Any]]
SOURCE_NAMES = {"default": "bundled", "lmstudio": "LM Studio", "ollama": "Ollama", "folder": "folder", "file": "file"}


def gguf_label(info: Any) -> str:
    bits = [str(getattr(info, "quantization", "") or ""), human_size(int(getattr(info, "size_bytes", 0) or 0))]
    source = getattr(info, "source", "")
    if source:
        bits.append(SOURCE_NAMES.get(str(source), str(source)))
    ctx = getattr(info, "context_length", None)
    if ctx:
        bits.append(f"{int(ctx):,} tokens context")
    return f"{info.name}  ({', '.join(b for b in bits if b)})"


class ChatModelBox(QGroupBox):
    """The chat model choice. ``finder`` returns the GGUFs on disk (injected in tests)."""

    def __init__(self, finder: GgufFinder, submit: Callable[..., Any], parent: QWidget | None = None) -> None:
        super().__init__("Chat model", parent)
        self.finder = finder
        self.submit = submit  # runs the search off the GUI thread (a worker lane's submit)
        self._wanted = ""
        self.found: list[Any] = []
        self.folders: list[str] = []
        self.browse_dialog: Callable[[], str] = self._browse_dialog
        lay = QVBoxLayout(self)
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
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(30)
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
        self._sync()

    def _sync(self) -> None:
        self.gguf_box.setEnabled(self.gguf.isChecked())
        self.server_box.setEnabled(self.server.isChecked())

    def scan(self) -> None:
        """Look for GGUF files again, on a worker lane (it walks a few known folders)."""
        self._wanted = str(self.combo.currentData() or self._wanted or "")
        self.found_label.setText("Looking for model files…")
        self.rescan.setEnabled(False)
        self.submit(lambda: list(self.finder(self.folders)), on_done=alive(self, self._show_found),
                    on_error=alive(self, self._scan_failed))

    def _scan_failed(self, message: str) -> None:
        self.rescan.setEnabled(True)
        self.found_label.setText(f"Reverie could not look for model files: {message}")

    def _show_found(self, found: list[Any]) -> None:
        self.rescan.setEnabled(True)
        self.found = found
        self.combo.clear()
        for info in self.found:
            self.combo.addItem(gguf_label(info), str(info.path))
        self.select_path(self._wanted)
        self.found_label.setText(
            f"Found {len(self.found)} model file{'s' if len(self.found) != 1 else ''} in LM Studio, Ollama and "
            "~/models folders." if self.found else
            "No GGUF files were found in the usual folders (LM Studio, Ollama, ~/models); use Browse… to pick one.")

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
            return "Type the server's address, starting with http:// or https:// (for example http://localhost:8080/v1)."
        return None
