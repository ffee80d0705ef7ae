"""The Settings page."""

from reverie.app.ui.settings.page import SettingsPage, install

__all__ = ["SettingsPage", "install"]
