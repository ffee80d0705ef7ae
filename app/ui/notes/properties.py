"""A note's properties (its front matter fields) as a small name/value table above the text.

Values are shown as written: a list as its items separated by ", ". A value the user did not touch
is given back exactly as it came (a list stays a list, its items' commas kept); an edited value
``[a, b]`` or an edited list is read as a list, anything else as a text. Texts of several lines are
shown on one line and kept as they are (their cell cannot be edited). What the table holds is
checked with ``core.properties.check_properties``; a bad entry gives one sentence and keeps the table
as typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reverie.app.ui import icons
from reverie.app.ui.uikit import settings
from reverie.core.errors import InputError
from reverie.core.properties import Properties, PropertyError, PropertyValue, check_properties

OriginalRole = Qt.ItemDataRole.UserRole + 1  # the value as it came, on the value cell
MAX_VISIBLE_ROWS = 5


def shown(value: PropertyValue) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return value.replace("\n", " ↵ ") if "\n" in value else value


def read_value(text: str, was_list: bool) -> PropertyValue:
    """What an edited cell holds: a list when it was one or is written ``[a, b]``, else a text."""
    stripped = text.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        stripped, was_list = stripped[1:-1], True
    if was_list:
        return [item.strip() for item in stripped.split(",") if item.strip()]
    return text.strip()


class PropertiesPanel(QWidget):
    edited = Signal()  # the user changed, added or removed a property

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        head = QHBoxLayout()
        head.setSpacing(4)
        self.toggle = QToolButton()
        self.toggle.setObjectName("propertiesToggle")
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.add_button = QToolButton()
        self.add_button.setIcon(icons.icon("add"))
        self.add_button.setText("Add")
        self.add_button.setToolTip("Add a property (a name and a value, such as author: Kevin Kelly)")
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_button.setAutoRaise(True)
        self.remove_button = QToolButton()
        self.remove_button.setIcon(icons.icon("delete"))
        self.remove_button.setText("Remove")
        self.remove_button.setAccessibleName("Remove property")
        self.remove_button.setToolTip("Remove the selected property")
        self.remove_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.remove_button.setAutoRaise(True)
        head.addWidget(self.toggle)
        head.addStretch(1)
        head.addWidget(self.add_button)
        head.addWidget(self.remove_button)
        lay.addLayout(head)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("noteProperties")
        self.table.setHorizontalHeaderLabels(["Property", "Value"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 130)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        lay.addWidget(self.table)
        self.error = QLabel("")
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addWidget(self.error)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._sync)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.expanded = bool(settings().value("notes/properties_open", True, type=bool))
        self.toggle.clicked.connect(lambda: self.set_expanded(not self.expanded))
        self._sync()

    # -- showing -----------------------------------------------------------------------------
    def set_properties(self, props: Properties) -> None:
        """Show a note's properties, not counting it as an edit."""
        self._loading = True
        try:
            self.table.setRowCount(0)
            for key, value in props.items():
                self._append(key, value)
        finally:
            self._loading = False
        self.show_error(None)
        self._sync()

    def _append(self, key: str, value: PropertyValue | None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(key)
        cell = QTableWidgetItem(shown(value) if value is not None else "")
        if value is not None:
            cell.setData(OriginalRole, value)
            full = value if isinstance(value, str) else "\n".join(value)
            cell.setToolTip(full)
            if isinstance(value, str) and "\n" in value:
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                cell.setToolTip(full + "\n\n(This value has several lines; it is kept as it is.)")
        self.table.setItem(row, 0, name)
        self.table.setItem(row, 1, cell)
        return row

    def set_expanded(self, on: bool) -> None:
        self.expanded = on
        settings().setValue("notes/properties_open", on)
        self._sync()

    def _sync(self) -> None:
        n = self.table.rowCount()
        on = self.expanded
        self.toggle.setText("Properties" + (f" · {n}" if n else ""))
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.toggle.setToolTip(("Hide" if on else "Show") + " the note's properties (its front matter fields)")
        self.table.setVisible(on and n > 0)
        self.add_button.setVisible(on)
        self.remove_button.setVisible(on and n > 0)
        self.remove_button.setEnabled(bool(self.table.selectedItems()))
        self.error.setVisible(on and bool(self.error.text()))
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(min(n, MAX_VISIBLE_ROWS)))
        if n == 0:
            height += self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(height)

    def show_error(self, message: str | None) -> None:
        self.error.setText(message or "")
        self.error.setVisible(bool(message) and self.expanded)

    # -- editing -----------------------------------------------------------------------------
    def add_row(self) -> None:
        if not self.expanded:
            self.set_expanded(True)
        self._loading = True
        try:
            row = self._append("", None)
        finally:
            self._loading = False
        self._sync()
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.table.editItem(self.table.item(row, 0))

    def remove_row(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedItems()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self._sync()
            self.edited.emit()

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        if item.column() == 1:
            item.setToolTip(item.text())
        self.edited.emit()

    def values(self) -> Properties:
        """The table as properties (not checked): untouched values exactly as they came."""
        out: dict[str, PropertyValue] = {}
        raw: list[tuple[str, PropertyValue]] = []
        for row in range(self.table.rowCount()):
            name_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            name = name_item.text().strip() if name_item else ""
            text = value_item.text() if value_item else ""
            original = value_item.data(OriginalRole) if value_item else None
            if not name and not text.strip():
                continue  # a row added and left empty
            if original is not None and text == shown(original):
                value: PropertyValue = original
            else:
                value = read_value(text, isinstance(original, list))
            raw.append((name, value))
        names = [n for n, _ in raw]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise PropertyError(f"The property {dup!r} is given twice")
        for name, value in raw:
            out[name] = value
        return out

    def checked(self) -> tuple[Properties | None, str | None]:
        """(the properties, None) when they can be saved; (None, one sentence) when not."""
        try:
            props = check_properties(self.values())
        except PropertyError as e:
            return None, e.reason + "."
        except InputError as e:
            return None, str(e)
        return props, None
