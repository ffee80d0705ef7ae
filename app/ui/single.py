"""One Reverie per user and data folder: the first window listens on a private local socket; a second
``reverie`` hands its request over ("show", "capture") and exits.

The socket's name holds the user's id and a hash of the data folder, so two data folders are two
instances and two users never meet. ``QLocalServer.UserAccessOption`` makes the socket the user's
alone (mode 0700 on Unix). The window stops listening at the start of its shutdown, so a Reverie
started while the last one closes starts normally. A socket file left by a crash, where nothing
answers, is removed (``QLocalServer.removeServer``) before listening.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

MESSAGES = ("show", "capture")
CONNECT_MS = 500
REPLY_MS = 2000


def server_name(folder: Path) -> str:
    """``reverie-<user id>-<hash of the data folder>``: per user, per data folder."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    digest = hashlib.sha256(str(Path(folder).expanduser().resolve()).encode()).hexdigest()[:16]
    return f"reverie-{user}-{digest}"


def send(name: str, message: str, *, reply_ms: int = REPLY_MS) -> bool:
    """Hand ``message`` to the Reverie listening on ``name``; True when it answered "ok"."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(CONNECT_MS):
        return False
    sock.write((message + "\n").encode())
    sock.flush()
    if not sock.waitForBytesWritten(CONNECT_MS) and sock.bytesToWrite():
        sock.abort()
        return False
    got = b""
    while b"\n" not in got and sock.waitForReadyRead(reply_ms):
        got += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    return got.strip() == b"ok"


class SingleInstance(QObject):
    """The listening side. ``message`` carries each request ("show", "capture") on the GUI thread."""

    message = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server: QLocalServer | None = None

    @property
    def listening(self) -> bool:
        return self.server is not None and self.server.isListening()

    def socket_path(self) -> str:
        return self.server.fullServerName() if self.server is not None else ""

    def listen(self) -> bool:
        """Listen on the name. False when another Reverie answers on it (hand over with ``send``) or
        the socket cannot be made. Asked first: on Unix, listening with socket options puts the new
        socket in place of an existing one, so it must not be tried while another Reverie lives. A
        socket file nobody answers on (a crash) is removed."""
        if send(self.name, "ping", reply_ms=CONNECT_MS):
            return False
        QLocalServer.removeServer(self.name)  # left by a crash: nobody answers
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.warning("no single-instance socket: %s", server.errorString())
            server.deleteLater()
            return False
        server.newConnection.connect(self._accept)
        self.server = server
        return True

    def _accept(self) -> None:
        server = self.server
        while server is not None and server.hasPendingConnections():
            sock = server.nextPendingConnection()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)
            if sock.bytesAvailable():
                self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        if not sock.canReadLine():
            return
        line = bytes(sock.readLine().data()).decode(errors="replace").strip()
        sock.write(b"ok\n")
        sock.flush()
        if line in MESSAGES:
            self.message.emit(line)

    def stop(self) -> None:
        """Stop listening (at the start of shutdown): a new Reverie may start from now on."""
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None
