"""The screenshot command opens the chosen screens on temporary sample vaults and saves PNGs named
SCREEN-WxH-THEME.png, without touching the user's vault or window settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from reverie.app.ui.screenshots import parser
from reverie.app.ui.shots import SCREEN_NAMES


def _run(tmp_path, *args, timeout=240):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "REVERIE_HOME": str(tmp_path / "users-home"),
        "XDG_CONFIG_HOME": str(tmp_path / "users-config"),
    }
    return subprocess.run(
        [sys.executable, "-m", "reverie.app.screenshots", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_every_page_dialog_and_scene_has_a_screen():
    for name in (
        "home",
        "chat",
        "chat-long-code",
        "notes",
        "search",
        "memories",
        "about-me",
        "insights",
        "settings",
        "welcome",
        "unlock",
        "import-preview",
        "import-progress",
        "export-file",
        "export-passphrase",
        "lock-change",
        "about",
        "palette",
        "locked-home",
        "big-memories",
    ):
        assert name in SCREEN_NAMES
    assert len(SCREEN_NAMES) == len(set(SCREEN_NAMES))


def test_options_choose_sizes_themes_and_screens(tmp_path):
    args = parser().parse_args(
        [str(tmp_path), "--size", "1100x720", "--size", "800x600", "--theme", "dark", "--only", "chat*,home", "--check"]
    )
    assert args.size == [(1100, 720), (800, 600)] and args.theme == ["dark"] and args.check
    with pytest.raises(SystemExit):
        parser().parse_args([str(tmp_path), "--size", "big"])


def test_an_unknown_screen_is_refused_and_list_names_them(tmp_path):
    proc = _run(tmp_path, tmp_path / "shots", "--only", "nothing-like-this")
    assert proc.returncode == 2 and "see --list" in proc.stderr
    proc = _run(tmp_path, "--list")
    assert proc.returncode == 0 and proc.stdout.split() == SCREEN_NAMES


@pytest.mark.slow
def test_screenshot_command_saves_the_chosen_screens(tmp_path):
    out = tmp_path / "shots"
    proc = _run(
        tmp_path,
        out,
        "--size",
        "1100x720",
        "--theme",
        "light",
        "--only",
        "welcome,memories,about-me,settings,status-bar-task,empty-insights,lock-change",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == sorted(
        f"{n}-1100x720-light.png"
        for n in ("welcome", "memories", "about-me", "settings", "status-bar-task", "empty-insights", "lock-change")
    )
    image = QImage(str(out / "memories-1100x720-light.png"))
    assert (image.width(), image.height()) == (1100, 720)
    assert "offender(s)." in proc.stdout
    assert not (tmp_path / "users-home").exists() and not (tmp_path / "users-config").exists()
