"""Decay pass over N memories (default 1,000,000) against a plain SELECT of the same rows.

    python tests/benchmarks/bench_decay.py [--n 1000000] [--plain]

Builds a throwaway vault (SQLCipher-encrypted unless --plain) in a temporary folder, fills
``memories`` with N rows (ages up to two years, 30% recalled, 1% pinned, mixed importance), then
times: the plain SELECT of the decay columns of the active rows; the NumPy retention of those rows;
and the decay pass (``plan_decay`` + ``apply_decay``: set-based SQL, history rows by INSERT ... SELECT),
first pass and the next night's pass. Prints the figures and the ratio to the SELECT.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from reverie.core.clock import FixedClock
from reverie.core.decay import DecayParams, apply_decay, plan_decay, retention_array
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.retention import DAY, initial_strength
from reverie.core.vault import Vault

NOW = 1_795_000_000.0
COLS = "id, recorded_at, last_recalled_at, strength, importance, pinned"


def fill(vault: Vault, n: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    batch = []
    with vault.tx() as conn:
        for i in range(n):
            rec = NOW - rnd.random() * 730 * DAY
            last = rec + rnd.random() * (NOW - rec) if rnd.random() < 0.3 else None
            imp = rnd.choice((0.1, 0.3, 0.4, 0.5, 0.6, 0.7))
            strength = initial_strength(imp) * (1.8 ** rnd.randint(0, 3) if last else 1.0)
            batch.append(
                (f"m{i}", "chat", "message", f"x{i}", rec, rec, f"h{i}", imp, strength, last, int(rnd.random() < 0.01))
            )
            if len(batch) == 50_000:
                conn.executemany(
                    "INSERT INTO memories(uid, kind, source_kind, text, recorded_at, happened_at, content_hash, "
                    "importance, strength, last_recalled_at, pinned) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    batch,
                )
                batch.clear()
        if batch:
            conn.executemany(
                "INSERT INTO memories(uid, kind, source_kind, text, recorded_at, happened_at, content_hash, "
                "importance, strength, last_recalled_at, pinned) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                batch,
            )


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--plain", action="store_true", help="unencrypted vault (default: SQLCipher)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        paths = vault_paths(Path(tmp) / "bench")
        mode = KeyMode.NONE if args.plain else KeyMode.PASSPHRASE
        vault = Vault.create(paths, mode, "benchmark passphrase", clock=FixedClock(NOW))
        t_fill, _ = timed(lambda: fill(vault, args.n))
        params = DecayParams()
        with vault.read() as conn:
            conn.execute("PRAGMA cache_size = -200000")

            def select():
                return conn.execute(f"SELECT {COLS} FROM memories WHERE archived = 0").fetchall()

            select()  # warm the page cache for both
            t_select = min(timed(select)[0] for _ in range(3))
            rows = select()
        arr = np.array([(r[1], r[2] if r[2] is not None else r[1], r[3], r[5]) for r in rows], dtype=np.float64)
        t_numpy, r = timed(lambda: retention_array(NOW, arr[:, 1], arr[:, 2], arr[:, 3]))
        del rows

        def decay_pass(now):
            with vault.read() as conn:
                plan = plan_decay(conn, now, params)
            return plan, apply_decay(vault, plan)

        t_first, (plan1, n1) = timed(lambda: decay_pass(NOW))
        t_second, (plan2, n2) = timed(lambda: decay_pass(NOW + DAY))
        history = vault.query("SELECT count(*) FROM history WHERE action = 'archive'")[0][0]
        vault.close()
    kind = "plain SQLite" if args.plain else "SQLCipher"
    print(f"decay benchmark, {args.n:,} memories, {kind}, threshold {params.threshold}")
    print(f"  fill                          {t_fill:8.2f} s")
    print(f"  plain SELECT of the rows      {t_select:8.3f} s")
    print(f"  NumPy retention of the rows   {t_numpy:8.3f} s  (mean R {float(r.mean()):.3f})")
    print(
        f"  decay pass, first             {t_first:8.3f} s  archived {n1:,} ({history:,} history rows)"
        f"  ratio to SELECT {t_first / t_select:5.2f}"
    )
    print(
        f"  decay pass, the next night    {t_second:8.3f} s  archived {n2:,}"
        f"  ratio to SELECT {t_second / t_select:5.2f}"
    )
    assert n1 == plan1.count and n2 == plan2.count and history == n1 + n2
    return 0


if __name__ == "__main__":
    sys.exit(main())
