"""Widgets every pane can use: tables of lazy models laid out for mixed-direction text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from dossier.ui.models.base import LazyTableModel
from dossier.ui.widgets.text import is_rtl


class BidiItemDelegate(QStyledItemDelegate):
    """Lays each cell out in its own text's direction.

    An Arabic or Hebrew name mixed with Latin text and punctuation reads correctly only
    when the paragraph's base direction is right to left; the view's own direction (left
    to right) would misplace the neutral characters. Such cells are also right-aligned.
    """

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:
        super().initStyleOption(option, index)
        if is_rtl(option.text):
            option.direction = Qt.LayoutDirection.RightToLeft
            # "leading" edge: the style mirrors AlignLeft to the right for right-to-left text
            option.displayAlignment = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def record_table(model: LazyTableModel, parent=None) -> QTableView:
    """A read-only, sortable, row-selecting table over a lazy model with sensible widths."""
    view = QTableView(parent)
    view.setModel(model)
    view.setItemDelegate(BidiItemDelegate(view))
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    for i, column in enumerate(model.columns):
        if column.width:
            view.setColumnWidth(i, column.width)
        if column.stretch:
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(not any(c.stretch for c in model.columns))
    sort_column = model.sort_column()
    if sort_column >= 0:
        header.setSortIndicator(sort_column, Qt.SortOrder.DescendingOrder if model.descending
                                else Qt.SortOrder.AscendingOrder)
    view.setSortingEnabled(True)  # sorts by the indicator just set: the model's own order
    return view


def select_record(view: QTableView, record_id: str) -> bool:
    """Select and scroll to the row of ``record_id`` (reading pages until found)."""
    model = view.model()
    row = model.row_of(record_id)
    if row is None:
        return False
    index = model.index(row, 0)
    view.selectionModel().setCurrentIndex(
        index, view.selectionModel().SelectionFlag.ClearAndSelect | view.selectionModel().SelectionFlag.Rows)
    view.scrollTo(index)
    return True


def selected_record(view: QTableView) -> str | None:
    index = view.selectionModel().currentIndex() if view.selectionModel() else None
    if index is None or not index.isValid():
        return None
    return view.model().record_id(index.row())
