"""Thread pools made when first used: importing a module or opening the window starts no thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor


class LazyPool:
    """Calling it gives its pool, made at the first call with ``workers()`` threads at most (read then,
    so a setting known only at run time counts) named ``prefix``-N."""

    def __init__(self, prefix: str, workers: Callable[[], int]) -> None:
        self.prefix = prefix
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def __call__(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=max(1, self.workers()), thread_name_prefix=self.prefix)
            return self._pool
