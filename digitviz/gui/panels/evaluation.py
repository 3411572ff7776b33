"""How the loaded network does on the MNIST test set: accuracy, confusion matrix, worst mistakes.

:class:`EvaluationView` shows what the :class:`~digitviz.gui.evaluator.Evaluator` found for the
current network; clicks on a confusion cell or a mistake are announced as signals.
"""

from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.evaluate import Evaluation
from ..models.evaluator import Evaluator
from ..widgets.images import digit_pixmap
from ..widgets.scrolling import put_in_scroll_area

N_MISTAKES = 12
MISTAKES_PER_ROW = 6




def _percent_down(fraction: float) -> str:
    """``0.9996`` -> ``"99.9%"``: rounded down, so a not-quite-certain answer never shows 100%."""
    tenths = math.floor(1000 * fraction)
    return f"{tenths // 10}%" if tenths % 10 == 0 or tenths < 990 else f"{tenths / 10:.1f}%"


def _cell_colour(fraction: float, correct: bool) -> QColor:
    """Diagonal cells green, mistakes red; stronger for a larger share of the row."""
    base = QColor(34, 160, 90) if correct else QColor(220, 60, 60)
    alpha = round(30 + 200 * min(1.0, fraction)) if fraction > 0 else 0
    return QColor(base.red(), base.green(), base.blue(), alpha)


class EvaluationView(QWidget):
    """Accuracy, per-digit accuracy, the confusion matrix and the most confident mistakes.

    Signals
    -------
    cellActivated(int true_digit, int predicted_digit) : a confusion cell was clicked.
    mistakeActivated(int index) : a mistake thumbnail was clicked (index into the test set).
    """

    cellActivated = Signal(int, int)
    mistakeActivated = Signal(int)

    def __init__(self, evaluator: Evaluator, parent: QWidget | None = None):
        super().__init__(parent)
        self._evaluator = evaluator
        self._evaluation: Evaluation | None = None
        self._mistake_indices: list[int] = []

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.table = QTableWidget(10, 11, self)
        self.table.setHorizontalHeaderLabels([str(d) for d in range(10)] + ["% right"])
        self.table.setVerticalHeaderLabels([str(d) for d in range(10)])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        metrics = self.table.fontMetrics()
        cell_width = metrics.horizontalAdvance("0000") + 12  # room for 1,135 ones
        cell_height = metrics.height() + 8
        for header, size in ((self.table.horizontalHeader(), cell_width), (self.table.verticalHeader(), cell_height)):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setDefaultSectionSize(size)
            header.setMinimumSectionSize(10)
        self.table.horizontalHeader().resizeSection(10, metrics.horizontalAdvance("% right") + 12)
        self.table.setToolTip("Rows: true digit. Columns: the network's answer. Click a cell to browse those digits.")
        for row in range(10):
            for col in range(11):
                item = QTableWidgetItem("")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
        self.table.cellClicked.connect(self._on_table_cell_clicked)
        self._fit_table()

        self.mistakes_label = QLabel("<b>Most confident mistakes</b> (true → answer, confidence)")
        self.mistake_buttons: list[QToolButton] = []
        grid = QGridLayout()
        grid.setSpacing(2)
        for i in range(N_MISTAKES):
            button = QToolButton(self)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setIconSize(QSize(40, 40))
            # A fixed size, known before any text is set, so the dock is wide enough from the start.
            button.setFixedSize(metrics.horizontalAdvance("8→0 99.9%") + 12, 40 + metrics.height() + 12)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _checked=False, i=i: self._on_mistake_clicked(i))
            grid.addWidget(button, i // MISTAKES_PER_ROW, i % MISTAKES_PER_ROW)
            self.mistake_buttons.append(button)

        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("<b>Confusion matrix</b> (rows: true digit, columns: answer)"))
        layout.addWidget(self.table)
        layout.addWidget(self.mistakes_label)
        layout.addLayout(grid)
        layout.addStretch(1)
        put_in_scroll_area(self, content)

        self._pending_timer = QTimer(self)
        self._pending_timer.setSingleShot(True)
        self._pending_timer.setInterval(250)
        self._pending_timer.timeout.connect(self._on_pending_timer_timeout)
        evaluator.currentChanged.connect(self._on_evaluator_current_changed)
        evaluator.failed.connect(self._on_evaluator_failed)
        self._on_evaluator_current_changed(evaluator.current)

    @property
    def evaluation(self) -> Evaluation | None:
        """The Evaluation on display: the last one while a new one is computed, None before the first."""
        return self._evaluation

    def cell_text(self, true_digit: int, predicted: int) -> str:
        return self.table.item(true_digit, predicted).text()

    def _fit_table(self) -> None:
        h, v = self.table.horizontalHeader(), self.table.verticalHeader()
        width = v.sizeHint().width() + sum(h.sectionSize(c) for c in range(11)) + 2 * self.table.frameWidth()
        height = h.sizeHint().height() + sum(v.sectionSize(r) for r in range(10)) + 2 * self.table.frameWidth()
        self.table.setFixedSize(width, height)
        self.table.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    # -- updates ------------------------------------------------------------------------------

    @Slot(object)
    def _on_evaluator_current_changed(self, evaluation) -> None:
        name = html.escape(self._evaluator.state.network.name)
        if evaluation is None:
            # A quick re-evaluation (an edit: ~60 ms) keeps the old figures up rather than flashing.
            if self._evaluation is None:
                self._on_pending_timer_timeout()
            else:
                self._pending_timer.start()
            return
        self._pending_timer.stop()
        self._evaluation = evaluation
        self.table.setEnabled(True)
        correct = int(np.trace(evaluation.confusion))
        total = int(evaluation.confusion.sum())
        self.summary.setText(
            f"<b>{name}</b><br>Test accuracy <b>{100 * evaluation.accuracy:.2f}%</b> "
            f"({correct:,} of {total:,} right, {total - correct:,} wrong)"
        )
        self._fill_table(evaluation)
        self._fill_mistakes(evaluation)

    def _fill_table(self, evaluation: Evaluation) -> None:
        confusion = evaluation.confusion
        rows = np.maximum(confusion.sum(axis=1), 1)
        off = confusion.astype(float) / rows[:, None]
        np.fill_diagonal(off, 0.0)
        worst = max(float(off.max()), 1e-9)
        for i in range(10):
            for j in range(10):
                item = self.table.item(i, j)
                count = int(confusion[i, j])
                item.setText(str(count) if count else "")
                share = count / rows[i]
                item.setBackground(QBrush(_cell_colour(share if i == j else share / worst, i == j)))
                item.setToolTip(f"true {i}, answered {j}: {count} digit{'s' * (count != 1)}"
                                + (" — click to browse them" if count else ""))
            acc = self.table.item(i, 10)
            share = float(evaluation.per_class_accuracy[i])
            if np.isnan(share):  # no digit of this class in the set
                acc.setText("–")
                acc.setToolTip(f"there are no {i}s in the test set")
            else:
                acc.setText(f"{100 * share:.1f}")
                acc.setToolTip(f"{100 * share:.2f}% of the {int(rows[i])} {i}s are read right")

    def _fill_mistakes(self, evaluation: Evaluation) -> None:
        digits = self._evaluator.digits
        shown = [int(i) for i in evaluation.mistakes[:N_MISTAKES]]
        self._mistake_indices = shown
        for k, button in enumerate(self.mistake_buttons):
            if k >= len(shown):
                button.setVisible(False)
                continue
            index = shown[k]
            truth, answer = int(digits.labels[index]), int(evaluation.predictions[index])
            confidence = float(evaluation.confidences[index])
            button.setIcon(QIcon(digit_pixmap(digits.images[index], 40)))
            button.setText(f"{truth}→{answer} {_percent_down(confidence)}")
            button.setToolTip(f"Test digit #{index}: a {truth}, read as {answer} with {100 * confidence:.1f}% "
                              "confidence. Click to show it.")
            button.setVisible(True)
        self.mistakes_label.setVisible(bool(shown))

    @Slot()
    def _on_pending_timer_timeout(self) -> None:
        name = html.escape(self._evaluator.state.network.name)
        self.summary.setText(f"Evaluating <b>{name}</b> on the 10,000 MNIST test digits…")
        self.table.setEnabled(False)

    @Slot(str)
    def _on_evaluator_failed(self, message: str) -> None:
        self.summary.setText(f"Evaluation failed: {message.splitlines()[0]}")

    # -- clicks -------------------------------------------------------------------------------

    @Slot(int, int)
    def _on_table_cell_clicked(self, row: int, col: int) -> None:
        # An empty cell has nothing to browse: the click is ignored rather than emptying the browser.
        if col < 10 and self._evaluation is not None and self._evaluation.confusion[row, col] > 0:
            self.cellActivated.emit(row, col)

    def _on_mistake_clicked(self, k: int) -> None:
        if k < len(self._mistake_indices):
            self.mistakeActivated.emit(self._mistake_indices[k])

