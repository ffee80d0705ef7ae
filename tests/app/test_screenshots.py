"""The screenshot command opens every screen on a temporary sample vault and saves PNGs,
without touching the user's vault or window settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage


@pytest.mark.slow
def test_screenshot_command_saves_every_screen(tmp_path):
    home = tmp_path / "users-home"
    out = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "REVERIE_HOME": str(home),
           "XDG_CONFIG_HOME": str(tmp_path / "users-config")}
    proc = subprocess.run([sys.executable, "-m", "reverie.app.screenshots", str(out), "--size", "1000x700"],
                          env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = sorted(p.name for p in out.glob("*.png"))
    for expected in ("01-welcome.png", "02-empty-memories.png", "06-memories.png", "10-about-me.png",
                     "11-insights.png", "12-settings.png", "15-status-bar-task.png", "17-dark-insights.png"):
        assert expected in names
    image = QImage(str(out / "06-memories.png"))
    assert (image.width(), image.height()) == (1000, 700)
    assert not home.exists() and not (tmp_path / "users-config").exists()  # the user's places stay untouched
