"""A guard against a PySide6 reference-count bug on CPython 3.11.

The PySide6 6.12.0 wheels return the singletons ``None``, ``True`` and ``False`` without taking a
reference (as if they were immortal, which they are only from CPython 3.12 on): every
``signal.emit(...)`` drops a reference to ``True``, every void call (``label.setText``,
``processEvents``, a model's ``data`` returning None) one to ``None``. On CPython 3.11 the
interpreter then aborts after a few hundred or thousand calls ("bool_dealloc: deallocating True or
False", "none_dealloc: deallocating None").

``guard_singleton_refcounts()`` detects the leak with a throwaway object and, only when it is
present on a CPython without immortal objects, gives these singletons a huge reference count,
which is what CPython 3.12 does for every program: at one lost reference per call it would take
2**40 calls to matter.
"""

from __future__ import annotations

import ctypes
import logging
import platform
import sys

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)
_BOOST = 1 << 40
_SINGLETONS = (None, True, False, Ellipsis, NotImplemented)
_done = False


class _Probe(QObject):
    ping = Signal()


def singletons_leak() -> bool:
    """Whether PySide6 drops references to True (emit) or None (void calls) in this process."""
    probe = _Probe()
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(8):
        probe.ping.emit()
        probe.setObjectName("probe")
    return sys.getrefcount(True) <= true_before - 8 or sys.getrefcount(None) <= none_before - 8


def guard_singleton_refcounts() -> bool:
    """Apply the guard if this PySide6 leaks references to the singletons; returns whether it did."""
    global _done
    if _done:
        return False
    _done = True
    if platform.python_implementation() != "CPython" or sys.version_info >= (3, 12):
        return False
    if not singletons_leak():
        return False
    for obj in _SINGLETONS:
        ctypes.c_ssize_t.from_address(id(obj)).value += _BOOST
    log.info("this PySide6 drops references to None/True/False; guarded (see app/ui/qtfix.py)")
    return True
