"""One Reverie per user and data folder: a second launch hands over; the socket is private."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from PySide6.QtNetwork import QLocalServer

from reverie.app.ui.single import SingleInstance, send, server_name

SENDER = (
    "import sys; from PySide6.QtCore import QCoreApplication; from reverie.app.ui.single import send; "
    "app = QCoreApplication([]); sys.exit(0 if send(sys.argv[1], sys.argv[2]) else 3)"
)


def sender(name: str, message: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SENDER, name, message], env=dict(os.environ))


def test_the_name_is_per_user_and_per_data_folder(tmp_path):
    a, b = server_name(tmp_path / "a"), server_name(tmp_path / "b")
    assert a != b and a == server_name(tmp_path / "a")
    if hasattr(os, "getuid"):
        assert f"-{os.getuid()}-" in a


def test_a_second_launch_hands_over_and_the_first_gets_the_message(qtbot, tmp_path):
    first = SingleInstance(server_name(tmp_path))
    assert first.listen()
    second = SingleInstance(server_name(tmp_path))
    with qtbot.waitSignal(first.message, timeout=20_000) as got:
        proc = sender(first.name, "capture")
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20_000)
    assert got.args == ["capture"] and proc.returncode == 0
    # the second one, in this process, sees the first is alive only if it answers; here the first
    # cannot answer (same thread, blocked), so it is tested with the subprocess above
    first.stop()
    assert second.listen()  # the first stopped listening: the next one starts normally
    second.stop()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="Unix socket permissions")
def test_the_socket_is_the_users_alone(qtbot, tmp_path):
    inst = SingleInstance(server_name(tmp_path))
    assert inst.listen()
    mode = os.stat(inst.socket_path()).st_mode
    assert stat.S_ISSOCK(mode)
    assert mode & 0o077 == 0, oct(mode)
    inst.stop()
    assert not os.path.exists(inst.socket_path() or "/nonexistent")


def test_a_launch_during_shutdown_starts_normally(qtbot, tmp_path):
    first = SingleInstance(server_name(tmp_path))
    assert first.listen()
    path = first.socket_path()
    first.stop()  # the start of the first one's shutdown
    assert not send(first.name, "show", reply_ms=200)  # nobody to hand over to
    second = SingleInstance(first.name)
    assert second.listen() and second.socket_path() == path
    second.stop()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="a Unix socket file")
def test_a_stale_socket_file_from_a_crash_is_removed(qtbot, tmp_path):
    import socket

    name = server_name(tmp_path)
    probe = QLocalServer()
    assert probe.listen(name)
    path = probe.fullServerName()
    probe.close()
    # a crash leaves the file behind with nobody listening on it
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(path)
    dead.close()
    assert os.path.exists(path)
    inst = SingleInstance(name)
    assert inst.listen()
    with qtbot.waitSignal(inst.message, timeout=20_000) as got:
        proc = sender(name, "show")
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20_000)
    assert got.args == ["show"] and proc.returncode == 0
    inst.stop()


def test_reverie_capture_hands_over_to_the_running_reverie(qtbot, tmp_path):
    from reverie.core.paths import vault_paths

    home = tmp_path / "home"
    running = SingleInstance(server_name(vault_paths(home).folder))
    assert running.listen()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    with qtbot.waitSignal(running.message, timeout=30_000, check_params_cb=lambda m: m == "capture"):
        proc = subprocess.Popen([sys.executable, "-m", "reverie", "--home", str(home), "capture"], env=env)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=30_000)
    assert proc.returncode == 0
    assert not (home / "reverie.db").exists()  # it handed over: no window, no vault of its own
    running.stop()


def test_the_command_line_knows_capture():
    from reverie.app.cli.run import build_parser

    args = build_parser().parse_args(["capture"])
    assert args.command == "capture" and args.func.__module__ == "reverie.app.cli.cmd_capture"
