"""Helpers for the command-line tests of settings and models: run a command, read what was saved."""

from __future__ import annotations

from typing import Any

from reverie.app import context
from reverie.app.cli.run import main
from reverie.core.settings import load_settings


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def stored() -> tuple[dict[str, Any], int]:
    """The saved settings, and how many settings changes history holds."""
    vault = context.open_vault(context.resolve_paths())
    try:
        return load_settings(vault).to_dict(), vault.query("SELECT count(*) FROM history WHERE entity = 'settings'")[0][
            0
        ]
    finally:
        vault.close()
