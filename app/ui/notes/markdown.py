"""A note's Markdown as the Preview shows it, the way Obsidian users write it.

Qt's own Markdown reader does the paragraphs, lists, emphasis, tables and code; this module adds:

* ``[[wikilinks]]`` and ``![[embeds]]`` as links (``reverie-link:N``, N an index into the returned
  ``LinkTarget`` list): a link to an existing note in the link colour, a link to a note that does
  not exist yet faded with a dotted underline and a tooltip offering to create it;
* blockquotes with a bar on their left, and callouts (``> [!note] Title``) with a bar and a title in
  their type's colour on a light tint of it, in the light and the dark theme;
* some room above headings and a background behind code blocks.

Everything is built into a ``QTextDocument`` with ``QTextCursor.insertMarkdown`` and one-cell tables
(for the bars), so no HTML from a note is pieced together here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import (
    QBrush,
    QColor,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextLength,
    QTextTableCellFormat,
    QTextTableFormat,
)

from reverie.core.wikilinks import WikiLink, find_links

LINK_SCHEME = "reverie-link"
MAX_DEPTH = 6  # quotes nested deeper are left to Qt's own (indented) quotes
MAX_STYLED_QUOTES = 60  # each bar is a table, and Qt inserts tables in time growing with the document

# Obsidian's callout types and colours; aliases map to the type whose colour they share.
CALLOUT_COLORS = {
    "note": "#086ddd",
    "info": "#086ddd",
    "todo": "#086ddd",
    "abstract": "#00bfbc",
    "tip": "#00bfbc",
    "success": "#08b94e",
    "question": "#ec7500",
    "warning": "#ec7500",
    "failure": "#e93147",
    "danger": "#e93147",
    "bug": "#e93147",
    "example": "#7852ee",
    "quote": "#9e9e9e",
}
CALLOUT_ALIASES = {
    "summary": "abstract",
    "tldr": "abstract",
    "hint": "tip",
    "important": "tip",
    "check": "success",
    "done": "success",
    "help": "question",
    "faq": "question",
    "caution": "warning",
    "attention": "warning",
    "fail": "failure",
    "missing": "failure",
    "error": "danger",
    "cite": "quote",
}

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^ {0,3}>")
_QUOTE_MARK = re.compile(r"^ {0,3}> ?")
_CALLOUT = re.compile(r"^\[!(?P<kind>[^\]\s]+)\](?P<fold>[+-]?)[ \t]*(?P<title>.*)$")
_SENTINEL = "\u2063"  # an invisible separator
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&!#~|])")


@dataclass(frozen=True)
class LinkTarget:
    """What a preview link points at: the wikilink, and the note it names (None: no such note yet);
    for a file (``![[photo.png]]``), the id of the attachment the note carries under that name."""

    link: WikiLink
    note_id: str | None

    @property
    def tooltip(self) -> str:
        name = self.link.target.strip() or self.link.heading.strip()
        if self.link.is_file:
            if self.note_id is not None:
                return f"Open “{name}”, a file this note carries"
            return f"“{name}” is a file the note links to; it did not come in with the note."
        if self.note_id is None:
            return f"No note is called “{name}” yet: click to create it."
        return f"Open “{name}”" + (f" at “{self.link.heading.strip()}”" if self.link.heading.strip() else "")


def callout_color(kind: str) -> str:
    kind = kind.casefold()
    return CALLOUT_COLORS.get(CALLOUT_ALIASES.get(kind, kind), CALLOUT_COLORS["note"])


def _escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


_EMPTY_ALT = re.compile(r"!\[\]\(")


def _with_links(text: str, resolve: Callable[[WikiLink], str | None]) -> tuple[str, list[LinkTarget]]:
    """``text`` with each wikilink turned into a Markdown link to ``reverie-link:N`` (``resolve``
    names the note, or a file's attachment), and each image without words (``![](photo.jpg)``, which
    Qt's Markdown reader would drop) given a space for them."""
    out: list[str] = []
    targets: list[LinkTarget] = []
    pos = 0
    for link in find_links(text):
        out.append(text[pos : link.start])
        targets.append(LinkTarget(link, resolve(link)))
        out.append(f"[{_escape(link.shown) or '…'}]({LINK_SCHEME}:{len(targets) - 1})")
        pos = link.end
    out.append(text[pos:])
    return _with_alt("".join(out)), targets


def _with_alt(text: str) -> str:
    """Images without words get a space for them, outside fenced code."""
    if "![](" not in text:
        return text
    lines = text.split("\n")
    fence = ""
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if m:
            mark = m.group(1)
            if not fence:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = ""
            continue
        if not fence:
            lines[i] = _EMPTY_ALT.sub("![ ](", line)
    return "\n".join(lines)


@dataclass(frozen=True)
class _Quote:
    lines: list[str]  # without their ``>`` marks
    kind: str | None  # the callout's type; None for a plain quote
    title: str
    raw: str  # the quote as written, with its ``>`` marks


def _blocks(lines: list[str]) -> list[str | _Quote]:
    """Markdown between quotes, and the quotes (top level only; fenced code stays whole)."""
    out: list[str | _Quote] = []
    buf: list[str] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line[m.end() :].strip():
                fence = None
            buf.append(line)
            i += 1
            continue
        if m:
            fence = m.group(1)
            buf.append(line)
            i += 1
            continue
        if not _QUOTE.match(line):
            buf.append(line)
            i += 1
            continue
        if buf:
            out.append("\n".join(buf))
            buf = []
        inner: list[str] = []
        first = i
        while i < len(lines) and _QUOTE.match(lines[i]):
            inner.append(_QUOTE_MARK.sub("", lines[i], count=1))
            i += 1
        raw = "\n".join(lines[first:i])
        c = _CALLOUT.match(inner[0].strip())
        if c:
            out.append(_Quote(inner[1:], c.group("kind"), c.group("title").strip(), raw))
        else:
            out.append(_Quote(inner, None, "", raw))
    if buf:
        out.append("\n".join(buf))
    return out


def _insert_markdown(cursor: QTextCursor, text: str) -> None:
    """``QTextCursor.insertMarkdown`` into the empty block at the cursor, keeping the first block's
    own format (a heading, a paragraph's spacing, a list item). Inserted there directly, the first
    block would take the empty block's format; so a throwaway paragraph goes first and then goes."""
    pos = cursor.position()
    cursor.insertMarkdown(_SENTINEL + "\n\n" + text)
    throwaway = QTextCursor(cursor.document())
    throwaway.setPosition(pos)
    following = throwaway.block().next()
    if throwaway.block().text() == _SENTINEL and following.isValid():
        throwaway.setPosition(following.position(), QTextCursor.MoveMode.KeepAnchor)
        throwaway.removeSelectedText()


def _trim(cursor: QTextCursor, top: bool) -> None:
    """No paragraph spacing at the top (or bottom) of a quote: its padding is enough."""
    fmt = cursor.blockFormat()
    if top:
        fmt.setTopMargin(0)
    else:
        fmt.setBottomMargin(0)
    cursor.setBlockFormat(fmt)


class _Builder:
    def __init__(self, palette: QPalette) -> None:
        self.palette = palette
        base = palette.color(QPalette.ColorRole.Base)
        self.dark = base.lightness() < 128
        self.base = base
        self.quotes = 0

    def tint(self, color: QColor, amount: float) -> QColor:
        b = self.base
        return QColor(
            round(b.red() + (color.red() - b.red()) * amount),
            round(b.green() + (color.green() - b.green()) * amount),
            round(b.blue() + (color.blue() - b.blue()) * amount),
        )

    def fill(self, cursor: QTextCursor, markdown: str, depth: int) -> None:
        first = True
        pending: list[str] = []  # Markdown between styled quotes, inserted in one go

        def flush() -> None:
            nonlocal first
            text = "\n".join(pending).strip("\n")
            pending.clear()
            if not text.strip():
                return
            if not first:
                cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
            _insert_markdown(cursor, text)
            first = False

        for block in _blocks(markdown.split("\n")) if depth < MAX_DEPTH else [markdown]:
            if isinstance(block, _Quote) and self.quotes < MAX_STYLED_QUOTES:
                flush()
                self.quote(cursor, block, depth)
                first = False
            else:
                pending.append(block.raw if isinstance(block, _Quote) else block)
        flush()

    def quote(self, cursor: QTextCursor, quote: _Quote, depth: int) -> None:
        self.quotes += 1
        if quote.kind is None:
            bar, background = self.palette.color(QPalette.ColorRole.Mid), None
        else:
            bar = QColor(callout_color(quote.kind))
            background = self.tint(bar, 0.16 if self.dark else 0.10)
        title_color = bar.lighter(130) if self.dark else bar
        table_format = QTextTableFormat()
        table_format.setBorderCollapse(True)
        table_format.setBorder(0)
        table_format.setCellPadding(0)
        table_format.setCellSpacing(0)
        table_format.setTopMargin(6)
        table_format.setBottomMargin(6)
        table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        table = cursor.insertTable(1, 1, table_format)
        cell = table.cellAt(0, 0)
        cell_format = QTextTableCellFormat()
        cell_format.setLeftBorder(4)
        cell_format.setLeftBorderBrush(QBrush(bar))
        cell_format.setLeftBorderStyle(QTextFrameFormat.BorderStyle.BorderStyle_Solid)
        for side in (cell_format.setTopBorder, cell_format.setRightBorder, cell_format.setBottomBorder):
            side(0)
        cell_format.setLeftPadding(12)
        cell_format.setRightPadding(10)
        cell_format.setTopPadding(4)
        cell_format.setBottomPadding(4)
        if background is not None:
            cell_format.setBackground(background)
        cell.setFormat(cell_format)
        inner = cell.firstCursorPosition()
        if quote.kind is not None:
            title = quote.title or quote.kind[:1].upper() + quote.kind[1:].casefold()
            start = inner.position()
            _insert_markdown(inner, title.strip())
            head = QTextCursor(inner)
            head.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setFontWeight(700)
            fmt.setForeground(title_color)
            head.mergeCharFormat(fmt)
            if any(x.strip() for x in quote.lines):
                inner.insertBlock(QTextBlockFormat(), QTextCharFormat())
        self.fill(inner, "\n".join(quote.lines), depth + 1)
        _trim(cell.firstCursorPosition(), top=True)
        _trim(cell.lastCursorPosition(), top=False)
        cursor.setPosition(table.lastPosition() + 1)

    def finish(self, doc: QTextDocument, targets: list[LinkTarget]) -> None:
        """Link colours and tooltips, room above headings, a background behind code."""
        link = self.palette.color(QPalette.ColorRole.Link)
        missing = self.tint(link, 0.55)
        code_bg = self.palette.color(QPalette.ColorRole.AlternateBase)
        block = doc.begin()
        while block.isValid():
            cursor = QTextCursor(block)
            fmt = block.blockFormat()
            if fmt.headingLevel() > 0 and block.position() > 0:
                fmt.setTopMargin(max(fmt.topMargin(), 14 - 2 * fmt.headingLevel()))
                cursor.setBlockFormat(fmt)
            elif fmt.hasProperty(QTextFormat.Property.BlockCodeFence) or fmt.nonBreakableLines():
                fmt.setBackground(code_bg)
                cursor.setBlockFormat(fmt)
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                it += 1
                cf = frag.charFormat()
                if not cf.isAnchor():
                    continue
                href = cf.anchorHref()
                new = QTextCharFormat()
                if href.startswith(LINK_SCHEME + ":"):
                    try:
                        target = targets[int(href.split(":", 1)[1])]
                    except (ValueError, IndexError):
                        continue
                    new.setToolTip(target.tooltip)
                    if target.note_id is None:
                        new.setForeground(missing)
                        new.setFontUnderline(True)
                        new.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                    else:
                        new.setForeground(link)
                        new.setFontUnderline(False)
                    if target.link.embed:
                        new.setFontItalic(True)
                else:
                    new.setForeground(link)
                    new.setToolTip(href)
                sel = QTextCursor(doc)
                sel.setPosition(frag.position())
                sel.setPosition(frag.position() + frag.length(), QTextCursor.MoveMode.KeepAnchor)
                sel.mergeCharFormat(new)
            block = block.next()


def render(
    doc: QTextDocument, text: str, resolve: Callable[[WikiLink], str | None], palette: QPalette
) -> list[LinkTarget]:
    """Fill ``doc`` with ``text`` as the Preview shows it; the links, by their ``reverie-link:N`` index."""
    doc.clear()
    doc.setUndoRedoEnabled(False)
    markdown, targets = _with_links(text, resolve)
    builder = _Builder(palette)
    builder.fill(QTextCursor(doc), markdown, 0)
    builder.finish(doc, targets)
    return targets


def heading_block_top(doc: QTextDocument, heading: str) -> float | None:
    """Where the heading called ``heading`` (or the block ending in ``^heading``) starts, in
    document pixels; None when the note has none."""
    want = heading.strip().casefold()
    if not want:
        return None
    block = doc.begin()
    while block.isValid():
        text = block.text().strip()
        if (block.blockFormat().headingLevel() > 0 and text.casefold() == want) or (
            want.startswith("^") and text.casefold().endswith(want)
        ):
            return doc.documentLayout().blockBoundingRect(block).top()
        block = block.next()
    return None
