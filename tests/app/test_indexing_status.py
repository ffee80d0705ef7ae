"""Background indexing shows in the status bar with progress, and Cancel pauses it."""

from __future__ import annotations

import threading

from uifakes import open_window

from reverie.app.ui.indexing import NAME
from reverie.core import notes


class SlowEmbedder:
    """A real-shaped embedder (unit vectors) that can be held between batches."""

    model_id = "test/slow"
    dim = 8

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.calls = 0

    def embed(self, texts):
        import numpy as np

        self.calls += 1
        if self.calls > 1:
            self.gate.wait(10)
        v = np.zeros((len(texts), self.dim), dtype=np.float32)
        v[:, 0] = 1.0
        return v


def test_indexing_progress_and_cancel(qtbot, paths, vault):
    for i in range(30):
        notes.create_note(vault, f"Note number {i} about gardening.")
    emb = SlowEmbedder()
    window = open_window(qtbot, paths, vault, embedder=emb, batch_size=10)
    qtbot.waitUntil(lambda: window.tasks.current() is not None and window.tasks.current().name == NAME, timeout=10_000)
    task = window.tasks.current()
    qtbot.waitUntil(lambda: task.total == 30 and task.done == 10, timeout=10_000)
    window.tasks.cancel(task.id)
    emb.gate.set()
    qtbot.waitUntil(lambda: window.tasks.current() is None, timeout=10_000)
    assert "Indexing paused" in window.statusBar().currentMessage()
    done = vault.query("SELECT count(*) FROM vectors")[0][0]
    assert 10 <= done < 30  # stopped after a batch; the rest stays pending
    window.services.notify_indexer()  # new memories: it carries on
    qtbot.waitUntil(lambda: vault.query("SELECT count(*) FROM vectors")[0][0] == 30, timeout=10_000)
