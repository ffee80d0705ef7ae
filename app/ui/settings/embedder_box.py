"""Settings: which model makes the vectors that search by meaning uses (the "search model").

Built in (all-MiniLM-L6-v2), a sentence-transformers model folder, or a server (Ollama's
``/api/embed`` or any OpenAI-compatible ``/v1/embeddings``) with its address, model name and the
name of the environment variable that holds its API key (the key itself is never stored). Saved
with the page's Save button; the window then embeds every memory again in the background, and
the line at the top says how far it is. "Test" embeds one sentence with the form's choice on a
lane of its own (a server may take seconds to answer; a model may take seconds to load) and says
the dimension and the time, or the one-sentence problem.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt
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
    QVBoxLayout,
    QWidget,
)

from reverie.app import context
from reverie.app.ui.lanes import Lane
from reverie.app.ui.uikit import alive
from reverie.core.settings import Settings

TEST_SENTENCE = "Reverie checks the search model with this sentence."
APIS = [("Ollama (/api/embed)", "ollama"), ("OpenAI-compatible (/v1/embeddings)", "openai")]
SWITCH_NOTE = (
    "Changing the search model embeds every memory again, in the background; search works by words "
    "(and by the memories embedded so far) meanwhile."
)


def test_embedder(settings: Settings) -> tuple[int, float]:
    """Embed one sentence with the model ``settings`` choose: (dimension, seconds). Off the GUI thread."""
    embedder = context.build_embedder(settings)  # the window's own when it is the saved choice
    retry = getattr(embedder, "retry_now", None)
    if callable(retry):
        retry()  # a server that was down a moment ago is asked again
    start = time.perf_counter()
    vecs = embedder.embed([TEST_SENTENCE])
    return int(vecs.shape[1]), time.perf_counter() - start


class SearchModelBox(QGroupBox):
    """The search model choice; ``status`` is the line the page keeps up to date (how many memories
    wait to be embedded), ``problem`` the last sentence of the indexer when it failed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Search model (search by meaning)", parent)
        self.lane = Lane("embedder-test", self)
        self.services: Any = None
        self.browse_dialog = self._browse_dialog
        lay = QVBoxLayout(self)
        self.status = QLabel("Checking…")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        self.problem = QLabel("")
        self.problem.setObjectName("errorText")
        self.problem.setWordWrap(True)
        self.problem.hide()
        lay.addWidget(self.problem)
        self.group = QButtonGroup(self)
        self.builtin = QRadioButton("Built in: all-MiniLM-L6-v2 (small and quick; installed with Reverie)")
        self.folder = QRadioButton("A model folder… (a sentence-transformers model on this computer)")
        self.server = QRadioButton("A server (Ollama or OpenAI-compatible)")
        for b in (self.builtin, self.folder, self.server):
            self.group.addButton(b)
        lay.addWidget(self.builtin)
        lay.addWidget(self.folder)
        self.folder_box = QWidget()
        fl = QHBoxLayout(self.folder_box)
        fl.setContentsMargins(24, 0, 0, 4)
        self.path = QLineEdit()
        self.path.setPlaceholderText("a folder with modules.json and the model's files")
        self.browse = QPushButton("Browse…")
        fl.addWidget(self.path, 1)
        fl.addWidget(self.browse)
        lay.addWidget(self.folder_box)
        lay.addWidget(self.server)
        self.server_box = QWidget()
        sf = QFormLayout(self.server_box)
        sf.setContentsMargins(24, 0, 0, 4)
        self.url = QLineEdit()
        self.url.setPlaceholderText("http://127.0.0.1:11434")
        self.model = QLineEdit()
        self.model.setPlaceholderText("for example nomic-embed-text")
        self.api = QComboBox()
        for label, _ in APIS:
            self.api.addItem(label)
        self.key_env = QLineEdit()
        self.key_env.setPlaceholderText("optional, for example REVERIE_EMBED_API_KEY")
        sf.addRow("Address:", self.url)
        sf.addRow("Model:", self.model)
        sf.addRow("Speaks:", self.api)
        sf.addRow("API key from the variable:", self.key_env)
        lay.addWidget(self.server_box)
        row = QHBoxLayout()
        self.test = QPushButton("Test")
        self.test.setToolTip("Embed one sentence with the model chosen here (nothing is saved)")
        self.test_result = QLabel("")
        self.test_result.setWordWrap(True)
        row.addWidget(self.test)
        row.addWidget(self.test_result, 1)
        lay.addLayout(row)
        note = QLabel(SWITCH_NOTE)
        note.setObjectName("muted")
        note.setWordWrap(True)
        lay.addWidget(note)
        self.group.buttonToggled.connect(lambda *_: self._sync())
        self.browse.clicked.connect(self._browse)
        self.test.clicked.connect(self.run_test)
        self.builtin.setChecked(True)
        self._sync()

    def _sync(self) -> None:
        self.folder_box.setEnabled(self.folder.isChecked())
        self.server_box.setEnabled(self.server.isChecked())

    def _browse_dialog(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Choose a sentence-transformers model folder")

    def _browse(self) -> None:
        path = self.browse_dialog()
        if path:
            self.folder.setChecked(True)
            self.path.setText(path)

    # -- the indexer's sentences ------------------------------------------------------------------
    def follow(self, services: Any) -> None:
        """Show the indexer's failures (a server that is down) and clear them when a run succeeds."""
        self.services = services
        services.indexing.error.connect(self.show_problem, Qt.ConnectionType.QueuedConnection)
        services.indexing.idle.connect(
            lambda _n: self.show_problem(services.embedder_problem or ""), Qt.ConnectionType.QueuedConnection
        )
        if services.embedder_problem:
            self.show_problem(services.embedder_problem)

    def in_use(self) -> Any:
        """The window's embedder if it has one already (never built here), else None."""
        return getattr(self.services, "embedder_in_use", None)

    def show_problem(self, sentence: str) -> None:
        self.problem.setText(sentence)
        self.problem.setVisible(bool(sentence))

    # -- the form ---------------------------------------------------------------------------------
    def load(self, s: Settings) -> None:
        {"folder": self.folder, "server": self.server}.get(s.embedder_kind, self.builtin).setChecked(True)
        self.path.setText(s.embedder_path)
        self.url.setText(s.embedder_url)
        self.model.setText(s.embedder_model)
        self.api.setCurrentIndex(next((i for i, (_, v) in enumerate(APIS) if v == s.embedder_api), 0))
        self.key_env.setText(s.embedder_key_env)
        self._sync()

    def store(self, s: Settings) -> str | None:
        """Write the choice into ``s``; return a sentence when it cannot be used."""
        s.embedder_kind = "folder" if self.folder.isChecked() else "server" if self.server.isChecked() else "default"
        s.embedder_path = self.path.text().strip()
        s.embedder_url = self.url.text().strip() or "http://127.0.0.1:11434"
        s.embedder_model = self.model.text().strip()
        s.embedder_api = "openai" if APIS[self.api.currentIndex()][1] == "openai" else "ollama"
        s.embedder_key_env = self.key_env.text().strip()
        if s.embedder_kind == "folder" and not s.embedder_path:
            return "Choose the search model's folder (or pick the built-in model)."
        if s.embedder_kind == "server":
            if not s.embedder_url.startswith(("http://", "https://")):
                return "Type the search model server's address, starting with http:// (for example http://127.0.0.1:11434)."
            if not s.embedder_model:
                return "Type the name of the search model the server runs (for example nomic-embed-text)."
        return None

    def run_test(self) -> None:
        s = Settings()
        problem = self.store(s)
        if problem:
            self._tested(problem, error=True)
            return
        self.test.setEnabled(False)
        self._tested("Embedding a sentence…")
        self.lane.submit(
            test_embedder,
            s,
            on_done=alive(self, self._test_done),
            on_error=alive(self, lambda message: self._tested(message, error=True)),
        )

    def _test_done(self, result: tuple[int, float]) -> None:
        dim, seconds = result
        self._tested(f"It works: {dim}-dimensional vectors, {seconds * 1000:,.0f} ms for one sentence.")
        if self.services is not None:
            self.services.notify_indexer()  # a run that failed while the server was down goes on

    def _tested(self, text: str, error: bool = False) -> None:
        if not text.endswith("…"):
            self.test.setEnabled(True)
        self.test_result.setObjectName("errorText" if error else "muted")
        self.test_result.style().unpolish(self.test_result)
        self.test_result.style().polish(self.test_result)
        self.test_result.setText(text)

    def shutdown(self) -> None:
        self.lane.shutdown(wait=False)
