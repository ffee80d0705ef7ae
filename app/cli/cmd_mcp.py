"""``reverie mcp``: serve the vault to other AI apps over the Model Context Protocol (stdio)."""

from __future__ import annotations

import logging
import os
import sys
import warnings
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "mcp",
        help="serve your memories to other AI apps (Claude Desktop, LM Studio, Cursor, VS Code) over MCP (stdio)",
        description="Run Reverie as an MCP server on standard input and output; an AI app starts this "
        "command itself (see the README for its configuration). A passphrase vault needs REVERIE_PASSPHRASE.",
    )
    p.set_defaults(func=run_mcp)


def run_mcp(args: Any) -> int:
    # Standard output is the protocol channel: logs, warnings and progress bars go to stderr.
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="reverie mcp: %(levelname)s %(message)s")
    warnings.simplefilter("ignore", DeprecationWarning)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TQDM_DISABLE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from reverie.app.mcp.server import serve  # imported here: other commands never load the SDK

    return serve(getattr(args, "home", None))
