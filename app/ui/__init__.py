"""The PySide6 user interface. Only this package imports Qt."""

from reverie.app.ui.qtfix import guard_singleton_refcounts

guard_singleton_refcounts()  # before any signal is emitted: see app/ui/qtfix.py
