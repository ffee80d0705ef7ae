"""Reverie: a private memory companion for the desktop."""

__version__ = "0.1.0"
