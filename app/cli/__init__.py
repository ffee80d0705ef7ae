"""The command line: ``reverie`` with no arguments opens the window; subcommands work on the
same vault without Qt."""

from reverie.app.cli.run import main

__all__ = ["main"]
