"""The web page and Evernote readers on real files (see ``bring_docs_fixtures``): what each keeps and
the one sentence for each broken input. PDF and DOCX, and the garbage test of all four, are in
``test_readers_docs``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import bring_docs_fixtures as fx
import pytest

from reverie.core.bring.doc import Doc, MissingPart, Skipped, Unreadable
from reverie.core.bring.readers import enex, html

# -- HTML -----------------------------------------------------------------------------------------


def test_web_page_keeps_its_text_and_meta(tmp_path: Path) -> None:
    doc = html.read_file(fx.html_file(tmp_path), "web/tomatoes.html")
    assert doc.kind == "html" and doc.title == "How to grow tomatoes"
    assert doc.properties == {
        "source": "https://example.org/tomatoes",
        "description": "A short guide to tomatoes.",
        "author": "Ben Okafor",
        "published": "2021-06-01T08:00:00+00:00",
    }
    assert doc.tags == ["garden", "tomatoes"]
    assert doc.created == 1622534400.0
    assert doc.links == ["web/notes/compost.html"]
    assert doc.body.startswith("# Growing tomatoes\n\nTomatoes need **sun** and *water*.")
    assert "[soil guide](https://example.org/soil)" in doc.body
    assert "- Stake them\n- Pinch the side shoots" in doc.body
    assert doc.body.endswith("[x] watered today")
    for hidden in ("SECRET-SCRIPT", "NAVTEXT", "FOOTERTEXT", "COMMENTTEXT", "color: red"):
        assert hidden not in doc.body


def test_web_page_without_title_takes_its_first_h1(tmp_path: Path) -> None:
    path = tmp_path / "t.html"
    path.write_text("<html><body><p>intro</p><h1>The heading</h1></body></html>", encoding="utf-8")
    assert html.read_file(path, "t.html").title == "The heading"
    path.write_text("<p>Just a line of text</p>", encoding="utf-8")
    assert html.read_file(path, "t.html").title == "Just a line of text"
    path.write_text("<head><title>Only head</title><style>p{}</style></head><p>No body tag</p>", encoding="utf-8")
    doc = html.read_file(path, "t.html")
    assert (doc.title, doc.body) == ("Only head", "No body tag")


def test_saved_page_keeps_its_address_and_local_images(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    doc = html.read_file(fx.saved_page(folder), "Saved Page.html")
    assert doc.title == "A day at the lake"
    assert doc.properties["source"] == "https://blog.example.com/post/42"
    image = folder / "Saved Page_files" / "photo one.png"
    assert [(a.name, a.mime, a.path, a.data) for a in doc.attachments] == [
        ("Saved Page_files/photo one.png", "image/png", str(image.resolve()), None)
    ]
    assert "![the lake](Saved%20Page_files/photo%20one.png)" in doc.body
    assert "![remote](https://cdn.example.com/remote.png)" in doc.body  # remote images stay links
    assert doc.problems == ["An image of Saved Page.html lies outside its folder (../outside.png); it was left out."]


def test_web_archive_keeps_its_page_address_and_images(tmp_path: Path) -> None:
    doc = html.read_file(fx.mhtml_archive(tmp_path), "saved/lake.mhtml")
    assert (doc.key, doc.kind, doc.title) == ("saved/lake.mhtml", "html", "A day at the lake")
    assert doc.properties == {"source": "https://blog.example.com/lake"}
    assert [(a.name, a.mime, a.data, a.path) for a in doc.attachments] == [
        ("lake view.png", "image/png", fx.png_bytes(3, 3), None),
        ("image-2.png", "image/png", fx.png_bytes(2, 2, (0, 0, 0)), None),
    ]
    assert doc.body == (
        "# The lake\n\nCold water, \u00e9t\u00e9 warm sun.\n\n![](lake%20view.png)![](image-2.png)"
        "![](https://elsewhere.example.com/missing.png)"
    )


def test_web_archive_image_over_the_limit_and_not_an_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reverie.core.bring.readers import mhtml

    monkeypatch.setattr(mhtml, "MAX_ATTACHMENT_BYTES", 70)
    doc = html.read_file(fx.mhtml_archive(tmp_path), "lake.mhtml")
    assert [a.name for a in doc.attachments] == ["image-2.png"]
    assert doc.problems == [
        "The image lake view.png in lake.mhtml is 73 bytes, more than the 70 bytes an attachment may be; it was left out."
    ]
    plain = tmp_path / "plain.mht"
    plain.write_text("<html><body>not MIME</body></html>", encoding="utf-8")
    with pytest.raises(Unreadable) as err:
        html.read_file(plain, "plain.mht")
    assert str(err.value) == "plain.mht is not a web archive with a page in it; it was left out."


def test_web_page_in_its_declared_legacy_charset(tmp_path: Path) -> None:
    doc = html.read_file(fx.cp1252_html(tmp_path), "legacy.htm")
    assert doc.title == "Café notes"
    assert doc.body == "“Café” – crème brûlée €5"


def test_latin1_declaration_is_read_as_windows_1252() -> None:
    data = '<meta charset="iso-8859-1"><p>\u201cok\u201d</p>'.encode("cp1252")
    assert "\u201cok\u201d" in html.decode_html(data, "x.html")
    xhtml = b'<?xml version="1.0" encoding="ISO-8859-15"?><html><body><p>\xa4 5</p></body></html>'
    assert "\u20ac 5" in html.decode_html(xhtml, "x.xhtml")  # the XML declaration names the charset
    assert html.decode_html(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>", "bom.html") == "<p>caf\u00e9</p>"


def test_web_page_neither_utf8_nor_declared_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(Unreadable) as err:
        html.read_file(fx.not_utf8_html(tmp_path), "mystery.html")
    assert str(err.value) == "mystery.html is not UTF-8 text and declares no encoding; it was left out."


def test_html_to_markdown_helper() -> None:
    text = html.html_to_markdown(
        "<h2>Plan</h2><script>x()</script><ul><li><input type='checkbox' checked> done</li>"
        "<li><input type='checkbox'> open</li></ul><p>a<br>b snake_case</p><!-- hidden -->"
    )
    assert text == "## Plan\n\n- [x] done\n- [ ] open\n\na\\\nb snake_case"


def test_deeply_nested_html_keeps_its_text_without_recursing(tmp_path: Path) -> None:
    depth = 3000  # the Markdown converter recurses a few frames per level: far past Python's limit
    text = html.html_to_markdown("<div><b>top</b>" + "<div>level" * depth + "deepest" + "</div>" * (depth + 1))
    assert text.startswith("**top**") and text.endswith("level leveldeepest")
    assert text.count("level") == depth
    path = tmp_path / "deep.html"
    path.write_text("<ul><li>" * depth + "bottom", encoding="utf-8")
    assert html.read_file(path, "deep.html").body.endswith("bottom")


def test_web_page_needs_markdownify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = fx.html_file(tmp_path)
    monkeypatch.setitem(sys.modules, "markdownify", None)
    with pytest.raises(MissingPart) as err:
        html.read_file(path, "tomatoes.html")
    assert "pip install 'reverie[documents]'" in str(err.value)
    monkeypatch.setitem(sys.modules, "bs4", None)
    with pytest.raises(MissingPart):
        html.html_to_markdown("<p>x</p>")


# -- ENEX -----------------------------------------------------------------------------------------


def _docs(path: Path) -> list[Doc | Skipped]:
    return list(enex.read_export(path))


def test_enex_notes_keep_their_parts(tmp_path: Path) -> None:
    photo, groceries = _docs(fx.enex_file(tmp_path))
    assert isinstance(photo, Doc) and isinstance(groceries, Doc)
    assert photo.key == "Travel.enex#1:Sunset photo" and photo.kind == "enex"
    assert photo.title == "Sunset photo" and photo.folder == "Travel"
    assert photo.created == 1683196200.0 and photo.updated == 1683273600.0
    assert photo.body == "The sunset from the **bridge**:\n\n![sunset.png](sunset.png)"
    assert [(a.name, a.mime, a.data) for a in photo.attachments] == [("sunset.png", "image/png", fx.ENEX_PNG)]
    assert photo.properties == {"notebook": "Travel", "author": "Ana"}

    assert groceries.title == "Groceries & errands"
    assert groceries.tags == ["shopping", "weekly list"]
    assert groceries.body == "- [x] Milk\n- [ ] Bread\n\nSee [the recipe](https://example.org/recipe)."
    assert groceries.properties == {
        "notebook": "Travel",
        "latitude": "38.7223",
        "longitude": "-9.1393",
        "source": "https://example.org/recipe",
        "place": "Lisbon",
    }
    assert groceries.created == 1683702000.0 and groceries.updated == 1683833400.0
    assert groceries.problems == [] and groceries.attachments == []


def test_enex_keys_are_stable_and_a_guid_is_the_key(tmp_path: Path) -> None:
    guid_note = (
        "<note><guid>abc-123</guid><title>With id</title><content><![CDATA[<en-note>x</en-note>]]></content></note>"
    )
    path = fx.enex_file(tmp_path, extra_note=guid_note)
    first, again = _docs(path), _docs(path)
    assert [d.key for d in first] == ["Travel.enex#1:Sunset photo", "Travel.enex#2:Groceries & errands", "abc-123"]
    assert [d.fingerprint() for d in first if isinstance(d, Doc)] == [
        d.fingerprint() for d in again if isinstance(d, Doc)
    ]


def test_enex_bad_notes_are_skipped_or_carry_a_sentence(tmp_path: Path) -> None:
    extra = (
        "<note><title>No body</title></note>"
        "<note><title>Lost picture</title><content><![CDATA[<en-note>see <en-media hash='0123' type='image/png'/>"
        "</en-note>]]></content><resource><data>!!!notbase64</data><mime>image/png</mime></resource></note>"
    )
    docs = _docs(fx.enex_file(tmp_path, extra_note=extra))
    skipped, lost = docs[2], docs[3]
    assert skipped == Skipped(
        "Travel.enex#3:No body", "The note “No body” in Travel.enex has no content; it was left out."
    )
    assert isinstance(lost, Doc) and lost.body == "see" and lost.attachments == []
    assert lost.problems == [
        "The attachment attachment-1.png of The note “Lost picture” in Travel.enex could not be decoded; it was left out.",
        "The note “Lost picture” in Travel.enex refers to an attachment that is not in the export.",
    ]


def test_enex_other_files_are_links_and_encrypted_text_is_a_sentence(tmp_path: Path) -> None:
    import base64
    import hashlib

    data = b"%PDF-1.4 not really"
    digest = hashlib.md5(data).hexdigest()
    extra = (
        f"<note><title>Receipt</title><content><![CDATA[<en-note><div>Paid.</div><en-media hash='{digest}' "
        "type='application/pdf'/><en-crypt cipher='AES'>c2VjcmV0</en-crypt><en-crypt>eA==</en-crypt></en-note>]]>"
        f"</content><resource><data encoding='base64'>{base64.b64encode(data).decode()}</data>"
        "<mime>application/pdf</mime><resource-attributes><file-name>dir/receipt 1.pdf</file-name>"
        "</resource-attributes></resource></note>"
    )
    receipt = _docs(fx.enex_file(tmp_path, extra_note=extra))[2]
    assert isinstance(receipt, Doc)
    assert (
        receipt.body == "Paid.\n\n[receipt 1.pdf](receipt%201.pdf)(encrypted text, left out)(encrypted text, left out)"
    )
    assert [(a.name, a.mime, a.data) for a in receipt.attachments] == [("receipt 1.pdf", "application/pdf", data)]
    assert receipt.problems == ["The note “Receipt” in Travel.enex holds encrypted text, which was left out."]


def test_enex_attachment_over_the_limit_is_a_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(enex, "MAX_ATTACHMENT_BYTES", 10)
    photo = _docs(fx.enex_file(tmp_path))[0]
    assert isinstance(photo, Doc) and photo.attachments == []
    assert (
        photo.problems[0]
        == "The attachment sunset.png of The note “Sunset photo” in Travel.enex is too big to keep; it was left out."
    )


def test_malformed_enex_is_unreadable_after_its_good_notes(tmp_path: Path) -> None:
    notes = enex.read_export(fx.malformed_enex(tmp_path))
    assert isinstance(next(notes), Doc)
    with pytest.raises(Unreadable) as err:
        next(notes)
    assert str(err.value).startswith("Broken.enex is not a well-formed Evernote export (line ")


def test_entity_bomb_is_refused_without_expansion(tmp_path: Path) -> None:
    start = time.perf_counter()
    with pytest.raises(Unreadable) as err:
        _docs(fx.entity_bomb_enex(tmp_path))
    assert time.perf_counter() - start < 0.5
    assert str(err.value) == "Bomb.enex declares its own XML entities, which are not read; it was left out."


def test_enex_that_is_other_xml_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "feed.enex"
    path.write_text("<?xml version='1.0'?><rss><note/></rss>", encoding="utf-8")
    with pytest.raises(Unreadable) as err:
        _docs(path)
    assert str(err.value) == "feed.enex is not an Evernote export; it was left out."


def test_enex_folder_reads_every_notebook_and_skips_a_broken_one(tmp_path: Path) -> None:
    folder = tmp_path / "evernote"
    folder.mkdir()
    fx.enex_file(folder, "Travel.enex")
    fx.entity_bomb_enex(folder, "Bomb.enex")
    fx.enex_file(folder, "Work.enex")
    assert not enex.claims(folder) and enex.claims(folder / "Travel.enex")  # a folder: plan lists each file
    assert not enex.claims(tmp_path / "nothing.txt") and not enex.claims(tmp_path)
    out = _docs(folder)
    assert isinstance(out[0], Skipped) and out[0].key == "Bomb.enex"
    assert [(d.folder, d.key) for d in out[1:] if isinstance(d, Doc)] == [
        ("Travel", "Travel.enex#1:Sunset photo"),
        ("Travel", "Travel.enex#2:Groceries & errands"),
        ("Work", "Work.enex#1:Sunset photo"),
        ("Work", "Work.enex#2:Groceries & errands"),
    ]


def test_enex_needs_markdownify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = fx.enex_file(tmp_path)
    monkeypatch.setitem(sys.modules, "markdownify", None)
    with pytest.raises(MissingPart):
        _docs(path)
    with pytest.raises(MissingPart):
        _docs(tmp_path)  # a folder of exports says so too, instead of skipping each file


def test_enex_dates() -> None:
    assert enex.enex_time("20230504T103000Z") == 1683196200.0
    assert enex.enex_time("2023-05-04") is None and enex.enex_time(None) is None
