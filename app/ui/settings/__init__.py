"""The Settings page."""

from reverie.app.ui.settings.page import SettingsPage

__all__ = ["SettingsPage"]
