"""Home's recent lists: a titled card of a few rows (notes, conversations, what was learned), each
row its title, cut with "…" when it does not fit, and its date whole in a compact column."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui import icons
from reverie.app.ui.homedata import Item
from reverie.app.ui.theme import SPACE_2, SPACE_3
from reverie.app.ui.uikit import paint_row_frame


class RecentDelegate(QStyledItemDelegate):
    """A recent row: the title, cut with "…" when it does not fit, and its date whole in a compact
    column at the right (muted)."""

    GAP = SPACE_3  # between the title and the date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("elides", True)  # the title is cut with "…" to the row (screencheck)

    def _parts(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> tuple[QRect, str, str]:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget is not None else None
        rect = (
            style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
            if style is not None
            else opt.rect
        )
        item = index.data(Qt.ItemDataRole.UserRole)
        title, when = (item.title, item.when) if isinstance(item, Item) else (str(index.data() or ""), "")
        return rect.adjusted(2, 0, -2, 0), title, when

    def shown(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> tuple[str, str]:
        """The title and the date as painted in ``option.rect``: the date whole, the title cut to the rest."""
        rect, title, when = self._parts(option, index)
        fm = QFontMetrics(option.font)
        room = rect.width() - (fm.horizontalAdvance(when) + self.GAP if when else 0)
        return fm.elidedText(title, Qt.TextElideMode.ElideRight, max(0, room)), when

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        paint_row_frame(self, painter, option, index)
        rect, _title, _when = self._parts(option, index)
        title, when = self.shown(option, index)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        text = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = text if selected else pal.color(QPalette.ColorRole.PlaceholderText)
        middle = Qt.AlignmentFlag.AlignVCenter
        painter.save()
        painter.setFont(option.font)
        painter.setPen(text)
        painter.drawText(rect, middle | Qt.AlignmentFlag.AlignLeft, title)
        painter.setPen(muted)
        painter.drawText(rect, middle | Qt.AlignmentFlag.AlignRight, when)
        painter.restore()


class RecentList(QFrame):
    """A titled card of a few items; a click opens one."""

    def __init__(self, title: str, icon: str, on_open: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homeCard")
        self.icon = icon
        lay = QVBoxLayout(self)
        lay.setContentsMargins(SPACE_3, SPACE_3, SPACE_3, SPACE_2)
        lay.setSpacing(SPACE_2)
        self.title = QLabel(title)
        self.title.setObjectName("sectionTitle")
        self.list = QListWidget()
        self.list.setObjectName("homeList")
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setItemDelegate(RecentDelegate(self.list))
        self.list.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)
        self.list.itemClicked.connect(lambda item: on_open(item.data(Qt.ItemDataRole.UserRole)))  # type: ignore[operator]
        self.list.itemActivated.connect(lambda item: on_open(item.data(Qt.ItemDataRole.UserRole)))  # type: ignore[operator]
        lay.addWidget(self.title)
        lay.addWidget(self.list)
        self.setMinimumWidth(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)

    def set_items(self, items: list[Item]) -> None:
        self.list.clear()
        for it in items:
            row = QListWidgetItem(icons.icon(self.icon), f"{it.title}   ·   {it.when}")
            row.setToolTip(f"{it.title}\n{it.when}")
            row.setData(Qt.ItemDataRole.UserRole, it)
            self.list.addItem(row)
        self._fit()
        self.setVisible(bool(items))

    def _fit(self) -> None:
        """As tall as its rows: every row shows, none is cut at the card's edge."""
        self.list.ensurePolished()  # the style sheet's row padding counts
        rows = sum(self.list.sizeHintForRow(i) + 2 * self.list.spacing() for i in range(self.list.count()))
        self.list.setFixedHeight(rows + 2 * self.list.frameWidth() + 2)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt naming
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            self._fit()  # a theme switch may change the rows' padding

    def titles(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole).title for i in range(self.list.count())]
