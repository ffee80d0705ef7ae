"""Real files of other formats for the reader tests, each written by its format's own producer:
PDFs by fpdf2 (and pypdf for encryption), DOCX by python-docx, HTML and ENEX as those apps write them.

Each function writes one fixture into ``folder`` and returns its path."""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

PDF_PAGES = [
    "Trip to Lisbon\nWe arrived on a grey morning and walked along the river to the old town.",
    "The second day we took the tram up the hill. The view from the castle was worth the climb.",
    "On the last evening we ate grilled sardines near the harbour and talked until midnight.",
]
PDF_CREATED = datetime(2023, 5, 4, 10, 30, 0, tzinfo=UTC)


def png_bytes(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (200, 80, 40)) -> bytes:
    """A small valid PNG image, written with zlib and struct."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# -- PDF ------------------------------------------------------------------------------------------


def text_pdf(folder: Path, name: str = "lisbon.pdf", *, title: str | None = "Lisbon journal") -> Path:
    """Three pages of text, with a title, an author, a subject, keywords and a creation date; page 2
    is followed by a blank page (no text) and the text holds a word hyphenated at a line's end."""
    from fpdf import FPDF

    pdf = FPDF()
    if title is not None:
        pdf.set_title(title)
    pdf.set_author("Ana Silva")
    pdf.set_subject("Travel")
    pdf.set_keywords("travel, portugal; family")
    pdf.set_creation_date(PDF_CREATED)
    pdf.set_font("Helvetica", size=12)
    for i, text in enumerate(PDF_PAGES):
        pdf.add_page()
        for line in text.split("\n"):
            pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
        if i == 1:
            pdf.cell(0, 10, "It was a wonder-", new_x="LMARGIN", new_y="NEXT")
            pdf.cell(0, 10, "ful afternoon.", new_x="LMARGIN", new_y="NEXT")
            pdf.add_page()  # a blank page: no entry in Doc.pages
    path = folder / name
    pdf.output(str(path))
    return path


def encrypted_pdf(folder: Path, name: str = "secret.pdf", user_password: str = "s3cret") -> Path:
    """A text PDF encrypted by pypdf; with an empty user password it opens without one."""
    from pypdf import PdfReader, PdfWriter

    plain = text_pdf(folder, "plain-for-" + name)
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password, owner_password="owner-pass")
    path = folder / name
    with path.open("wb") as f:
        writer.write(f)
    plain.unlink()
    return path


def image_only_pdf(folder: Path, name: str = "scan.pdf") -> Path:
    """One page holding a picture and no text, as a scanner writes it."""
    from fpdf import FPDF

    png = folder / "scan-page.png"
    png.write_bytes(png_bytes(40, 60, (240, 240, 230)))
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(png), x=10, y=10, w=180)
    path = folder / name
    pdf.output(str(path))
    png.unlink()
    return path


def invalid_pdfs(folder: Path) -> list[Path]:
    """Files named .pdf that are not readable PDFs: random bytes, a real PDF cut in half, an empty file."""
    good = text_pdf(folder, "whole.pdf").read_bytes()
    cut = folder / "truncated.pdf"
    cut.write_bytes(good[: len(good) // 3])
    noise = folder / "noise.pdf"
    noise.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(4096)))
    empty = folder / "empty.pdf"
    empty.write_bytes(b"")
    (folder / "whole.pdf").unlink()
    return [cut, noise, empty]


def huge_sparse_pdf(folder: Path, name: str = "huge.pdf", size: int = 200 * 1024 * 1024) -> Path:
    """A sparse 200 MB file with a .pdf suffix: it must be refused by its size without being read."""
    path = folder / name
    with path.open("wb") as f:
        f.truncate(size)
    return path


# -- DOCX -----------------------------------------------------------------------------------------

DOCX_CREATED = datetime(2022, 3, 1, 9, 0, 0, tzinfo=UTC)
DOCX_MODIFIED = datetime(2022, 3, 2, 18, 15, 0, tzinfo=UTC)


def _add_hyperlink(paragraph: object, url: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    part = paragraph.part  # type: ignore[attr-defined]
    r_id = part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)  # type: ignore[attr-defined]


def _add_anchor_link(paragraph: object, anchor: str, text: str) -> None:
    """A link to a bookmark in the document itself, as a table of contents writes."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)  # type: ignore[attr-defined]


def docx_file(folder: Path, name: str = "plans.docx") -> Path:
    """Headings, a bulleted and a numbered list, bold and italic runs, a hyperlink, a table, an
    embedded PNG and core properties."""
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    props = doc.core_properties
    props.title = "Garden plans"
    props.author = "Ben Okafor"
    props.created = DOCX_CREATED.replace(tzinfo=None)
    props.modified = DOCX_MODIFIED.replace(tzinfo=None)
    props.keywords = "garden, spring"
    props.category = "Home"
    props.subject = "Planting"
    props.comments = "Spring planting notes"
    doc.add_heading("Garden plans", level=1)
    p = doc.add_paragraph("Plant the ")
    p.add_run("tomatoes").bold = True
    p.add_run(" after the ")
    p.add_run("last frost").italic = True
    p.add_run(".")
    doc.add_heading("Shopping", level=2)
    doc.add_paragraph("Seeds", style="List Bullet")
    doc.add_paragraph("Compost", style="List Bullet")
    doc.add_paragraph("Dig the beds", style="List Number")
    link_para = doc.add_paragraph("See ")
    _add_hyperlink(link_para, "https://example.org/tomatoes", "the tomato guide")
    _add_anchor_link(link_para, "_Toc1", " and the contents")
    table = doc.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate([("Plant", "Month"), ("Tomato", "May"), ("Bean | pole", "June")]):
        table.cell(r, 0).text = a
        table.cell(r, 1).text = b
    png = folder / "bed.png"
    png.write_bytes(png_bytes(8, 8, (30, 160, 60)))
    doc.add_picture(str(png), width=Inches(1))
    doc.add_paragraph("The end.")
    path = folder / name
    doc.save(str(path))
    png.unlink()
    return path


def docx_with_content_control(folder: Path, name: str = "cover.docx") -> Path:
    """A cover line inside a content control (``w:sdt``, as Word's cover pages are) and a paragraph
    with a line break, a tab and runs of spaces."""
    from docx import Document
    from docx.oxml import OxmlElement

    doc = Document()
    cover = doc.add_paragraph("Annual   report 2024")
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    cover._p.addprevious(sdt)
    content.append(cover._p)
    sdt.append(content)
    para = doc.add_paragraph("First line")
    run = para.add_run()
    run.add_break()
    run.add_text("second\tline")
    path = folder / name
    doc.save(str(path))
    return path


def invalid_docx(folder: Path) -> list[Path]:
    """Files named .docx that are not documents: plain text, a zip cut short, a zip without a document."""
    import zipfile

    text = folder / "notes.docx"
    text.write_text("just text, not a zip\n", encoding="utf-8")
    good = docx_file(folder, "whole.docx").read_bytes()
    cut = folder / "cut.docx"
    cut.write_bytes(good[: len(good) // 2])
    other = folder / "other.docx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("hello.txt", "not a document")
    (folder / "whole.docx").unlink()
    return [text, cut, other]


# -- HTML -----------------------------------------------------------------------------------------

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>How to grow tomatoes</title>
<meta name="description" content="A short guide to tomatoes.">
<meta name="author" content="Ben Okafor">
<meta name="keywords" content="garden, tomatoes">
<meta property="article:published_time" content="2021-06-01T08:00:00+00:00">
<meta property="og:url" content="https://example.org/tomatoes">
<link rel="canonical" href="https://example.org/tomatoes">
<style>body { color: red }</style>
<script>var tracking = "SECRET-SCRIPT";</script>
</head><body>
<nav><a href="/">Home</a> | <a href="/about">About NAVTEXT</a></nav>
<!-- a comment COMMENTTEXT -->
<h1>Growing tomatoes</h1>
<p>Tomatoes need <b>sun</b> and <i>water</i>. Read the <a href="https://example.org/soil">soil guide</a>
or my <a href="notes/compost.html">compost notes</a>.</p>
<ul><li>Stake them</li><li>Pinch the side shoots</li></ul>
<p><input type="checkbox" checked> watered today</p>
<footer>Copyright FOOTERTEXT</footer>
</body></html>
"""


def html_file(folder: Path, name: str = "tomatoes.html") -> Path:
    path = folder / name
    path.write_text(ARTICLE_HTML, encoding="utf-8")
    return path


def saved_page(folder: Path, stem: str = "Saved Page") -> Path:
    """A page saved by a browser's "Save page as… (complete)": the page and its ``_files`` folder."""
    files = folder / f"{stem}_files"
    files.mkdir()
    (files / "photo one.png").write_bytes(png_bytes(5, 5))
    (files / "style.css").write_text("p { margin: 0 }", encoding="utf-8")
    src = stem.replace(" ", "%20") + "_files/photo%20one.png"
    page = f"""<!DOCTYPE html>
<!-- saved from url=(0034)https://blog.example.com/post/42 -->
<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<link rel="stylesheet" href="./{stem}_files/style.css"></head>
<body><h1>A day at the lake</h1><p>We swam before breakfast.</p>
<p><img src="{src}" alt="the lake"></p>
<p><img src="https://cdn.example.com/remote.png" alt="remote"></p>
<p><img src="../outside.png" alt="outside"></p>
</body></html>"""
    path = folder / f"{stem}.html"
    path.write_text(page, encoding="utf-8")
    (folder.parent / "outside.png").write_bytes(png_bytes())
    return path


def cp1252_html(folder: Path, name: str = "legacy.htm") -> Path:
    path = folder / name
    text = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "<title>Caf\u00e9 notes</title></head><body><p>\u201cCaf\u00e9\u201d \u2013 cr\u00e8me br\u00fbl\u00e9e \u20ac5</p>"
        "</body></html>"
    )
    path.write_bytes(text.encode("cp1252"))
    return path


def not_utf8_html(folder: Path, name: str = "mystery.html") -> Path:
    path = folder / name
    path.write_bytes(b"<html><body><p>caf\xe9 cr\xe8me \x80 \xff</p></body></html>")
    return path


# -- ENEX -----------------------------------------------------------------------------------------

ENEX_PNG = png_bytes(6, 6, (10, 120, 220))
ENEX_PNG_MD5 = hashlib.md5(ENEX_PNG).hexdigest()


def _b64_lines(data: bytes) -> str:
    text = base64.b64encode(data).decode("ascii")
    return "\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def enex_text(extra_note: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE en-export SYSTEM "http://xml.evernote.com/pub/evernote-export4.dtd">
<en-export export-date="20230601T120000Z" application="Evernote" version="10.56.9">
  <note>
    <title>Sunset photo</title>
    <created>20230504T103000Z</created>
    <updated>20230505T080000Z</updated>
    <note-attributes><author>Ana</author></note-attributes>
    <content>
      <![CDATA[<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE en-note SYSTEM "http://xml.evernote.com/pub/enml2.dtd">
<en-note><div>The sunset from the <b>bridge</b>:</div><div><en-media hash="{ENEX_PNG_MD5}" type="image/png" /></div></en-note>]]>
    </content>
    <resource>
      <data encoding="base64">
{_b64_lines(ENEX_PNG)}
      </data>
      <mime>image/png</mime>
      <width>6</width><height>6</height>
      <resource-attributes><file-name>sunset.png</file-name></resource-attributes>
    </resource>
  </note>
  <note>
    <title>Groceries &amp; errands</title>
    <created>20230510T070000Z</created>
    <updated>20230511T193000Z</updated>
    <tag>shopping</tag>
    <tag>weekly list</tag>
    <note-attributes>
      <latitude>38.7223</latitude>
      <longitude>-9.1393</longitude>
      <source-url>https://example.org/recipe</source-url>
      <place-name>Lisbon</place-name>
    </note-attributes>
    <content>
      <![CDATA[<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE en-note SYSTEM "http://xml.evernote.com/pub/enml2.dtd">
<en-note><div><en-todo checked="true"/>Milk</div><div><en-todo checked="false"/>Bread</div><div>See <a href="https://example.org/recipe">the recipe</a>.</div></en-note>]]>
    </content>
  </note>{extra_note}
</en-export>
"""


def enex_file(folder: Path, name: str = "Travel.enex", extra_note: str = "") -> Path:
    path = folder / name
    path.write_text(enex_text(extra_note), encoding="utf-8")
    return path


def malformed_enex(folder: Path, name: str = "Broken.enex") -> Path:
    """An export cut short in the middle of its second note."""
    text = enex_text()
    path = folder / name
    path.write_text(text[: text.index("<tag>weekly")], encoding="utf-8")
    return path


def entity_bomb_enex(folder: Path, name: str = "Bomb.enex") -> Path:
    """The "billion laughs": ten levels of entities, each ten of the one below (10**10 "lol")."""
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 11)]
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE en-export [\n'
        + "\n".join(levels)
        + "\n]>\n<en-export><note><title>&lol10;</title><content>x</content></note></en-export>\n"
    )
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def mhtml_archive(folder: Path, name: str = "lake.mhtml") -> Path:
    """A page saved as one file (MHTML), written as a MIME message by the standard library's email
    package the way Chrome lays it out: the page, then its image by address and another by Content-ID."""
    from email.charset import QP, Charset
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    quoted = Charset("utf-8")
    quoted.body_encoding = QP  # Chrome writes the page quoted-printable
    archive = MIMEMultipart("related", type="text/html")
    archive["From"] = "<Saved by Blink>"
    archive["Snapshot-Content-Location"] = "https://blog.example.com/lake"
    archive["Subject"] = "A day at the lake"
    page = MIMEText(
        "<html><head><title>A day at the lake</title></head><body><h1>The lake</h1>"
        '<p>Cold water, \u00e9t\u00e9 warm sun.</p><img src="https://blog.example.com/img/lake%20view.png">'
        '<img src="cid:logo@example"><img src="https://elsewhere.example.com/missing.png"></body></html>',
        "html",
        quoted,
    )
    page["Content-Location"] = "https://blog.example.com/lake"
    archive.attach(page)
    image = MIMEImage(png_bytes(3, 3), "png")
    image["Content-Location"] = "https://blog.example.com/img/lake%20view.png"
    archive.attach(image)
    logo = MIMEImage(png_bytes(2, 2, (0, 0, 0)), "png")
    logo["Content-ID"] = "<logo@example>"
    archive.attach(logo)
    path = folder / name
    path.write_bytes(archive.as_bytes())
    return path
