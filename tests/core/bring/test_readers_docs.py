"""The PDF and DOCX readers on real files written by those formats' own producers (see
``bring_docs_fixtures``): what each keeps and the one sentence for each broken input; and that
garbage given to any of the four document readers (PDF, DOCX, web page, Evernote) never raises
anything but ``Unreadable``. The web page and Evernote readers are in ``test_readers_docs_web``."""

from __future__ import annotations

import random
import sys
import time
import zipfile
from pathlib import Path

import bring_docs_fixtures as fx
import pytest

from reverie.core.bring.doc import Doc, MissingPart, Skipped, Unreadable
from reverie.core.bring.readers import docx as docx_reader
from reverie.core.bring.readers import enex, html, pdf

# -- PDF ------------------------------------------------------------------------------------------


def test_pdf_pages_slice_each_page_text_exactly(tmp_path: Path) -> None:
    doc = pdf.read_file(fx.text_pdf(tmp_path), "trips/lisbon.pdf")
    assert doc.key == "trips/lisbon.pdf" and doc.kind == "pdf"
    assert [p[0] for p in doc.pages] == [1, 2, 4]  # page 3 is blank: no entry
    slices = [doc.body[start:end] for _, start, end in doc.pages]
    assert "\n\n".join(slices) == doc.body
    assert slices[0] == fx.PDF_PAGES[0]
    assert slices[1] == fx.PDF_PAGES[1] + "\nIt was a wonderful afternoon."  # the line-end hyphen joined
    assert slices[2] == fx.PDF_PAGES[2]
    assert doc.source_file == str((tmp_path / "lisbon.pdf").resolve())


def test_pdf_metadata_gives_title_dates_properties_and_tags(tmp_path: Path) -> None:
    doc = pdf.read_file(fx.text_pdf(tmp_path), "lisbon.pdf")
    assert doc.title == "Lisbon journal"
    assert doc.created == fx.PDF_CREATED.timestamp()
    assert doc.properties == {"author": "Ana Silva", "subject": "Travel", "keywords": "travel, portugal; family"}
    assert doc.tags == ["travel", "portugal", "family"]
    assert doc.problems == []


@pytest.mark.parametrize("title", [None, "Microsoft Word - lisbon.docx", "untitled", "lisbon", "   "])
def test_pdf_without_a_real_title_takes_its_first_line(tmp_path: Path, title: str | None) -> None:
    doc = pdf.read_file(fx.text_pdf(tmp_path, title=title), "lisbon.pdf")
    assert doc.title == "Trip to Lisbon"


def test_encrypted_pdf_is_one_sentence_unless_the_empty_password_opens_it(tmp_path: Path) -> None:
    with pytest.raises(Unreadable) as err:
        pdf.read_file(fx.encrypted_pdf(tmp_path), "secret.pdf")
    assert str(err.value) == "secret.pdf is encrypted; it was left out."
    opened = pdf.read_file(fx.encrypted_pdf(tmp_path, "open.pdf", user_password=""), "open.pdf")
    assert opened.title == "Lisbon journal" and fx.PDF_PAGES[2] in opened.body


def test_image_only_pdf_says_there_is_no_text_layer(tmp_path: Path) -> None:
    with pytest.raises(Unreadable) as err:
        pdf.read_file(fx.image_only_pdf(tmp_path), "scans/scan.pdf")
    assert str(err.value) == "scans/scan.pdf has no text layer; OCR is not available, so it was left out."


def test_blank_pdf_holds_no_text(tmp_path: Path) -> None:
    from fpdf import FPDF

    blank = FPDF()
    blank.add_page()
    blank.output(str(tmp_path / "blank.pdf"))
    with pytest.raises(Unreadable) as err:
        pdf.read_file(tmp_path / "blank.pdf", "blank.pdf")
    assert str(err.value) == "blank.pdf holds no text; it was left out."


def test_damaged_pdfs_are_one_sentence(tmp_path: Path) -> None:
    for path in fx.invalid_pdfs(tmp_path):
        with pytest.raises(Unreadable) as err:
            pdf.read_file(path, path.name)
        assert str(err.value) == f"{path.name} is damaged or is not a PDF; it was left out."


def test_too_big_pdf_is_refused_by_its_size_without_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdf

    def never(*_a: object, **_k: object) -> None:
        raise AssertionError("a file over the limit was opened")

    monkeypatch.setattr(pypdf, "PdfReader", never)
    big = fx.huge_sparse_pdf(tmp_path)
    start = time.perf_counter()
    with pytest.raises(Unreadable) as err:
        pdf.read_file(big, "huge.pdf")
    assert time.perf_counter() - start < 1.0
    assert str(err.value) == "huge.pdf is 200.0 MB, more than the 64.0 MB a document may be; it was left out."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D:20230504103000+02'00'", "2023-05-04T08:30:00+00:00"),
        ("D:20230504103000+02'00", "2023-05-04T08:30:00+00:00"),
        ("D:20230504103000-05'30'", "2023-05-04T16:00:00+00:00"),
        ("D:20230504103000Z", "2023-05-04T10:30:00+00:00"),
        ("D:20230504103000Z00'00'", "2023-05-04T10:30:00+00:00"),
        ("D:20230504103000", "2023-05-04T10:30:00+00:00"),
        ("20230504", "2023-05-04T00:00:00+00:00"),
        ("D:2023", "2023-01-01T00:00:00+00:00"),
    ],
)
def test_pdf_dates_are_parsed(text: str, expected: str) -> None:
    from datetime import datetime

    assert pdf.parse_pdf_date(text) == datetime.fromisoformat(expected).timestamp()


@pytest.mark.parametrize("text", ["", "garbage", "D:", "D:20231304", "D:20230230", "D:20230504103000+99'00'", None, 5])
def test_bad_pdf_dates_are_none(text: object) -> None:
    assert pdf.parse_pdf_date(text) is None


def test_page_text_is_cleaned() -> None:
    raw = "Hello\x00   big \t world\x07\nan exam-\nple of hyphen-\nated text\n\n\n\nNew para  \nUSA-\nBased"
    assert pdf.clean_page_text(raw) == ("Hello big world\nan example of hyphenated text\n\nNew para\nUSA-\nBased")


def test_pdf_needs_pypdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = fx.text_pdf(tmp_path)
    monkeypatch.setitem(sys.modules, "pypdf", None)
    with pytest.raises(MissingPart) as err:
        pdf.read_file(path, "lisbon.pdf")
    assert str(err.value) == "Reading PDF files needs pypdf: pip install 'reverie[documents]'"


# -- DOCX -----------------------------------------------------------------------------------------


def test_docx_becomes_markdown(tmp_path: Path) -> None:
    doc = docx_reader.read_file(fx.docx_file(tmp_path), "plans.docx")
    assert doc.kind == "docx" and doc.key == "plans.docx"
    assert doc.body.startswith("# Garden plans\n\nPlant the **tomatoes** after the *last frost*.\n\n## Shopping\n\n")
    assert "- Seeds\n- Compost\n1. Dig the beds" in doc.body
    assert "See [the tomato guide](https://example.org/tomatoes) and the contents\n" in doc.body
    assert "| Plant | Month |\n| --- | --- |\n| Tomato | May |\n| Bean \\| pole | June |" in doc.body
    assert doc.body.endswith("![image1.png](image1.png)\n\nThe end.")


def test_docx_core_properties_and_images(tmp_path: Path) -> None:
    doc = docx_reader.read_file(fx.docx_file(tmp_path), "plans.docx")
    assert doc.title == "Garden plans"
    assert doc.created == fx.DOCX_CREATED.timestamp() and doc.updated == fx.DOCX_MODIFIED.timestamp()
    assert doc.tags == ["garden", "spring", "Home"]
    assert doc.properties == {
        "author": "Ben Okafor",
        "subject": "Planting",
        "category": "Home",
        "description": "Spring planting notes",
    }
    assert len(doc.attachments) == 1
    image = doc.attachments[0]
    assert (image.name, image.mime, image.data) == ("image1.png", "image/png", fx.png_bytes(8, 8, (30, 160, 60)))
    assert doc.problems == []


def test_docx_image_over_the_limit_is_a_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_reader, "MAX_ATTACHMENT_BYTES", 20)
    doc = docx_reader.read_file(fx.docx_file(tmp_path), "plans.docx")
    assert doc.attachments == [] and "![" not in doc.body
    assert doc.problems == [
        "The image image1.png in plans.docx is 74 bytes, more than the 20 bytes an attachment may be; it was left out."
    ]


def test_docx_content_controls_and_line_breaks_are_kept(tmp_path: Path) -> None:
    doc = docx_reader.read_file(fx.docx_with_content_control(tmp_path), "cover.docx")
    assert doc.body == "Annual report 2024\n\nFirst line\\\nsecond line"
    assert doc.title == "Annual report 2024"


def test_docx_heading_style_in_another_language(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_heading("Einkauf", level=2)
    document.styles["Heading 2"].name = "Überschrift 2"  # the style id stays "Heading2", as German Word writes
    document.add_paragraph("Brot")
    document.save(str(tmp_path / "de.docx"))
    assert docx_reader.read_file(tmp_path / "de.docx", "de.docx").body == "## Einkauf\n\nBrot"


def test_broken_docx_is_one_sentence(tmp_path: Path) -> None:
    for path in fx.invalid_docx(tmp_path):
        with pytest.raises(Unreadable) as err:
            docx_reader.read_file(path, path.name)
        assert str(err.value) == f"{path.name} is damaged or is not a Word document; it was left out."


def test_docx_that_unpacks_too_big_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w/>" + " " * 2_000_000)
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED_BYTES", 1_000_000)
    with pytest.raises(Unreadable) as err:
        docx_reader.read_file(path, "bomb.docx")
    assert str(err.value) == "bomb.docx unpacks to 1.9 MB, more than the 976.6 KB a document may; it was left out."


def test_docx_needs_python_docx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = fx.docx_file(tmp_path)
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(MissingPart) as err:
        docx_reader.read_file(path, "plans.docx")
    assert str(err.value) == "Reading Word documents needs python-docx: pip install 'reverie[documents]'"


# -- garbage --------------------------------------------------------------------------------------


def _mutations(data: bytes, seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    out = [b"", data[:1], data[: len(data) // 2], data[::-1][:200]]
    for _ in range(count):
        buf = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            choice, at = rng.random(), rng.randrange(len(buf))
            if choice < 0.5:
                buf[at] = rng.randrange(256)
            elif choice < 0.75:
                del buf[at : at + rng.randint(1, 64)]
            else:
                buf[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        out.append(bytes(buf))
    return out


def test_garbage_never_raises_anything_but_a_sentence(tmp_path: Path) -> None:
    sources = {
        "pdf": fx.text_pdf(tmp_path).read_bytes(),
        "docx": fx.docx_file(tmp_path).read_bytes(),
        "html": fx.html_file(tmp_path).read_bytes(),
        "enex": fx.enex_file(tmp_path).read_bytes(),
        "mhtml": fx.mhtml_archive(tmp_path).read_bytes(),
    }
    readers = {"pdf": pdf.read_file, "docx": docx_reader.read_file, "html": html.read_file, "mhtml": html.read_file}
    outcomes = {"doc": 0, "unreadable": 0}
    for suffix, data in sources.items():
        for i, mutated in enumerate(_mutations(data, seed=len(suffix), count=40)):
            path = tmp_path / f"m{i}.{suffix}"
            path.write_bytes(mutated)
            try:
                if suffix == "enex":
                    items = list(enex.read_export(path))
                    assert all(isinstance(x, Doc | Skipped) for x in items)
                else:
                    assert isinstance(readers[suffix](path, path.name), Doc)
                outcomes["doc"] += 1
            except Unreadable as exc:
                assert path.name in str(exc) and str(exc).endswith(".")
                outcomes["unreadable"] += 1
    assert outcomes["doc"] > 0 and outcomes["unreadable"] > 0
