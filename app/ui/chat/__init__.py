"""The Chat page."""

from reverie.app.ui.chat.page import install

__all__ = ["install"]
