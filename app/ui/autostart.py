"""Start Reverie when the user logs in (opt-in, ``Settings.start_at_login``): an XDG autostart entry,
``$XDG_CONFIG_HOME/autostart/reverie.desktop`` (``~/.config`` by default), written or removed by the
app. It runs the ``reverie`` executable this Reverie was started from. macOS (Login Items) and
Windows (a shortcut in ``shell:startup``) are set by hand: the README says how."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ENTRY = "reverie.desktop"


def autostart_dir(env: dict[str, str] | None = None) -> Path:
    env = os.environ if env is None else env  # type: ignore[assignment]
    base = env.get("XDG_CONFIG_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path(env.get("HOME") or Path.home()) / ".config"
    return root / "autostart"


def reverie_command() -> list[str]:
    """The ``reverie`` this process runs as: its console script when there is one, else the module."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "reverie" and argv0.exists():
        return [str(argv0.resolve())]
    beside = Path(sys.executable).with_name("reverie")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("reverie")
    if found:
        return [found]
    return [sys.executable, "-m", "reverie"]


def _quote(arg: str) -> str:
    """An Exec argument as the desktop entry specification quotes it."""
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`%="):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return f'"{escaped.replace("%", "%%")}"'


def desktop_entry(command: list[str]) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Reverie\n"
        "Comment=A private memory companion\n"
        f"Exec={' '.join(_quote(a) for a in command)}\n"
        "Icon=reverie\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def set_autostart(on: bool, *, folder: Path | None = None, command: list[str] | None = None) -> Path:
    """Write (``on``) or remove the autostart entry; returns its path. Only an entry Reverie wrote is
    removed (one that runs something else, written by the user, is left alone)."""
    folder = folder or autostart_dir()
    path = folder / ENTRY
    if on:
        text = desktop_entry(command or reverie_command())
        if path.exists() and path.read_text(encoding="utf-8", errors="replace") == text:
            return path
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    elif path.exists():
        try:
            ours = "Name=Reverie\n" in path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            ours = False
        if ours:
            path.unlink()
    return path


def is_on(folder: Path | None = None) -> bool:
    return ((folder or autostart_dir()) / ENTRY).exists()
