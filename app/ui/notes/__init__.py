"""The Notes page."""

from reverie.app.ui.notes.page import install

__all__ = ["install"]
