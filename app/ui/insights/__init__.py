"""The Insights page."""

from reverie.app.ui.insights.page import InsightsPage, install

__all__ = ["InsightsPage", "install"]
