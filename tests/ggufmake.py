"""Write small, valid GGUF files for tests (header, metadata, one tensor)."""

from __future__ import annotations

import struct
from pathlib import Path


def _s(text: str) -> bytes:
    b = text.encode()
    return struct.pack("<Q", len(b)) + b


def gguf_bytes(
    *, name: str = "Tiny Test", arch: str = "llama", ctx: int = 4096, file_type: int | None = 15, n_floats: int = 64
) -> bytes:
    kv = [
        _s("general.architecture") + struct.pack("<I", 8) + _s(arch),
        _s("general.name") + struct.pack("<I", 8) + _s(name),
        _s(f"{arch}.context_length") + struct.pack("<II", 4, ctx),
        _s("tokenizer.ggml.tokens") + struct.pack("<IIQ", 9, 8, 3) + _s("a") + _s("bb") + _s("ccc"),
        _s("tokenizer.ggml.scores") + struct.pack("<IIQ", 9, 6, 3) + struct.pack("<fff", 0, 1, 2),
        _s("tokenizer.chat_template") + struct.pack("<I", 8) + _s("{{ messages }}"),
    ]
    if file_type is not None:
        kv.append(_s("general.file_type") + struct.pack("<II", 4, file_type))
    head = b"GGUF" + struct.pack("<IQQ", 3, 1, len(kv)) + b"".join(kv)
    head += _s("w") + struct.pack("<I", 1) + struct.pack("<Q", n_floats) + struct.pack("<IQ", 0, 0)
    head += b"\0" * (-len(head) % 32)
    return head + b"\1" * (4 * n_floats)


def write_gguf(path: Path, **kw) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gguf_bytes(**kw))
    return path


def write_sparse_gguf(path: Path, n_floats: int, **kw) -> Path:
    """A GGUF whose one F32 tensor holds ``n_floats`` numbers (its parameter count), written as a
    sparse file: the header of a big model, at no cost on disk."""
    head = bytearray(gguf_bytes(n_floats=0, **kw))
    dims_at = bytes(head).rindex(_s("w") + struct.pack("<I", 1)) + len(_s("w")) + 4
    head[dims_at : dims_at + 8] = struct.pack("<Q", n_floats)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(len(head) + 4 * n_floats)
    return path
