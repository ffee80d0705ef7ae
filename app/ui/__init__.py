"""The PySide6 user interface. Only this package imports Qt."""

from reverie.app.ui import qtcompat  # noqa: F401  (guards a PySide6 bug before any signal is emitted)
