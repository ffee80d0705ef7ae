"""Exports of Google Keep, Day One, Notion and Logseq, written the way each app writes them (file
layout, file names and field names), and broken ones. Used by tests/core/bring/test_readers_apps.py."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime
from pathlib import Path

# A 1x1 PNG: attachments need real bytes.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201d4d6c0e10000000049454e44ae426082"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, prefix + p.relative_to(folder).as_posix())
    return target


# -- Google Keep (Takeout) ------------------------------------------------------------------------

USEC_2023_05_04 = 1683196200_000000  # 2023-05-04 10:30:00 UTC
USEC_2023_05_05 = 1683282600_000000


def _keep_note(**fields: object) -> dict[str, object]:
    note: dict[str, object] = {
        "color": "DEFAULT",
        "isTrashed": False,
        "isPinned": False,
        "isArchived": False,
        "title": "",
        "userEditedTimestampUsec": USEC_2023_05_05,
        "createdTimestampUsec": USEC_2023_05_04,
    }
    note.update(fields)
    return note


def keep_takeout(root: Path) -> Path:
    """``root/Takeout/Keep/`` with a text note, a checklist, a labelled pinned note with an image, a
    trashed note, and Takeout's other files; returns the ``Takeout`` folder."""
    keep = root / "Takeout" / "Keep"
    keep.mkdir(parents=True)
    notes = {
        "Shopping ideas.json": _keep_note(
            title="Shopping ideas",
            textContent="Buy a lamp for the study.\nMaybe a rug too.",
            textContentHtml="<p>Buy a lamp for the study.<br>Maybe a rug too.</p>",
        ),
        "Groceries.json": _keep_note(
            title="Groceries",
            listContent=[
                {"textHtml": "milk", "text": "milk", "isChecked": False},
                {"textHtml": "eggs", "text": "eggs", "isChecked": True},
            ],
            color="YELLOW",
        ),
        "Trip to Lisbon.json": _keep_note(
            title="Trip to Lisbon",
            textContent="Tram 28 in the morning, pastéis in Belém.",
            isPinned=True,
            isArchived=True,
            color="BLUE",
            labels=[{"name": "Travel"}, {"name": "Portugal 2023"}],
            annotations=[
                {
                    "description": "Lisbon tram 28 guide",
                    "source": "WEBLINK",
                    "title": "Tram 28 — a guide",
                    "url": "https://example.org/tram-28",
                }
            ],
            attachments=[{"filePath": "1a2b3c4d5e.jpeg", "mimetype": "image/jpeg"}],
            sharees=[{"isOwner": True, "email": "me@example.org"}, {"isOwner": False, "email": "ana@example.org"}],
        ),
        "Old password hint.json": _keep_note(title="Old password hint", textContent="gone", isTrashed=True),
    }
    for name, note in notes.items():
        (keep / name).write_text(json.dumps(note, ensure_ascii=False, indent=2), encoding="utf-8")
        (keep / name.replace(".json", ".html")).write_text(f"<html><body>{note['title']}</body></html>")
    (keep / "1a2b3c4d5e.jpg").write_bytes(JPEG)  # Takeout names the file .jpg where the JSON says .jpeg
    (keep / "Labels.txt").write_text("Travel\nPortugal 2023\n")
    (root / "Takeout" / "archive_browser.html").write_text("<html></html>")
    return root / "Takeout"


def keep_takeout_zip(root: Path) -> Path:
    folder = keep_takeout(root / "src")
    return _zip_folder(folder, root / "takeout-20230601T101010Z-001.zip", "Takeout/")


# -- Day One --------------------------------------------------------------------------------------

DAYONE_PHOTO_MD5 = "d41d8cd98f00b204e9800998ecf8427e"
DAYONE_UUIDS = (
    "8E6F1A2B3C4D5E6F708192A3B4C5D6E7",
    "1546F37361264E129200B2CA6A885855",
    "C0FFEE00C0FFEE00C0FFEE00C0FFEE00",
)


def _dayone_journal() -> dict[str, object]:
    return {
        "metadata": {"version": "1.0"},
        "entries": [
            {
                "uuid": DAYONE_UUIDS[0],
                "creationDate": "2023-05-04T10:30:00Z",
                "modifiedDate": "2023-05-04T11:00:00Z",
                "timeZone": "Europe/Lisbon",
                "starred": True,
                "isPinned": False,
                "duration": 0,
                "creationDevice": "Maya’s iPhone",
                "creationOSName": "iOS",
                "text": "# A day in Belém\n\nWe walked to the tower\\.\n\n![](dayone-moment://5E8F0A1B2C3D4E5F60718293A4B5C6D7)\n\nThen #pastries.",
                "richText": '{"meta":{"version":1},"contents":[{"text":"A day in Belém\\n"}]}',
                "tags": ["travel", "Portugal"],
                "location": {
                    "region": {"center": {"longitude": -9.2159, "latitude": 38.6916}, "radius": 75},
                    "localityName": "Lisbon",
                    "country": "Portugal",
                    "timeZoneName": "Europe/Lisbon",
                    "administrativeArea": "Lisbon",
                    "longitude": -9.2159,
                    "placeName": "Torre de Belém",
                    "latitude": 38.6916,
                },
                "weather": {
                    "sunsetDate": "2023-05-04T19:40:00Z",
                    "temperatureCelsius": 21.4,
                    "weatherServiceName": "Forecast.io",
                    "conditionsDescription": "Partly Cloudy",
                    "pressureMB": 1016,
                    "relativeHumidity": 60,
                    "weatherCode": "partly-cloudy-day",
                },
                "photos": [
                    {
                        "identifier": "5E8F0A1B2C3D4E5F60718293A4B5C6D7",
                        "md5": DAYONE_PHOTO_MD5,
                        "type": "jpeg",
                        "orderInEntry": 0,
                        "width": 1,
                        "height": 1,
                        "date": "2023-05-04T10:20:00Z",
                    }
                ],
            },
            {
                "uuid": DAYONE_UUIDS[1],
                "creationDate": "2023-05-05T23:30:00Z",  # 6 May in Tokyo
                "modifiedDate": "2023-05-06T00:10:00Z",
                "timeZone": "Asia/Tokyo",
                "starred": False,
                "text": "",
                "tags": [],
            },
            {
                "uuid": DAYONE_UUIDS[2],
                "creationDate": "2023-05-07T08:00:00Z",
                "timeZone": "America/New_York",
                "text": "![](dayone-moment://FFFF0000FFFF0000FFFF0000FFFF0000)\n\nPhoto gone",
                "photos": [{"identifier": "FFFF0000FFFF0000FFFF0000FFFF0000", "md5": "0" * 32, "type": "png"}],
            },
        ],
    }


def dayone_folder(root: Path) -> Path:
    folder = root / "dayone-export"
    (folder / "photos").mkdir(parents=True)
    (folder / "Journal.json").write_text(json.dumps(_dayone_journal(), indent=2, ensure_ascii=False), encoding="utf-8")
    (folder / "photos" / f"{DAYONE_PHOTO_MD5}.jpeg").write_bytes(JPEG)
    return folder


def dayone_zip(root: Path) -> Path:
    folder = dayone_folder(root / "src")
    return _zip_folder(folder, root / "05-04-2023_10-30-AM-JSON.zip")


# -- Notion ---------------------------------------------------------------------------------------

NOTION_IDS = {
    "trip": "0123456789abcdef0123456789abcdef",
    "packing": "fedcba9876543210fedcba9876543210",
    "reading": "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    "dune": "11111111111111111111111111111111",
    "atlas": "22222222222222222222222222222222",
    "ideas": "33333333333333333333333333333333",
}


def _notion_members() -> dict[str, bytes]:
    i = NOTION_IDS
    trip = (
        "# Trip to Lisbon\n\n"
        "Plans for May. See [Packing list](Trip%20to%20Lisbon%20{t}/Packing%20list%20{p}.md) and the "
        "[reading list](Reading%20list%20{r}.csv).\n\n"
        "![tram.png](Trip%20to%20Lisbon%20{t}/tram.png)\n\n"
        "More at [the site](https://example.org/lisbon).\n"
    ).format(p=i["packing"], r=i["reading"], t=i["trip"])
    packing = (
        "# Packing list\n\n- [ ] passport\n- [x] charger\n\nBack to [Trip to Lisbon](../Trip%20to%20Lisbon%20{t}.md)\n"
    )
    reading_csv = (
        "Name,Author,Tags,Created,Last edited time\n"
        'Dune,Frank Herbert,"sci-fi, classics","May 4, 2023 10:30 AM","May 6, 2023 9:15 PM"\n'
        'Atlas of Remote Islands,Judith Schalansky,maps,"May 5, 2023 8:00 AM","May 5, 2023 8:00 AM"\n'
    )
    dune = (
        "# Dune\n\nAuthor: Frank Herbert\nTags: sci-fi, classics\nCreated: May 4, 2023 10:30 AM\n"
        "Last edited time: May 6, 2023 9:15 PM\n\nA desert planet. Like [[Atlas]]? No: see "
        "[Atlas of Remote Islands](Atlas%20of%20Remote%20Islands%20{a}.md).\n"
    ).format(a=i["atlas"])
    atlas = (
        "# Atlas of Remote Islands\n\nAuthor: Judith Schalansky\nTags: maps\nCreated: May 5, 2023 8:00 AM\n"
        "Last edited time: May 5, 2023 8:00 AM\n\nFifty islands I have never set foot on.\n"
    )
    return {
        f"Trip to Lisbon {i['trip']}.md": trip.encode(),
        f"Trip to Lisbon {i['trip']}/Packing list {i['packing']}.md": packing.format(t=i["trip"]).encode(),
        f"Trip to Lisbon {i['trip']}/tram.png": PNG,
        f"Reading list {i['reading']}.csv": ("\ufeff" + reading_csv).encode(),
        f"Reading list {i['reading']}_all.csv": ("\ufeff" + reading_csv).encode(),
        f"Reading list {i['reading']}/Dune {i['dune']}.md": dune.encode(),
        f"Reading list {i['reading']}/Atlas of Remote Islands {i['atlas']}.md": atlas.encode(),
    }


def notion_zip(root: Path, *, stored_part: bool = False) -> Path:
    """``Export-<uuid>.zip`` holding the pages, a nested ``Part-2`` zip with one more page, and a
    member whose name climbs out with ``..``."""
    root.mkdir(parents=True, exist_ok=True)
    part = root / "part2.zip"
    with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"Ideas {NOTION_IDS['ideas']}.md", "# Ideas\n\nA tiled kitchen, blue like #azulejos.\n")
    target = root / "Export-6c1e2b7a-9f0d-4c1b-8e2a-3d4f5a6b7c8d.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in _notion_members().items():
            zf.writestr(name, data)
        zf.write(
            part,
            "Export-6c1e2b7a-9f0d-4c1b-8e2a-3d4f5a6b7c8d-Part-2.zip",
            compress_type=zipfile.ZIP_STORED if stored_part else zipfile.ZIP_DEFLATED,
        )
        zf.writestr("../escape.md", "# Escape\n\nshould never be read\n")
    part.unlink()
    return target


def zip_bomb(root: Path) -> Path:
    """A Notion-looking zip with a page and a member that unpacks to 64 MiB from a few KiB."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / "Export-bomb.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(f"Ok page {NOTION_IDS['ideas']}.md", "# Ok page\n\nfine\n")
        zf.writestr(f"Bomb {NOTION_IDS['dune']}.md", b"\0" * (64 * 1024 * 1024))
    return target


# -- Logseq ---------------------------------------------------------------------------------------


def logseq_graph(root: Path) -> Path:
    graph = root / "my-graph"
    for sub in ("logseq/bak/pages", "logseq/version-files", "journals", "pages", "assets", ".recycle"):
        (graph / sub).mkdir(parents=True)
    (graph / "logseq" / "config.edn").write_text('{:meta/version 1\n :preferred-format "Markdown"}\n')
    (graph / "logseq" / "custom.css").write_text("")
    (graph / "logseq" / "bak" / "pages" / "Old.md").write_text("- a backup that must not come in\n")
    (graph / ".recycle" / "deleted.md").write_text("- deleted page\n")
    (graph / "journals" / "2023_05_04.md").write_text(
        "- Walked to [[Belém]] with [[Ana Costa]] #travel\n"
        "\t- Tower was closed\n"
        "\t  mood:: tired\n"
        "\t\t- Came back at 6\n"
        "- TODO book the train\n"
        "- DONE pay the hotel\n"
        "  :LOGBOOK:\n"
        "  CLOCK: [2023-05-04 Thu 10:00]--[2023-05-04 Thu 10:05] =>  00:05:00\n"
        "  :END:\n"
        "- See ((64a1b2c3-0000-4000-8000-000000000001)) and #[[long trip]]\n"
        "- ![tram](../assets/tram_1683196200.png)\n",
        encoding="utf-8",
    )
    (graph / "journals" / "2023_05_05.md").write_text("- Quiet day.\n", encoding="utf-8")
    (graph / "pages" / "projects___kitchen.md").write_text(
        "title:: projects/kitchen\ntags:: [[home]], [[renovation]]\nalias:: Kitchen\nstatus:: doing\n\n"
        "- Tiles from [[Azulejo shop]]\n"
        "\t- blue and white\n"
        "\t  id:: 64a1b2c3-0000-4000-8000-000000000001\n"
        "\t  collapsed:: true\n",
        encoding="utf-8",
    )
    (graph / "pages" / "books%2Fdune.md").write_text(
        "- type:: [[book]]\n  author:: [[Frank Herbert]], [[Brian Herbert]]\n- Spice must flow\n", encoding="utf-8"
    )
    (graph / "assets" / "tram_1683196200.png").write_bytes(PNG)
    return graph


def logseq_broken(root: Path) -> Path:
    """A graph with a page that is not UTF-8 and a symbolic link loop."""
    graph = logseq_graph(root)
    (graph / "pages" / "latin1.md").write_bytes("- café crème\n".encode("latin-1"))
    os.symlink(graph, graph / "pages" / "loop")
    os.symlink(graph / "pages", graph / "pages" / "again")
    return graph


def local_day(y: int, m: int, d: int) -> float:
    return datetime(y, m, d).timestamp()


# -- broken files ----------------------------------------------------------------------------------


def broken_files(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    out = {
        "bad_zip": root / "Export-0000.zip",
        "latin1_json": root / "Journal.json",
        "wrong_shape": root / "other.json",
    }
    out["bad_zip"].write_bytes(b"PK\x03\x04 this is no zip at all")
    out["latin1_json"].write_bytes('{"metadata": {}, "entries": [{"text": "café"}]}'.encode("latin-1"))
    out["wrong_shape"].write_text('{"metadata": {"version": "1.0"}, "entries": {"not": "a list"}}')
    return out
