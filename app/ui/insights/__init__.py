"""The Insights page."""

from reverie.app.ui.insights.page import InsightsPage

__all__ = ["InsightsPage"]
