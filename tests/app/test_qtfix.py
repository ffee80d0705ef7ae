"""The guard against PySide6 dropping references to None/True: many emits and void calls must
not abort the interpreter."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from reverie.app.ui import lanes  # noqa: F401 - importing the lanes applies the guard


class _Noisy(QObject):
    ping = Signal(object)


def test_many_emits_and_void_calls_leave_the_singletons_alive(qtbot):
    noisy = _Noisy()
    seen = []
    noisy.ping.connect(seen.append)
    label = QLabel()
    qtbot.addWidget(label)
    for i in range(30_000):  # far beyond the natural reference counts of True and None
        noisy.ping.emit(i)
        label.setText("x")
    assert len(seen) == 30_000
    assert sys.getrefcount(True) > 0 and sys.getrefcount(None) > 0
