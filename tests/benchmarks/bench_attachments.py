"""Attachments: storing them in the vault, and a vault file that carries them.

    PYTHONPATH=/tmp/devpath python tests/benchmarks/bench_attachments.py [--files 40] [--mb 1] [--deflate]

Builds a throwaway unencrypted vault in a temporary folder, stores one 24 MB attachment and then
``--files`` attachments of ``--mb`` MB of random (incompressible) bytes, exports the vault to a
``.reverie`` file, imports it into a second vault, and imports it again (nothing changes). With
``--deflate`` the attachments' members are deflated as the JSONL members are, for comparison.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import zipfile
from pathlib import Path

from reverie.core import attachments, notes
from reverie.core.clock import FixedClock
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.transfer import export_vault, import_vault
from reverie.core.transfer.archive import ArchiveWriter
from reverie.core.vault import Vault

MB = 1024 * 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=40)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--deflate", action="store_true")
    args = ap.parse_args()
    if args.deflate:
        ArchiveWriter.write_bytes = _deflated  # type: ignore[method-assign]
    clock = FixedClock(1_795_000_000.0)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        a = Vault.create(vault_paths(d / "a"), KeyMode.NONE, clock=clock)
        b = Vault.create(vault_paths(d / "b"), KeyMode.NONE, clock=clock)
        note = notes.create_note(a, "Pictures")
        t = time.perf_counter()
        with a.tx() as conn:
            attachments.store(conn, clock.now(), note.id, "big.bin", "", os.urandom(24 * MB))
        print(f"store one 24 MB attachment: {time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        with a.tx() as conn:
            for i in range(args.files):
                attachments.store(conn, clock.now(), note.id, f"p{i}.jpg", "", os.urandom(int(args.mb * MB)))
        print(f"store {args.files} x {args.mb:g} MB: {time.perf_counter() - t:.2f} s")
        with a.read() as conn:
            count, size = attachments.total_size(conn)
        t = time.perf_counter()
        summary = export_vault(a, d / "x.reverie")
        print(
            f"export {count} attachments, {size / MB:.0f} MB ({'deflated' if args.deflate else 'stored'}): "
            f"{time.perf_counter() - t:.2f} s, file {summary.size_bytes / MB:.1f} MB"
        )
        t = time.perf_counter()
        first = import_vault(b, d / "x.reverie")
        print(f"import: {time.perf_counter() - t:.2f} s, {first.added['attachments']} attachments added")
        t = time.perf_counter()
        again = import_vault(b, d / "x.reverie")
        print(f"import again: {time.perf_counter() - t:.2f} s, changed: {again.changed}")
        a.close()
        b.close()


def _deflated(self: ArchiveWriter, name: str, data: bytes) -> None:
    import hashlib

    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    info._compresslevel = 6  # the level of the JSONL members (``ArchiveWriter``)
    with self.zf.open(info, "w", force_zip64=True) as out:
        out.write(data)
    self.sha256[name] = hashlib.sha256(data).hexdigest()
    self.sizes[name] = len(data)


if __name__ == "__main__":
    main()
