"""The Search page."""

from reverie.app.ui.search.page import install

__all__ = ["install"]
