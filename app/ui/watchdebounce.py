"""The debouncer of watched folders' events: which paths are quiet and settled, per folder. Plain
Python (no Qt, no watchdog); time is passed in, so it is tested without waiting."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

QUIET_S = 1.5  # a path is carried in once no event named it for this long


@dataclass
class _Seen:
    first: float  # when an event first named it
    last: float  # when an event last named it (or its size or time last changed)
    stat: tuple[int, int] | None  # size and time then (None: not there)


def _stat_key(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


class Debouncer:
    """The paths file events named, per watched folder, until they are quiet and settled. A folder's
    paths go out together once none of them was named for ``quiet`` seconds (so both ends of a move
    arrive in one batch); a folder that never falls quiet (a log written all day) still sends its
    quiet paths once its oldest has waited ``quiet * 10``. Thread-safe; time is passed in (``now``),
    so it is tested without waiting."""

    def __init__(self, quiet: float = QUIET_S) -> None:
        self.quiet = quiet
        self._paths: dict[str, dict[str, _Seen]] = {}
        self._lock = threading.Lock()

    def touch(self, root: str, path: str, now: float) -> None:
        with self._lock:
            paths = self._paths.setdefault(root, {})
            seen = paths.get(path)
            paths[path] = _Seen(seen.first if seen else now, now, _stat_key(path))

    def drop(self, root: str) -> None:
        with self._lock:
            self._paths.pop(root, None)

    @property
    def waiting(self) -> int:
        with self._lock:
            return sum(len(p) for p in self._paths.values())

    def due(self, now: float) -> dict[str, list[str]]:
        """The paths, per folder, that are quiet and whose size and time did not change since the
        last look (those that did wait another ``quiet`` seconds: a file still being written)."""
        out: dict[str, list[str]] = {}
        with self._lock:
            for root, paths in self._paths.items():
                busy = any(now - s.last < self.quiet for s in paths.values())
                if busy and now - min(s.first for s in paths.values()) < self.quiet * 10:
                    continue
                for path, seen in list(paths.items()):
                    if now - seen.last < self.quiet:
                        continue
                    stat = _stat_key(path)
                    if stat != seen.stat:  # still being written: wait until it settles
                        paths[path] = _Seen(seen.first, now, stat)
                        continue
                    out.setdefault(root, []).append(path)
                    del paths[path]
            self._paths = {r: p for r, p in self._paths.items() if p}
        return out
