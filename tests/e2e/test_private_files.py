"""Everything Reverie writes is the user's alone: after a whole session, from an older install whose
vault was left readable by others, no file or folder Reverie keeps has a group or other bit.

Each step is a real process started with the common umask 022, so what protects the files is
Reverie's own start-up (its umask and the repair of older files), not the test's.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

GUI_BRIEFLY = (
    "import sys\n"
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication\n"
    "from reverie.app.cli import main\n"
    "app = QApplication(sys.argv[:1])\n"
    "def close():\n"
    "    for w in app.topLevelWidgets():\n"
    "        w.close()\n"
    "    QTimer.singleShot(500, app.quit)\n"
    "QTimer.singleShot(int(sys.argv[1]), close)\n"
    "sys.exit(main([]))\n"
)


def _run(env: dict[str, str], *argv: str, code: str | None = None) -> str:
    cmd = [sys.executable, "-c", code, *argv] if code else [sys.executable, "-m", "reverie", *argv]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180, umask=0o022)
    assert r.returncode == 0, (argv, r.stdout, r.stderr)
    return r.stdout


def _shared(root: Path) -> list[str]:
    """Every path under ``root`` (and ``root``) that its group or others may use."""
    found = []
    for path in [root, *root.rglob("*")]:
        mode = os.lstat(path).st_mode
        if not stat.S_ISLNK(mode) and mode & 0o077:
            found.append(f"{path.relative_to(root.parent)} {stat.filemode(mode)}")
    return found


@pytest.mark.slow
def test_a_whole_session_leaves_nothing_readable_by_others(tmp_path):
    home, dest, config = tmp_path / "home", tmp_path / "exports", tmp_path / "config"
    env = dict(os.environ)
    env.update(
        REVERIE_HOME=str(home),
        XDG_CONFIG_HOME=str(config),
        XDG_DATA_HOME=str(tmp_path / "xdg-data"),
        HF_HUB_OFFLINE="1",
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
    )
    env.pop("REVERIE_DEBUG", None)
    _run(env, "init", "--unencrypted")
    _run(env, "note", "add", "The plumber comes on Thursday", "--tag", "home")
    # An older Reverie's vault: a folder and files anyone on the machine could read.
    for path in [home, *home.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    _run(env, "note", "add", "Anna's birthday is March 3")
    assert "plumber" in _run(env, "search", "--mode", "bm25", "plumber")
    _run(env, "config", "set", "theme", "dark")
    dest.mkdir(mode=0o700)  # the user's own folder; what Reverie writes in it is checked
    _run(env, "export", str(dest / "all.reverie"))
    _run(env, "export", "--markdown", str(dest / "notes-md"))
    _run(env, "4000", code=GUI_BRIEFLY)
    conf = config / "Reverie"
    assert (home / "vault" / "reverie.db").exists() and (dest / "all.reverie").exists()
    assert any((dest / "notes-md").rglob("*.md")) and (conf / "Reverie.conf").is_file()
    shared = _shared(home) + _shared(dest) + _shared(conf)
    assert shared == []
