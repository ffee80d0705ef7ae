"""Watched folders: a first look at many new files, a second look when nothing changed, one edit.

    PYTHONPATH=/tmp/devpath python tests/benchmarks/bench_watch.py [--files 1000]

Writes ``--files`` small Markdown notes into a temporary folder (200 per subfolder), watches it from a
throwaway unencrypted vault, and times ``scan`` (the folder against the ledger) and ``apply`` (the
bring-in pipeline reads and writes the new files), then a second look (sizes and times unchanged:
no file is read) and a look after one file was edited.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from reverie.core.bring import watch
from reverie.core.bring.watch_apply import apply
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.vault import Vault


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    n = ap.parse_args().files
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "Notes"
        for i in range(n):
            d = root / f"d{i // 200}"
            d.mkdir(parents=True, exist_ok=True)
            (d / f"note {i}.md").write_text(f"# Note {i}\n\nThought number {i}, about the garden and the river.\n")
        vault = Vault.create(vault_paths(Path(tmp) / "home"), KeyMode.NONE)
        try:
            watch.add_folder(vault, root)
            t = time.perf_counter()
            plan = watch.scan(vault, root)
            t_scan = time.perf_counter() - t
            t = time.perf_counter()
            report = apply(vault, root, plan)
            t_apply = time.perf_counter() - t
            print(f"{n:,} new files: scan {t_scan:.2f} s, apply {t_apply:.2f} s ({n / t_apply:.0f} files/s), "
                  f"{report.added:,} notes")  # fmt: skip
            t = time.perf_counter()
            again = watch.scan(vault, root)
            print(f"second look, nothing changed: {time.perf_counter() - t:.2f} s (changes: {again.changes_anything})")
            (root / "d0" / "note 0.md").write_text("# Note 0\n\nEdited.\n")
            t = time.perf_counter()
            report = apply(vault, root, watch.scan(vault, root))
            print(f"one edit among {n:,}: {time.perf_counter() - t:.2f} s ({report.updated} updated)")
        finally:
            vault.close()


if __name__ == "__main__":
    main()
