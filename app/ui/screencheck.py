"""Automatic checks on a rendered window: text that does not fit its widget, and a horizontal
scrollbar in Chat's message view.

``check_widget(root)`` walks every visible widget under ``root`` (a window or a dialog) and returns
an ``Offender`` for each:

* a QLabel whose text needs more room than its contents rect: for a word-wrapped label, its widest
  word against its width and ``heightForWidth(width)`` against its height; otherwise the whole text;
* a QPushButton, QToolButton, QCheckBox or QRadioButton whose text (with its icon and the style's
  padding) is wider than the button;
* an item of a list, tree or table drawn by a custom delegate whose size hint is larger than its
  rect (Qt's own delegate elides; a delegate that elides says so with ``setProperty("elides", True)``);
* a combo box whose current text is wider than its text field;
* a tab whose title is cut (tabs that do not elide and do not fit the bar), a group box whose title
  is wider than the box;
* a visible horizontal scrollbar on a scroll area named in ``NO_HSCROLL`` (Chat's message view; a
  code block inside it may scroll sideways on its own).

Text that was shortened with "…" and fits is fine. A widget that paints its text elided itself
says so with ``widget.setProperty("elides", True)`` (or has "Elid" in its class name, as
``ElidingComboBox``); it is then not measured. Measurements use the
widget's own font metrics and the style in use, so a stylesheet's padding counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QObject, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QItemDelegate,
    QLabel,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionToolButton,
    QStyleOptionViewItem,
    QTabBar,
    QToolButton,
    QWidget,
)

NO_HSCROLL = ("thread",)  # objectNames of scroll areas that must never scroll sideways: Chat's message view
_SLACK = 1  # px: rounding in font metrics
BUTTON_PAD = 8  # px of a push or tool button's padding its text needs kept free (4 each side)


@dataclass(frozen=True)
class Offender:
    kind: str  # "clipped" | "hscroll"
    widget: str  # objectName or class, with the path of named ancestors
    text: str
    needed: tuple[int, int]  # px (width, height) the text needs
    available: tuple[int, int]  # px the widget gives it
    screen: str = ""
    size: str = ""
    theme: str = ""

    def where(self, screen: str, size: str, theme: str) -> Offender:
        return Offender(self.kind, self.widget, self.text, self.needed, self.available, screen, size, theme)

    def describe(self) -> str:
        place = " ".join(p for p in (self.screen, self.size, self.theme) if p)
        limit = 70 if self.kind == "clipped" else 200
        text = self.text if len(self.text) <= limit else self.text[: limit - 1] + "…"
        text = text.replace("\n", "⏎")
        if self.kind == "hscroll":
            what = f"horizontal scrollbar: content {self.needed[0]} px wide in {self.available[0]} px"
        else:
            what = f"needs {self.needed[0]}x{self.needed[1]} px, has {self.available[0]}x{self.available[1]}"
        return f"{place}: {self.widget} {text!r}: {what}"


def widget_name(w: QWidget) -> str:
    """``ChatPage/thread/QLabel#messageText``: the class or objectName of the widget, after its
    nearest named ancestors (so a page owner can find it)."""

    def one(x: QWidget) -> str:
        name = x.objectName()
        cls = type(x).__name__
        return f"{cls}#{name}" if name and not name.startswith("qt_") else cls

    parts = [one(w)]
    p = w.parentWidget()
    named = 0
    while p is not None and named < 2:
        name = p.objectName()
        cls = type(p).__name__
        if (name and not name.startswith("qt_")) or not cls.startswith("Q"):
            parts.append(one(p))
            named += 1
        p = p.parentWidget()
    return "/".join(reversed(parts))


def _elides(w: QObject) -> bool:
    """It draws its text elided itself: it says so (``elides``), or its class is an Eliding… one."""
    return bool(w.property("elides")) or "elid" in type(w).__name__.lower()


def _fits(needed: QSize, available: QSize) -> bool:
    return needed.width() <= available.width() + _SLACK and needed.height() <= available.height() + _SLACK


def _size(s: QSize) -> tuple[int, int]:
    return (s.width(), s.height())


def label_needs(label: QLabel) -> QSize | None:
    """The size ``label`` needs to show all its text at its current width, or None (no text)."""
    if not label.text() or label.pixmap() is not None and not label.pixmap().isNull():
        return None
    if label.wordWrap():
        widest = label.minimumSizeHint().width()  # a wrapped label's widest word (or unbreakable line)
        height = label.heightForWidth(max(label.width(), widest))
        return QSize(widest, height)
    return label.sizeHint()  # one line (or the text's own lines), whole


def _style_pad(
    w: QWidget, element: QStyle.ContentsType, opt: object, contents: QSize, most: int | None = None
) -> QSize:
    """``contents`` with what the style adds around it (measured on a large size, above any
    minimum width); at most ``most`` px of padding count on each axis (text may run into the rest)."""
    big = QSize(contents.width() + 1000, contents.height() + 1000)
    out = w.style().sizeFromContents(element, opt, big, w)  # type: ignore[arg-type]
    pad_w, pad_h = out.width() - 1000 - contents.width(), out.height() - 1000 - contents.height()
    if most is not None:
        pad_w, pad_h = min(pad_w, most), min(pad_h, most)
    return QSize(contents.width() + pad_w, contents.height() + pad_h)


def button_needs(b: QAbstractButton) -> QSize | None:
    """The width and height ``b`` needs to show its text with its icon and the style's padding."""
    text = b.text()
    if not text:
        return None
    fm = b.fontMetrics()
    ts = fm.size(Qt.TextFlag.TextShowMnemonic, text)
    w, h = ts.width(), ts.height()
    if isinstance(b, QToolButton):
        if b.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
            return None
        topt = QStyleOptionToolButton()
        topt.initFrom(b)
        topt.text, topt.icon, topt.iconSize = text, b.icon(), b.iconSize()
        topt.toolButtonStyle = b.toolButtonStyle()
        if not b.icon().isNull() and b.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonTextOnly:
            if b.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextUnderIcon:
                w, h = max(w, b.iconSize().width()), h + b.iconSize().height() + 4
            else:
                w, h = w + b.iconSize().width() + 4, max(h, b.iconSize().height())
        if b.popupMode() == QToolButton.ToolButtonPopupMode.MenuButtonPopup:
            w += b.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, topt, b)
        return _style_pad(b, QStyle.ContentsType.CT_ToolButton, topt, QSize(w, h), BUTTON_PAD)
    opt = QStyleOptionButton()
    opt.initFrom(b)
    opt.text, opt.icon, opt.iconSize = text, b.icon(), b.iconSize()
    if not b.icon().isNull():
        w, h = w + b.iconSize().width() + 4, max(h, b.iconSize().height())
    if isinstance(b, QCheckBox):
        element = QStyle.ContentsType.CT_CheckBox
    elif isinstance(b, QRadioButton):
        element = QStyle.ContentsType.CT_RadioButton
    elif isinstance(b, QPushButton):
        element = QStyle.ContentsType.CT_PushButton
        if b.menu() is not None:
            w += b.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, opt, b)
    else:
        return None
    return _style_pad(b, element, opt, QSize(w, h), BUTTON_PAD if isinstance(b, QPushButton) else None)


def combo_needs(cb: QComboBox) -> tuple[int, int] | None:
    """(needed, available) px for a non-editable combo box's current text in its text field."""
    text = cb.currentText()
    if not text or cb.isEditable():
        return None
    opt = QStyleOptionComboBox()
    opt.initFrom(cb)
    opt.currentText, opt.frame, opt.editable = text, cb.hasFrame(), False
    field = cb.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, cb
    )
    icon = cb.iconSize().width() + 4 if not cb.itemIcon(cb.currentIndex()).isNull() else 0
    return cb.fontMetrics().horizontalAdvance(text) + icon, field.width()


def _check_items(view: QAbstractItemView, limit: int = 60) -> list[Offender]:
    """Rows a custom delegate draws (Qt's own delegate elides): each visible item's size hint at
    its column's width against the rect it gets."""
    delegate = view.itemDelegate()
    model = view.model()
    if model is None or delegate is None or _elides(delegate):
        return []
    plain = type(delegate) in (QStyledItemDelegate, QItemDelegate)
    if plain and view.textElideMode() != Qt.TextElideMode.ElideNone:
        return []
    out: list[Offender] = []
    area = view.viewport().rect()
    cols = 1 if isinstance(model, QAbstractListModel) else model.columnCount()
    for row in range(min(model.rowCount(), 2000)):
        for col in range(cols):
            index = model.index(row, col)
            rect = view.visualRect(index)
            if rect.top() > area.bottom():
                return out  # rows below the view
            if not rect.isValid() or not rect.intersects(area) or rect.width() <= 0:
                continue
            opt = QStyleOptionViewItem()
            opt.initFrom(view.viewport())
            opt.rect, opt.font, opt.widget = rect, view.font(), view
            hint = delegate.sizeHint(opt, index)
            width = rect.width()
            if not view.horizontalScrollBar().isVisible():  # what the viewport cuts off cannot be scrolled to
                width = min(width, area.right() - rect.left() + 1)
            rect.setWidth(width)
            if hint.width() > width + _SLACK or hint.height() > rect.height() + _SLACK:
                text = str(index.data() or index.data(Qt.ItemDataRole.ToolTipRole) or "")
                out.append(
                    Offender(
                        "clipped", widget_name(view) + f"[row {row}, col {col}]", text, _size(hint), _size(rect.size())
                    )
                )
                if len(out) >= limit:
                    return out
    return out


def _check_tabs(bar: QTabBar) -> list[Offender]:
    out: list[Offender] = []
    if bar.elideMode() != Qt.TextElideMode.ElideNone:
        return out
    fm = bar.fontMetrics()
    hspace = bar.style().pixelMetric(QStyle.PixelMetric.PM_TabBarTabHSpace, None, bar)
    visible = bar.rect()
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        text = bar.tabText(i)
        rect = bar.tabRect(i)
        icon = bar.iconSize().width() + 4 if not bar.tabIcon(i).isNull() else 0
        need = fm.size(Qt.TextFlag.TextShowMnemonic, text).width() + hspace + icon
        shown = rect.intersected(visible).width()
        if need > shown + _SLACK:
            out.append(
                Offender(
                    "clipped", widget_name(bar) + f"[tab {i}]", text, (need, rect.height()), (shown, rect.height())
                )
            )
    return out


def _check_hscroll(area: QAbstractScrollArea) -> Offender | None:
    bar = area.horizontalScrollBar()
    if not bar.isVisible() or bar.maximum() <= 0:
        return None
    view = area.viewport().width()
    return Offender("hscroll", widget_name(area), "", (view + bar.maximum(), 0), (view, 0))


def check_widget(root: QWidget) -> list[Offender]:
    """Every offender among the visible widgets under ``root`` (``root`` included)."""
    out: list[Offender] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible() or w.width() <= 0 or w.height() <= 0 or _elides(w):
            continue
        found: Offender | None = None
        if isinstance(w, QLabel):
            needed = label_needs(w)
            if needed is not None and not _fits(needed, w.size()):
                found = Offender("clipped", widget_name(w), w.text(), _size(needed), _size(w.size()))
        elif isinstance(w, QAbstractButton):
            needed = button_needs(w)
            if needed is not None and not _fits(needed, w.size()):
                found = Offender("clipped", widget_name(w), w.text(), _size(needed), _size(w.size()))
        elif isinstance(w, QComboBox):
            sizes = combo_needs(w)
            if sizes is not None and sizes[0] > sizes[1] + _SLACK:
                found = Offender(
                    "clipped", widget_name(w), w.currentText(), (sizes[0], w.height()), (sizes[1], w.height())
                )
        elif isinstance(w, QTabBar):
            out.extend(_check_tabs(w))
        elif isinstance(w, QGroupBox) and w.title():
            need = w.fontMetrics().horizontalAdvance(w.title()) + 16
            if w.isCheckable():
                need += w.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, w) + 4
            if need > w.width() + _SLACK:
                found = Offender("clipped", widget_name(w), w.title(), (need, 0), (w.width(), 0))
        if isinstance(w, QAbstractItemView):
            out.extend(_check_items(w))
        if isinstance(w, QAbstractScrollArea) and w.objectName() in NO_HSCROLL:
            found = _check_hscroll(w)
        if found is not None:
            out.append(found)
    return out


def window_offender(window: QWidget, size: tuple[int, int]) -> Offender | None:
    """The window is larger than ``size`` after ``resize(size)``: its minimum size is too big."""
    if (window.width(), window.height()) == tuple(size):
        return None
    text = "the window cannot shrink to this size"

    def outermost(stack: QWidget) -> bool:
        p = stack.parentWidget()
        while p is not None and p is not window:
            if isinstance(p, QStackedWidget):
                return False
            p = p.parentWidget()
        return True

    stacks = [s for s in window.findChildren(QStackedWidget) if outermost(s)]
    main = max(stacks, key=lambda s: s.width() * s.height(), default=None)  # the pages
    pages = [main.widget(i) for i in range(main.count())] if main is not None else []
    if pages:
        widest = max(pages, key=lambda p: p.minimumSizeHint().width())
        tallest = max(pages, key=lambda p: p.minimumSizeHint().height())
        if window.width() > size[0]:
            text += f"; widest page {type(widest).__name__} needs {widest.minimumSizeHint().width()} px"
        if window.height() > size[1]:
            text += f"; tallest page {type(tallest).__name__} needs {tallest.minimumSizeHint().height()} px"
    return Offender("too-small", type(window).__name__, text, (window.width(), window.height()), (size[0], size[1]))


def report(offenders: list[Offender]) -> str:
    """One line per distinct offender (widget, text, sizes), then every screen it was found on
    (screen, size, theme), then a count."""
    groups: dict[Offender, list[Offender]] = {}
    for o in offenders:
        groups.setdefault(o.where("", "", ""), []).append(o)
    lines = []
    for key, found in groups.items():
        lines.append(key.describe().lstrip(": "))
        places = [" ".join(p for p in (o.screen, o.size, o.theme) if p) for o in found]
        if any(places):
            lines.append(f"    on {len(places)} screen(s): " + "; ".join(places))
    lines.append(f"{len(offenders)} offender(s).")
    return "\n".join(lines)
