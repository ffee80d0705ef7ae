"""A guard against a reference-counting bug in PySide6 6.12 on Python 3.11.

``SignalInstance.emit()`` returns ``True`` without taking a reference to it, so every emit
from Python drops one reference to the ``True`` singleton; after some thousands of emits
CPython 3.11 "deallocates" ``True`` and aborts (``Fatal Python error: bool_dealloc``). Python
3.12+ makes ``True``/``False``/``None`` immortal, so the bug is harmless there. On 3.11 we give
the two bools the same treatment: a very large reference count that no number of lost
references can exhaust (a leak of a singleton costs nothing).
"""

from __future__ import annotations

import ctypes
import sys

_MARGIN = 1 << 40


def guard_bool_refcounts() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for value in (True, False):
        count = ctypes.c_ssize_t.from_address(id(value))  # ob_refcnt is the first field
        if count.value < _MARGIN:
            count.value += _MARGIN


guard_bool_refcounts()
