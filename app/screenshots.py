"""``python -m reverie.app.screenshots OUTDIR``: open each screen on sample data (a temporary
vault, never the user's) in a real window and save PNGs. Run it under Xvfb on a server."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from reverie.app.ui.screenshots import run

    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
