"""Search results as a Qt item model; each row is drawn as rich text (title line and an excerpt with
the matched words highlighted)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from reverie.app.ui.fmt import stamp
from reverie.app.ui.richtext import HtmlDelegate, HtmlRole
from reverie.app.ui.uikit import highlighted_html
from reverie.core.searchtypes import Hit

__all__ = ["HtmlDelegate", "HtmlRole", "SearchResultItemModel", "hit_html"]
KIND_LABEL = {"chat": "chat", "note": "note", "fact": "fact", "summary": "summary"}


def hit_html(hit: Any) -> str:
    m = hit.memory
    kind = KIND_LABEL.get(m.kind, m.kind)
    title = hit.source_title or kind
    flags = " · archived" if getattr(m, "archived", False) else ""
    said = "" if title.casefold() == kind.casefold() else f"{kind} · "  # not "Fact · fact"
    head = (
        f"<div><b>{html.escape(title)}</b> <span style='color:#888'>· {said}{stamp(m.happened_at)}{flags}</span></div>"
    )
    shown = getattr(hit, "shown", None)  # the plain text a reader sees, its highlights moved along
    text, spans = shown() if callable(shown) else (m.text, tuple(getattr(hit, "highlights", ()) or ()))
    return head + f"<div>{highlighted_html(text, spans)}</div>"


class SearchResultItemModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []
        self._html: list[str] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{hit.source_title}: {hit.shown()[0][:200]}"
        if role == HtmlRole:
            return self._html[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = ", ".join(f"{k} {v:.3g}" for k, v in (getattr(hit, "breakdown", {}) or {}).items())
            return f"score {hit.score:.3g}" + (f" ({parts})" if parts else "")
        return None

    def hit(self, row: int) -> Hit:
        """The hit shown at ``row`` (roles hand out plain values only)."""
        return self.hits[row]

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self._html = [hit_html(h) for h in self.hits]
        self.endResetModel()
