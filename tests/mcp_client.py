"""A real MCP client (the SDK's ``stdio_client`` + ``ClientSession``) driving ``reverie mcp`` in a child
process, usable from plain (synchronous) tests through an anyio blocking portal."""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from anyio.from_thread import start_blocking_portal
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult, Implementation

CHECKOUT_PATH = os.environ.get("REVERIE_TEST_PATH", "/tmp/devpath")


def server_env(**extra: str) -> dict[str, str]:
    """The environment of a ``reverie mcp`` child: this checkout, no network, a headless keyring."""
    env = {k: v for k, v in os.environ.items() if k != "REVERIE_PASSPHRASE"}
    env.update(
        PYTHONPATH=os.pathsep.join(p for p in (CHECKOUT_PATH, env.get("PYTHONPATH", "")) if p),
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
    )
    env.update(extra)
    return env


def server_command(home: Path) -> tuple[str, list[str]]:
    return sys.executable, ["-m", "reverie", "--home", str(home), "mcp"]


class McpClient:
    """One ``reverie mcp`` process and an initialized session with it, named ``app`` / ``version``."""

    def __init__(self, home: Path, *, app: str = "Test App", version: str = "1.0", errlog: Path, **env: str) -> None:
        self._stack = ExitStack()
        self.portal = self._stack.enter_context(start_blocking_portal())
        command, args = server_command(home)
        params = StdioServerParameters(command=command, args=args, env=server_env(**env))
        self._err = self._stack.enter_context(open(errlog, "w", encoding="utf-8"))
        read, write = self._stack.enter_context(
            self.portal.wrap_async_context_manager(stdio_client(params, errlog=self._err))
        )
        info = Implementation(name=app, version=version)
        self.session: ClientSession = self._stack.enter_context(
            self.portal.wrap_async_context_manager(ClientSession(read, write, client_info=info))
        )
        self.initialized = self.portal.call(self.session.initialize)

    def call(self, tool: str, arguments: dict[str, Any] | None = None) -> CallToolResult:
        return self.portal.call(self.session.call_tool, tool, arguments or {})

    def tools(self) -> list[Any]:
        return self.portal.call(self.session.list_tools).tools

    def read(self, uri: str) -> Any:
        return self.portal.call(self.session.read_resource, uri)

    def close(self) -> None:
        self._stack.close()


def text_of(result: CallToolResult) -> str:
    return "".join(getattr(c, "text", "") for c in result.content)
