"""The Memories page: browse and tend memories; what Reverie knows about you."""

from reverie.app.ui.memories.page import MemoriesPage, install

__all__ = ["MemoriesPage", "install"]
