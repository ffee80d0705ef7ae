"""The companion's reads and writes at scale: today's review queue and the morning recap over N
memories (default 1,000,000), and firing R reminders (default 10,000) that fell due at once.

    python tests/benchmarks/bench_companion.py [--n 1000000] [--reminders 10000] [--plain]

A throwaway vault (SQLCipher-encrypted unless --plain) is filled as ``bench_decay.py`` fills it (ages up
to two years, 30% recalled, 1% pinned, mixed importance). Times: the review queue (the band above the
archive threshold, ranked, 10 a day; before and after the nightly decay has archived what faded), ``compose_recap`` (today, last night, on this day), adding R
reminders one by one, the start-up claim of all R as missed (``recover``), and one ``tick`` that finds
nothing due. Each figure beside a plain ``SELECT count(*)`` over the memories as the floor.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).parent))
from bench_decay import NOW, fill

from reverie.core import reminders
from reverie.core.clock import FixedClock
from reverie.core.decay import DecayParams, decay_pass
from reverie.core.keys import KeyMode
from reverie.core.paths import vault_paths
from reverie.core.recap import compose_recap
from reverie.core.reminders_schedule import ReminderScheduler
from reverie.core.review import review_queue
from reverie.core.vault import Vault

TZ = ZoneInfo("Europe/Berlin")


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--reminders", type=int, default=10_000)
    ap.add_argument("--plain", action="store_true", help="unencrypted vault (default: SQLCipher)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        clock = FixedClock(NOW)
        mode = KeyMode.NONE if args.plain else KeyMode.PASSPHRASE
        vault = Vault.create(vault_paths(Path(tmp) / "bench"), mode, "benchmark passphrase", clock=clock)
        t_fill, _ = timed(lambda: fill(vault, args.n))
        t_count, _ = timed(lambda: vault.query("SELECT count(*) FROM memories"))
        t_queue, queue = timed(lambda: review_queue(vault, NOW, TZ, params=DecayParams()))
        t_decay, (plan, archived) = timed(lambda: decay_pass(vault, NOW, DecayParams()))
        t_queue2, queue2 = timed(lambda: review_queue(vault, NOW, TZ, params=DecayParams()))
        t_recap, recap = timed(lambda: compose_recap(vault, NOW, TZ))

        def add_all() -> None:
            for i in range(args.reminders):
                reminders.add_reminder(vault, f"reminder {i}", NOW + 60 + i, NOW)

        t_add, _ = timed(add_all)
        sched = ReminderScheduler(vault, lambda firing: None, clock=clock, tz=TZ)
        later = NOW + 60 + args.reminders + 3600
        t_missed, missed = timed(lambda: sched.catch_up(later))
        t_tick, fired = timed(lambda: sched.tick(later + 60))
        vault.close()
    print(f"memories: {args.n:,} ({'plain' if args.plain else 'SQLCipher'}), filled in {t_fill:.1f} s")
    print(f"  SELECT count(*)           {t_count * 1000:9.1f} ms (floor)")
    print(f"  review queue              {t_queue * 1000:9.1f} ms  ({len(queue)} memories; no decay run yet)")
    print(f"  nightly decay pass        {t_decay * 1000:9.1f} ms  ({archived:,} archived)")
    print(f"  review queue after it     {t_queue2 * 1000:9.1f} ms  ({len(queue2)} memories)")
    print(f"  morning recap             {t_recap * 1000:9.1f} ms  ({len(recap.on_this_day)} on this day)")
    print(f"reminders: {args.reminders:,}")
    print(f"  add, one transaction each {t_add / max(args.reminders, 1) * 1000:9.2f} ms per reminder")
    print(f"  start: claim + show + ack {t_missed * 1000:9.1f} ms  ({len(missed)} missed, shown once)")
    print(f"  tick with nothing due     {t_tick * 1000:9.1f} ms  ({len(fired)} fired)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
