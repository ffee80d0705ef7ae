"""The Reminders page."""

from reverie.app.ui.reminders.page import RemindersPage, install

__all__ = ["RemindersPage", "install"]
