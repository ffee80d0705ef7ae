"""The export readers of Google Keep, Day One, Notion and Logseq: what each keeps from a real-format
export, and the one sentence each gives for a broken one."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from types import ModuleType

import bring_apps_fixtures as fx
import pytest

from reverie.core.bring.doc import Doc, Skipped, Unreadable
from reverie.core.bring.readers import dayone, exporttree, keep, logseq, notion
from reverie.core.vault import Vault

READERS = (keep, dayone, notion, logseq)


def read(module: ModuleType, path: Path) -> tuple[dict[str, Doc], list[Skipped]]:
    docs: dict[str, Doc] = {}
    skipped: list[Skipped] = []
    for item in module.read_export(path):
        if isinstance(item, Doc):
            assert item.key not in docs, item.key
            assert item.kind == module.KIND
            docs[item.key] = item
        else:
            skipped.append(item)
    return docs, skipped


def by_title(docs: dict[str, Doc]) -> dict[str, Doc]:
    return {d.title: d for d in docs.values()}


def fingerprints(module: ModuleType, path: Path) -> dict[str, str]:
    return {k: d.fingerprint() for k, d in read(module, path)[0].items()}


# -- Google Keep ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["takeout", "keep", "zip"])
def test_keep_reads_notes_checklists_labels_links_and_attachments(tmp_path: Path, shape: str) -> None:
    if shape == "zip":
        path = fx.keep_takeout_zip(tmp_path)
    else:
        path = fx.keep_takeout(tmp_path)
        path = path / "Keep" if shape == "keep" else path
    assert keep.claims(path)
    docs, skipped = read(keep, path)
    assert set(docs) == {"Shopping ideas.json", "Groceries.json", "Trip to Lisbon.json"}
    assert skipped == [Skipped("Old password hint.json", "Old password hint is in Keep's trash; it was left out.")]
    notes = by_title(docs)
    shop = notes["Shopping ideas"]
    assert shop.body == "Buy a lamp for the study.\nMaybe a rug too."
    assert (shop.created, shop.updated, shop.happened) == (1683196200.0, 1683282600.0, 1683196200.0)
    assert shop.properties == {} and shop.tags == [] and shop.attachments == []
    groceries = notes["Groceries"]
    assert groceries.body == "- [ ] milk\n- [x] eggs"
    assert groceries.properties == {"color": "yellow"}
    trip = notes["Trip to Lisbon"]
    assert trip.tags == ["Travel", "Portugal 2023"]
    assert trip.properties == {
        "links": ["https://example.org/tram-28"],
        "color": "blue",
        "pinned": "yes",
        "archived": "yes",
        "shared with": ["ana@example.org"],
    }
    assert "- [Tram 28 — a guide](<https://example.org/tram-28>)" in trip.body
    # The JSON names 1a2b3c4d5e.jpeg; Takeout saved it as .jpg.
    [att] = trip.attachments
    assert att.name == "1a2b3c4d5e.jpg" and att.mime == "image/jpeg"
    if shape == "zip":
        assert att.data == fx.JPEG and att.path is None
    else:
        assert att.path is not None and Path(att.path).read_bytes() == fx.JPEG and att.data is None
    assert trip.body.endswith("![1a2b3c4d5e.jpg](<1a2b3c4d5e.jpg>)")
    assert fingerprints(keep, path) == {k: d.fingerprint() for k, d in docs.items()}


def test_keep_sets_aside_broken_notes_and_reads_the_rest(tmp_path: Path) -> None:
    folder = fx.keep_takeout(tmp_path) / "Keep"
    (folder / "Latin.json").write_bytes(
        '{"title": "café", "textContent": "x", "createdTimestampUsec": 1}'.encode("latin-1")
    )
    (folder / "Broken.json").write_text('{"title": "half')
    (folder / "Other.json").write_text('{"name": "not a note"}')
    (folder / "Deep.json").write_text("[" * 200_000 + "]" * 200_000)
    docs, skipped = read(keep, folder)
    assert len(docs) == 3
    reasons = {s.key: s.reason for s in skipped}
    assert reasons["Latin.json"] == "Latin.json is not UTF-8 text; it was left out."
    assert reasons["Broken.json"] == "Broken.json is not valid JSON; it was left out."
    assert reasons["Other.json"] == "Other.json is not a Google Keep note; it was left out."
    assert reasons["Deep.json"] == "Deep.json is not valid JSON; it was left out."


def test_an_older_html_only_keep_takeout_says_what_to_do(tmp_path: Path) -> None:
    folder = fx.keep_takeout(tmp_path) / "Keep"
    for p in folder.glob("*.json"):
        p.unlink()
    with pytest.raises(Unreadable) as exc:
        list(keep.read_export(folder.parent))
    assert str(exc.value) == (
        "Takeout holds Keep notes only as web pages (.html), as older Takeouts did; Reverie reads the notes' .json "
        "files that Takeout writes today: export Keep again at takeout.google.com."
    )


def test_keep_without_notes_is_unreadable_and_not_claimed(tmp_path: Path) -> None:
    (tmp_path / "Keep").mkdir()
    with pytest.raises(Unreadable) as exc:
        list(keep.read_export(tmp_path / "Keep"))
    assert str(exc.value) == "Keep holds no Google Keep notes (no Keep folder of .json notes); nothing was brought in."
    (tmp_path / "Keep" / "settings.json").write_text('{"theme": "dark"}')
    assert not keep.claims(tmp_path) and not keep.claims(tmp_path / "Keep")
    assert read(keep, tmp_path / "Keep") == (
        {},
        [Skipped("settings.json", "settings.json is not a Google Keep note; it was left out.")],
    )


# -- Day One --------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["zip", "folder", "json"])
def test_dayone_keeps_dates_places_weather_tags_and_photos(tmp_path: Path, shape: str) -> None:
    path = {"zip": fx.dayone_zip, "folder": fx.dayone_folder}.get(shape, fx.dayone_folder)(tmp_path)
    if shape == "json":
        path = path / "Journal.json"
    assert dayone.claims(path)
    docs, skipped = read(dayone, path)
    assert skipped == []
    assert list(docs) == list(fx.DAYONE_UUIDS)
    belem = docs[fx.DAYONE_UUIDS[0]]
    assert belem.title == "A day in Belém"
    assert (belem.created, belem.happened, belem.updated) == (1683196200.0, 1683196200.0, 1683198000.0)
    assert belem.tags == ["travel", "Portugal"]
    assert belem.folder == "Journal"
    assert belem.properties == {
        "journal": "Journal",
        "place": "Torre de Belém",
        "locality": "Lisbon",
        "region": "Lisbon",
        "country": "Portugal",
        "coordinates": "38.6916, -9.2159",
        "weather": "Partly Cloudy, 21 °C",
        "time zone": "Europe/Lisbon",
        "starred": "yes",
    }
    name = f"{fx.DAYONE_PHOTO_MD5}.jpeg"
    [photo] = belem.attachments
    assert photo.name == name and photo.mime == "image/jpeg"
    assert (photo.data if shape == "zip" else Path(str(photo.path)).read_bytes()) == fx.JPEG
    assert f"![]({name})" in belem.body and "dayone-moment" not in belem.body
    # An entry without text is named by its day where it was written (6 May in Tokyo, 5 May in UTC).
    tokyo = docs[fx.DAYONE_UUIDS[1]]
    assert tokyo.title == "Sat 6 May 2023" and tokyo.properties["time zone"] == "Asia/Tokyo"
    assert "starred" not in tokyo.properties
    gone = docs[fx.DAYONE_UUIDS[2]]
    assert gone.attachments == [] and gone.updated == gone.created == 1683446400.0
    assert gone.problems == [
        f"Photo gone: the file photos/{'0' * 32}.png is not in the export; the entry came in without it."
    ]
    assert fingerprints(dayone, path) == {k: d.fingerprint() for k, d in docs.items()}


def test_dayone_several_journals_and_one_broken(tmp_path: Path) -> None:
    folder = fx.dayone_folder(tmp_path)
    (folder / "Dreams.json").write_text(
        '{"metadata": {"version": "1.0"}, "entries": [{"uuid": "D1", "creationDate": "2023-01-02T03:04:05Z",'
        ' "text": "Flying"}]}'
    )
    (folder / "Broken.json").write_text('{"metadata": {}, "entries": {"x": 1}}')
    docs, skipped = read(dayone, folder)
    assert docs["D1"].folder == "Dreams" and docs["D1"].properties == {"journal": "Dreams"}
    assert len(docs) == 4
    assert skipped == [
        Skipped(
            "Broken.json",
            "Broken.json is not a Day One export: it has no list of entries; nothing was brought in from it.",
        )
    ]


def test_dayone_broken_journal_files_say_why(tmp_path: Path) -> None:
    bad = fx.broken_files(tmp_path)
    with pytest.raises(Unreadable) as exc:
        list(dayone.read_export(bad["latin1_json"]))
    assert str(exc.value) == "Journal.json is not UTF-8 text; it was left out."
    with pytest.raises(Unreadable) as exc:
        list(dayone.read_export(bad["wrong_shape"]))
    assert str(exc.value) == (
        "other.json is not a Day One export: it has no list of entries; nothing was brought in from it."
    )
    assert not dayone.claims(bad["bad_zip"])


# -- Notion ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("stored_part", [False, True], ids=["deflated-part", "stored-part"])
def test_notion_reads_pages_subpages_databases_links_images_and_nested_zips(tmp_path: Path, stored_part: bool) -> None:
    path = fx.notion_zip(tmp_path, stored_part=stored_part)
    assert notion.claims(path)
    docs, skipped = read(notion, path)
    ids = fx.NOTION_IDS
    assert set(docs) == {ids["trip"], ids["packing"], ids["reading"], ids["dune"], ids["atlas"], ids["ideas"]}
    assert [s.key for s in skipped] == ["../escape.md"]
    assert "points outside the export" in skipped[0].reason
    trip = docs[ids["trip"]]
    assert trip.title == "Trip to Lisbon" and trip.folder == ""
    assert "See [[Packing list]] and the [[Reading list|reading list]]." in trip.body
    assert trip.links == ["Packing list", "Reading list"]
    assert "![tram.png](tram.png)" in trip.body and "[the site](https://example.org/lisbon)" in trip.body
    [img] = trip.attachments
    assert (img.name, img.mime, img.data) == ("tram.png", "image/png", fx.PNG)
    packing = docs[ids["packing"]]
    assert packing.folder == "Trip to Lisbon" and packing.links == ["Trip to Lisbon"]
    assert packing.body.startswith("- [ ] passport\n- [x] charger")
    dune = docs[ids["dune"]]
    assert dune.folder == "Reading list" and dune.tags == ["sci-fi", "classics"]
    assert dune.properties == {"Author": "Frank Herbert"}
    assert dune.created == fx.datetime(2023, 5, 4, 10, 30).timestamp() == dune.happened
    assert dune.updated == fx.datetime(2023, 5, 6, 21, 15).timestamp()
    assert dune.body.startswith("A desert planet.") and "Author:" not in dune.body
    assert dune.links == ["Atlas of Remote Islands"]
    table = docs[ids["reading"]]
    assert table.title == "Reading list" and table.body == "- [[Dune]]\n- [[Atlas of Remote Islands]]"
    assert table.properties == {"columns": ["Name", "Author", "Tags", "Created", "Last edited time"]}
    assert docs[ids["ideas"]].title == "Ideas"  # from the Part-2 zip inside the zip
    assert not any("never be read" in d.body for d in docs.values())
    assert fingerprints(notion, path) == {k: d.fingerprint() for k, d in docs.items()}


def test_notion_export_unzipped_to_its_part_zips(tmp_path: Path) -> None:
    outer = fx.notion_zip(tmp_path)
    folder = tmp_path / "unzipped"
    folder.mkdir()
    with zipfile.ZipFile(outer) as zf:
        part = next(n for n in zf.namelist() if n.endswith(".zip"))
        (folder / part).write_bytes(zf.read(part))
    (folder / "Export-6c1e2b7a-9f0d-4c1b-8e2a-3d4f5a6b7c8d-Part-3.zip").write_bytes(b"not a zip")
    assert notion.claims(folder)
    docs, skipped = read(notion, folder)
    assert [d.title for d in docs.values()] == ["Ideas"]
    assert [s.reason for s in skipped] == [
        "Export-6c1e2b7a-9f0d-4c1b-8e2a-3d4f5a6b7c8d-Part-3.zip in unzipped is not a zip archive or is damaged; "
        "it was left out."
    ]


def test_a_compressed_part_zip_too_big_to_read_in_memory_is_set_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exporttree, "MAX_NESTED_ZIP_BYTES", 10)
    path = fx.notion_zip(tmp_path)
    docs, skipped = read(notion, path)
    assert fx.NOTION_IDS["ideas"] not in docs and fx.NOTION_IDS["trip"] in docs
    part = "Export-6c1e2b7a-9f0d-4c1b-8e2a-3d4f5a6b7c8d-Part-2.zip"
    assert (
        Skipped(
            part,
            f"{part} is a zip too big to read inside {path.name}; it was left out (unzip {path.name} and bring in {part} itself).",
        )
        in skipped
    )
    # A stored part is read in place, whatever its size.
    docs, _ = read(notion, fx.notion_zip(tmp_path / "stored", stored_part=True))
    assert fx.NOTION_IDS["ideas"] in docs


def test_notion_a_title_column_is_not_a_property(tmp_path: Path) -> None:
    path = tmp_path / "Export-t.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"Db {'7' * 32}.csv", "Title,Stage\nA,new\n")
        zf.writestr(f"Db {'7' * 32}/A {'8' * 32}.md", "# A\n\nTitle: A\nStage: new\n\nbody")
    docs, _ = read(notion, path)
    assert (docs["8" * 32].properties, docs["8" * 32].body) == ({"Stage": "new"}, "body")


def test_notion_links_with_parentheses_and_relations(tmp_path: Path) -> None:
    path = tmp_path / "Export-l.zip"
    old, new = "9" * 32, "a" * 32
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"Notes (old) {old}.md", "# Notes (old)\n\nhello")
        zf.writestr(f"New {new}.md", f"# New\n\nSee [the old notes](Notes%20(old)%20{old}.md) and [[[x]]]")
    docs, _ = read(notion, path)
    assert docs[new].body == "See [[Notes (old)|the old notes]] and [[[x]]]" and docs[new].links == ["Notes (old)"]
    ref = f"Dune (Reading%20list/Dune%20{old}.md), Atlas of Remote Islands (Atlas%20{new}.md)"
    assert notion.relations(ref) == ["Dune", "Atlas of Remote Islands"]
    assert notion.relations("some (text)") == [] and notion.relations("(a.md)") == []


def test_notion_a_page_that_is_not_a_database_row_keeps_its_colon_lines(tmp_path: Path) -> None:
    path = tmp_path / "Export-x.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"Memo {'4' * 32}.md", "# Memo\n\nNote: call Ana\n\nText")
        zf.writestr("loose/Readme.md", "Just text")
    docs, _ = read(notion, path)
    assert docs["4" * 32].body == "Note: call Ana\n\nText" and docs["4" * 32].properties == {}
    assert docs["loose/Readme.md"].title == "Readme" and docs["loose/Readme.md"].folder == "loose"


def test_notion_zip_bomb_and_invalid_zip(tmp_path: Path) -> None:
    docs, skipped = read(notion, fx.zip_bomb(tmp_path))
    assert [d.title for d in docs.values()] == ["Ok page"]
    assert [s.reason for s in skipped] == [
        f"Bomb {fx.NOTION_IDS['dune']}.md in Export-bomb.zip unpacks to far more than its size "
        "(it looks like a zip bomb); it was left out."
    ]
    bad = fx.broken_files(tmp_path / "bad")["bad_zip"]
    assert not notion.claims(bad)
    with pytest.raises(Unreadable) as exc:
        list(notion.read_export(bad))
    assert str(exc.value) == "Export-0000.zip is not a zip archive or is damaged; nothing was brought in."


def test_a_member_larger_than_the_limit_is_set_aside_before_it_is_inflated(tmp_path: Path) -> None:
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("a.md", b"x" * 2000)
        zf.writestr("b.md", b"y" * 10)
    with exporttree.open_tree(path, limit=1000) as tree:
        assert list(tree.entries) == ["b.md"]
        assert [s.reason for s in tree.skipped] == [
            "a.md in big.zip is larger than Reverie reads (0 MB); it was left out."
        ]
        entry = tree.entries["b.md"]
        with pytest.raises(Unreadable, match="larger than Reverie reads"):
            tree.read(entry, limit=5)
    assert (
        exporttree.unsafe_name("/etc/passwd") and exporttree.unsafe_name("a/../../b") and exporttree.unsafe_name("C:x")
    )
    assert not exporttree.unsafe_name("a/b..c.md")


def test_notion_dates_as_notion_writes_them() -> None:
    assert notion.notion_date("May 4, 2023 10:30 AM") == fx.datetime(2023, 5, 4, 10, 30).timestamp()
    assert notion.notion_date("May 4, 2023") == fx.datetime(2023, 5, 4).timestamp()
    assert notion.notion_date("2023/05/04 10:30") == fx.datetime(2023, 5, 4, 10, 30).timestamp()
    assert notion.notion_date("May 4, 2023 → May 6, 2023") == fx.datetime(2023, 5, 4).timestamp()
    assert notion.notion_date("someday") is None and notion.notion_date("May 4, 1066") is None
    assert notion.strip_id(f"Trip {'a' * 32}.md") == ("Trip.md", "a" * 32)
    assert notion.strip_id(f"Tasks {'b' * 32}_all.csv") == ("Tasks_all.csv", "b" * 32)


# -- Logseq ---------------------------------------------------------------------------------------


def test_logseq_keeps_journal_days_outlines_properties_links_and_tags(tmp_path: Path) -> None:
    graph = fx.logseq_graph(tmp_path)
    assert logseq.claims(graph) and not logseq.claims(tmp_path)
    docs, skipped = read(logseq, graph)
    assert skipped == []
    assert set(docs) == {
        "journals/2023_05_04.md",
        "journals/2023_05_05.md",
        "pages/projects___kitchen.md",
        "pages/books%2Fdune.md",
    }
    day = docs["journals/2023_05_04.md"]
    assert day.title == "Thu 4 May 2023" and day.folder == "journals"
    assert day.created == day.happened == fx.local_day(2023, 5, 4)
    assert day.properties == {"mood": "tired", "aliases": ["May 4th, 2023", "2023-05-04"]}
    assert day.tags == ["long trip", "travel"]
    assert day.links == ["Belém", "Ana Costa", "long trip"]
    assert day.body == (
        "- Walked to [[Belém]] with [[Ana Costa]] #travel\n"
        "  - Tower was closed\n"
        "    - Came back at 6\n"
        "- [ ] book the train\n"
        "- [x] pay the hotel\n"
        "- See ((64a1b2c3-0000-4000-8000-000000000001)) and #[[long trip]]\n"
        "- ![tram](tram_1683196200.png)"
    )
    [png] = day.attachments
    assert png.name == "tram_1683196200.png" and Path(str(png.path)).read_bytes() == fx.PNG
    kitchen = docs["pages/projects___kitchen.md"]
    assert kitchen.title == "projects/kitchen" and kitchen.tags == ["home", "renovation"]
    assert kitchen.properties == {"status": "doing", "aliases": ["Kitchen"]}
    assert kitchen.body == "- Tiles from [[Azulejo shop]]\n  - blue and white"
    assert kitchen.links == ["Azulejo shop"] and kitchen.created is None
    dune = docs["pages/books%2Fdune.md"]
    assert dune.title == "books/dune" and dune.body == "- Spice must flow"
    assert dune.properties == {"type": ["book"], "author": ["Frank Herbert", "Brian Herbert"]}
    assert dune.links == ["book", "Frank Herbert", "Brian Herbert"]
    assert not any("backup" in d.body or "deleted" in d.body for d in docs.values())
    assert fingerprints(logseq, graph) == {k: d.fingerprint() for k, d in docs.items()}


def test_logseq_code_blocks_keep_their_lines_and_org_pages_are_set_aside(tmp_path: Path) -> None:
    graph = fx.logseq_graph(tmp_path)
    (graph / "pages" / "code.md").write_text(
        "- A snippet\n\t- ```clojure\n\t  key:: not a property\n\t  TODO x\n\t  ```\n"
    )
    (graph / "pages" / "old.org").write_text("* An org page\n")
    (graph / "pages" / "own.md").write_text("- a block\n  title:: not the page's\n  Tags:: x\n")
    docs, skipped = read(logseq, graph)
    code = docs["pages/code.md"]
    assert code.properties == {}
    own = docs["pages/own.md"]  # no property a note cannot keep (its own title and tags are fields)
    assert (own.title, own.tags, own.properties, own.body) == ("own", ["x"], {}, "- a block")
    assert code.body == "- A snippet\n  - ```clojure\n    key:: not a property\n    TODO x\n    ```"
    assert skipped == [
        Skipped("pages/old.org", "pages/old.org is an Org-mode page, which Reverie does not read; it was left out.")
    ]


def test_logseq_names_and_property_values() -> None:
    assert logseq.page_name("a___b") == "a/b" == logseq.page_name("a%2Fb")
    assert logseq.prop_value("related", "[[a]], [[b c]]") == ["a", "b c"]
    assert logseq.prop_value("tags", "a, #b, [[c d]]") == ["a", "b", "c d"]
    assert logseq.prop_value("note", "see [[a]] later") == "see [[a]] later"


def test_logseq_non_utf8_page_and_a_symlink_loop(tmp_path: Path) -> None:
    graph = fx.logseq_broken(tmp_path)
    docs, skipped = read(logseq, graph)
    assert skipped == [Skipped("pages/latin1.md", "pages/latin1.md is not UTF-8 text; it was left out.")]
    assert len(docs) == 4  # the others still come in; the links to the graph are not followed


def test_logseq_not_a_graph_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(Unreadable) as exc:
        list(logseq.read_export(tmp_path))
    assert (
        str(exc.value)
        == f"{tmp_path.name} is not a Logseq graph (it has no logseq/config.edn); nothing was brought in."
    )


# -- every reader on garbage ------------------------------------------------------------------------


def _garbage(tmp_path: Path) -> list[Path]:
    out = [*fx.broken_files(tmp_path / "broken").values()]
    (tmp_path / "empty").mkdir()
    out.append(tmp_path / "empty")
    out.append(tmp_path / "missing.zip")
    rnd = tmp_path / "random.zip"
    rnd.write_bytes(os.urandom(4096))
    out.append(rnd)
    mixed = tmp_path / "mixed.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Keep/x.json", b"\xff\xfe")
        zf.writestr("Journal.json", b"[1, 2]")
        zf.writestr(f"p {'5' * 32}.md", b"\xff")
        zf.writestr(f"d {'6' * 32}.csv", b'a,"b\n\xff')
        zf.writestr("inner.zip", b"PK not a zip")
    data = bytearray(buf.getvalue())
    mixed.write_bytes(bytes(data))
    out.append(mixed)
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(bytes(data[: len(data) // 2]))
    out.append(truncated)
    return out


@pytest.mark.parametrize("module", READERS, ids=lambda m: m.KIND)
def test_no_reader_raises_anything_but_a_sentence_on_garbage(tmp_path: Path, module: ModuleType) -> None:
    for path in _garbage(tmp_path):
        module.claims(path)  # never raises
        try:
            items = list(module.read_export(path))
        except Unreadable as exc:
            assert str(exc).endswith(".") and "\n" not in str(exc)
            continue
        for item in items:
            if isinstance(item, Skipped):
                assert item.reason.endswith(".") and "Traceback" not in item.reason


# -- through the pipeline, into a real vault ----------------------------------------------------------


def _vault_notes(vault: Vault) -> dict[str, dict[str, object]]:
    import json

    with vault.read() as conn:
        return {r[0]: json.loads(r[1]) for r in conn.execute("SELECT title, meta FROM notes")}


@pytest.mark.parametrize("make", ["keep", "dayone", "notion", "logseq"])
def test_each_export_comes_into_a_vault_once(vault: Vault, tmp_path: Path, make: str) -> None:
    from reverie.core.bring.pipeline import bring_in, plan

    path = {
        "keep": fx.keep_takeout_zip,
        "dayone": fx.dayone_zip,
        "notion": fx.notion_zip,
        "logseq": fx.logseq_graph,
    }[make](tmp_path)
    source = plan(path)
    assert source.kind == make
    expected = {"keep": 3, "dayone": 3, "notion": 6, "logseq": 4}[make]
    report = bring_in(vault, source)
    assert report.added == expected, report.problems
    notes = _vault_notes(vault)
    assert len(notes) == expected
    title = {"keep": "Trip to Lisbon", "dayone": "A day in Belém", "notion": "Dune", "logseq": "Thu 4 May 2023"}[make]
    assert title in notes
    attached = {"keep": "1a2b3c4d5e.jpg", "dayone": f"{fx.DAYONE_PHOTO_MD5}.jpeg", "notion": "tram.png"}
    with vault.read() as conn:
        rows = conn.execute(
            "SELECT n.title, a.name, length(a.data) FROM attachments a JOIN notes n ON n.id = a.note_id"
        ).fetchall()
    if make in attached:
        assert (attached[make], len(fx.JPEG if make != "notion" else fx.PNG)) in {(r[1], r[2]) for r in rows}
    else:
        assert [(r[0], r[1]) for r in rows] == [("Thu 4 May 2023", "tram_1683196200.png")]
    again = bring_in(vault, plan(path))
    assert (again.added, again.updated, again.unchanged) == (0, 0, expected)


def test_odd_values_in_keep_and_day_one_json_are_sentences_or_left_out(tmp_path: Path) -> None:
    import json

    odd: list[object] = [None, 5, -1, 1e308, "x", [], {}, [1, None], {"a": [None]}, True]
    keep_dir = tmp_path / "Keep"
    keep_dir.mkdir()
    fields = ["title", "textContent", "listContent", "labels", "annotations", "attachments", "color", "sharees"]
    fields += ["createdTimestampUsec", "userEditedTimestampUsec", "isTrashed"]
    entries = []
    for i, value in enumerate(odd):
        note: dict[str, object] = {f: value for f in fields}
        note["userEditedTimestampUsec"] = value if i % 2 else 1683196200000000
        (keep_dir / f"n{i}.json").write_text(json.dumps(note))
        entry: dict[str, object] = {k: value for k in ("text", "tags", "location", "weather", "photos", "timeZone")}
        entry.update(uuid=value if i % 3 else f"U{i}", creationDate=value if i % 2 else "2023-05-04T10:30:00Z")
        entries.append(entry)
    entries += odd
    (tmp_path / "Journal.json").write_text(json.dumps({"metadata": {}, "entries": entries}))
    for module, path in ((keep, keep_dir), (dayone, tmp_path / "Journal.json")):
        items = list(module.read_export(path))
        assert items, module.KIND
        for item in items:
            if isinstance(item, Doc):
                assert isinstance(item.title, str) and item.title and isinstance(item.body, str)
                assert all(isinstance(t, str) for t in item.tags)
                assert item.created is None or isinstance(item.created, float)
            else:
                assert item.reason.endswith("it was left out.")


@pytest.mark.parametrize("module", READERS[:3], ids=lambda m: m.KIND)
def test_damaged_copies_of_each_zip_never_raise_more_than_a_sentence(tmp_path: Path, module: ModuleType) -> None:
    import random

    make = {"keep": fx.keep_takeout_zip, "dayone": fx.dayone_zip, "notion": fx.notion_zip}[module.KIND]
    data = make(tmp_path / "src").read_bytes()
    rnd = random.Random(17)
    for i in range(40):
        damaged = bytearray(data)
        for _ in range(rnd.randint(1, 8)):
            damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
        if i % 4 == 0:
            damaged = damaged[: rnd.randrange(len(damaged))]
        path = tmp_path / f"Export-{i}.zip"
        path.write_bytes(bytes(damaged))
        module.claims(path)
        try:
            items = list(module.read_export(path))
        except Unreadable as exc:
            assert str(exc).endswith(".")
            continue
        assert all(isinstance(item, Doc | Skipped) for item in items)
