"""A stored member of a zip file read in place, as a file of its own: a zip inside a zip (Notion's
``…-Part-1.zip``) opened without a copy in memory or on disk."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any, BinaryIO


class ZipWindow(io.RawIOBase):
    """The bytes of a stored member of a zip file, read in place: a zip inside a zip without a copy."""

    def __init__(self, fh: BinaryIO, start: int, size: int) -> None:
        super().__init__()
        self._fh, self._start, self._size, self._pos = fh, start, size, 0

    @classmethod
    def of(cls, path: str, info: zipfile.ZipInfo) -> ZipWindow:
        fh = open(path, "rb")  # closed with the window (ExportTree.close closes it)
        try:
            fh.seek(info.header_offset)
            head = fh.read(30)
            if len(head) != 30 or head[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(info.filename)
            name_len, extra_len = struct.unpack("<HH", head[26:30])
            return cls(fh, info.header_offset + 30 + name_len + extra_len, info.file_size)
        except BaseException:
            fh.close()
            raise

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = min(max(base + offset, 0), self._size)
        return self._pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        n = min(len(view), self._size - self._pos)
        if n <= 0:
            return 0
        self._fh.seek(self._start + self._pos)
        data = self._fh.read(n)
        view[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        self._fh.close()
        super().close()
