"""How fast the Keep, Day One, Notion and Logseq readers read a large export, and the memory they hold.

    PYTHONPATH=/tmp/devpath python tests/benchmarks/bench_app_readers.py --notes 5000 --dir /tmp/bench-apps

Writes one export of each kind with ``--notes`` notes (Keep and Day One as zips with one image per
tenth note, Notion as a zip with a database of a fifth of the pages, Logseq as a graph folder of
journals and pages), reads it with the reader and prints notes/second, then reads it again for the peak of Python's
allocations while reading (tracemalloc).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import bring_apps_fixtures as fx

from reverie.core.bring.doc import Doc
from reverie.core.bring.readers import dayone, keep, logseq, notion

TEXT = "A day of walking by the river, with coffee at the corner and a long talk about the garden. " * 6


def keep_zip(root: Path, n: int) -> Path:
    target = root / "takeout-keep.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(n):
            note: dict[str, object] = {
                "title": f"Note {i}",
                "textContent": TEXT,
                "createdTimestampUsec": fx.USEC_2023_05_04 + i * 1_000_000,
                "userEditedTimestampUsec": fx.USEC_2023_05_05 + i * 1_000_000,
                "labels": [{"name": f"label{i % 7}"}],
                "isTrashed": False,
            }
            if i % 10 == 0:
                note["attachments"] = [{"filePath": f"img{i}.jpeg", "mimetype": "image/jpeg"}]
                zf.writestr(f"Takeout/Keep/img{i}.jpg", fx.JPEG)
            zf.writestr(f"Takeout/Keep/Note {i}.json", json.dumps(note))
            zf.writestr(f"Takeout/Keep/Note {i}.html", f"<p>{TEXT}</p>")
    return target


def dayone_zip(root: Path, n: int) -> Path:
    entries = []
    target = root / "dayone.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(n):
            entry: dict[str, object] = {
                "uuid": f"{i:032X}",
                "creationDate": f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}T10:30:00Z",
                "timeZone": "Europe/Lisbon",
                "text": f"Entry {i}\n\n{TEXT}",
                "tags": ["daily"],
                "location": {
                    "placeName": "Home",
                    "localityName": "Lisbon",
                    "country": "Portugal",
                    "latitude": 38.7,
                    "longitude": -9.1,
                },
                "weather": {"conditionsDescription": "Sunny", "temperatureCelsius": 20},
            }
            if i % 10 == 0:
                md5 = f"{i:032x}"
                entry["photos"] = [{"identifier": f"P{i}", "md5": md5, "type": "jpeg"}]
                entry["text"] = f"{entry['text']}\n\n![](dayone-moment://P{i})"
                zf.writestr(f"photos/{md5}.jpeg", fx.JPEG)
            entries.append(entry)
        zf.writestr("Journal.json", json.dumps({"metadata": {"version": "1.0"}, "entries": entries}))
    return target


def notion_zip(root: Path, n: int) -> Path:
    target = root / "Export-bench.zip"
    rows = n // 5
    db = "a" * 32
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        lines = ["Name,Tags,Created"]
        for i in range(rows):
            pid = f"{i:032x}"
            lines.append(f'Row {i},"x, y","May 4, 2023 10:30 AM"')
            zf.writestr(
                f"Table {db}/Row {i} {pid}.md",
                f"# Row {i}\n\nTags: x, y\nCreated: May 4, 2023 10:30 AM\n\n{TEXT}\n",
            )
        zf.writestr(f"Table {db}.csv", "\n".join(lines))
        for i in range(rows, n):
            pid = f"{i:032x}"
            other = f"{(i + 1) % n:032x}"
            zf.writestr(
                f"Pages/Page {i} {pid}.md", f"# Page {i}\n\n{TEXT}\n\nNext: [Page](Page%20{i + 1}%20{other}.md)\n"
            )
    return target


def logseq_folder(root: Path, n: int) -> Path:
    graph = root / "graph"
    (graph / "logseq").mkdir(parents=True)
    (graph / "journals").mkdir()
    (graph / "pages").mkdir()
    (graph / "logseq" / "config.edn").write_text("{}")
    for i in range(n):
        body = f"- {TEXT} [[Page {i + 1}]] #tag{i % 9}\n\t- child\n\t  mood:: fine\n"
        if i % 2:
            (graph / "journals" / f"{2000 + i // 365:04d}_{1 + i % 12:02d}_{1 + i % 28:02d}_{i}.md").write_text(body)
        else:
            (graph / "pages" / f"Page {i}.md").write_text(f"tags:: a, b\n\n{body}")
    return graph


def run(module: ModuleType, path: Path) -> tuple[int, float, float]:
    """(notes read, seconds for a plain read, peak MB of a second read under tracemalloc)."""
    start = time.perf_counter()
    docs = sum(1 for item in module.read_export(path) if isinstance(item, Doc))
    seconds = time.perf_counter() - start
    tracemalloc.start()
    for _ in module.read_export(path):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return docs, seconds, peak / (1024 * 1024)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    makers = {"keep": (keep, keep_zip), "dayone": (dayone, dayone_zip), "notion": (notion, notion_zip)}
    makers["logseq"] = (logseq, logseq_folder)
    print(f"{'reader':8} {'notes':>6} {'seconds':>8} {'notes/s':>8} {'peak MB':>8} {'export MB':>9}")
    for name, (module, make) in makers.items():
        root = args.dir / name
        root.mkdir(exist_ok=True)
        path = make(root, args.notes)
        size = path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        docs, seconds, peak = run(module, path)
        print(f"{name:8} {docs:6} {seconds:8.2f} {docs / seconds:8.0f} {peak:8.1f} {size / 1e6:9.1f}")


if __name__ == "__main__":
    main()
