"""The prediction: the winning digit, big, how sure the network is, and all ten outputs as bars.

It follows ``AppState.activationsChanged``, at display rate while the pen moves, so an update
only stores ten numbers and asks for a repaint: no widgets are made or rebuilt. Connected to the
scene's ``outputsShown`` (:meth:`PredictionPanel.show_outputs`), it follows what the scene's output
column shows instead, so an animated answer appears here when the signal arrives there.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Slot
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..models.state import AppState

_WIN = QColor(88, 196, 221)  # the scene's blue
_BAR = QColor(150, 150, 150)
_TRACK = QColor(128, 128, 128, 40)


class OutputBars(QWidget):
    """Ten horizontal bars, labelled 0-9, for output activations in [0, 1]; the winner in colour."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._values: np.ndarray | None = None
        self._winner = -1
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_values(self, values: np.ndarray | None) -> None:
        """(10,) activations, or None for no input (empty tracks)."""
        self._values = None if values is None else np.asarray(values, dtype=float).copy()
        self._winner = -1 if values is None else int(np.argmax(values))
        self.update()

    def values(self) -> np.ndarray | None:
        return None if self._values is None else self._values.copy()

    def _row_height(self) -> float:
        return QFontMetricsF(self.font()).height() * 1.25

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(200, round(self._row_height() * 10 + 4))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(120, round(QFontMetricsF(self.font()).height() * 10 + 4))

    def bar_rect(self, digit: int) -> QRectF:
        """The track of ``digit``'s bar, in widget coordinates."""
        return self._tracks()[digit]

    def _tracks(self) -> list[QRectF]:
        fm = QFontMetricsF(self.font())
        label_w = fm.horizontalAdvance("0") + 8
        value_w = fm.horizontalAdvance("0.00") + 8
        row = (self.height() - 4) / 10
        width = max(1.0, self.width() - label_w - value_w)
        return [QRectF(label_w, 2 + d * row + row * 0.15, width, row * 0.7) for d in range(10)]

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        plain = QFont(painter.font())
        bold = QFont(plain)
        bold.setBold(True)
        painter.setPen(text if self._values is not None else muted)
        for d, track in enumerate(self._tracks()):
            painter.fillRect(track, _TRACK)
            label = QRectF(0, track.top() - track.height() * 0.2, track.left() - 4, track.height() * 1.4)
            winner = d == self._winner
            painter.setFont(bold if winner else plain)
            painter.drawText(label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(d))
            if self._values is None:
                continue
            v = float(min(max(self._values[d], 0.0), 1.0))
            painter.fillRect(QRectF(track.left(), track.top(), track.width() * v, track.height()),
                             _WIN if winner else _BAR)
            value = QRectF(track.right() + 4, label.top(), self.width() - track.right() - 4, label.height())
            painter.drawText(value, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, f"{v:.2f}")
        painter.end()


class PredictionPanel(QWidget):
    """The network's answer for the current input, or an honest "Draw a digit" when there is none."""

    def __init__(self, state: AppState, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.digit_label = QLabel()
        self.digit_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 3.6)
        big.setBold(True)
        self.digit_label.setFont(big)
        self.digit_label.setMinimumWidth(round(QFontMetricsF(big).horizontalAdvance("8") * 1.6))
        self.confidence_label = QLabel()
        self.confidence_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.confidence_label.setWordWrap(True)
        self.bars = OutputBars()
        self.bars.setToolTip("The ten output neurons' activations: the brightest is the answer")

        # The answer on the left, the ten bars beside it: short enough to stay on a 768-pixel screen.
        answer = QVBoxLayout()
        answer.setSpacing(2)
        answer.addStretch(1)
        answer.addWidget(self.digit_label)
        answer.addWidget(self.confidence_label)
        answer.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.setSpacing(8)
        layout.addLayout(answer, 2)
        layout.addWidget(self.bars, 3)
        self._paced = False
        state.activationsChanged.connect(self._on_state_activations_changed)
        self._on_state_activations_changed(True)

    @Slot(object)
    def show_outputs(self, outputs) -> None:
        """Show ``outputs``, the (n_out,) values the scene's output column shows now (None: no
        input). Once called, the panel follows these rather than the state's activations."""
        self._paced = True
        self._show(None if outputs is None else np.asarray(outputs, dtype=float))

    def outputs(self) -> np.ndarray | None:
        """The output values on display, or None."""
        return self.bars.values()

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        if self._paced:
            return
        prediction = self.state.prediction
        self._show(None if prediction is None else prediction[1])

    def _show(self, outputs: np.ndarray | None) -> None:
        if outputs is None:
            self.digit_label.setText("–")
            self.digit_label.setEnabled(False)
            self.confidence_label.setText("Draw a digit")
            self.bars.set_values(None)
            return
        digit = int(np.argmax(outputs))
        self.digit_label.setEnabled(True)
        self.digit_label.setText(str(digit))
        self.confidence_label.setText(self._confidence_text(digit, outputs))
        self.bars.set_values(outputs)

    def _confidence_text(self, digit: int, outputs: np.ndarray) -> str:
        runner = int(np.argsort(outputs)[-2]) if outputs.size > 1 else digit
        if self.state.network.output_activation == "softmax":
            return f"{percent(outputs[digit])} sure\nnext: {runner} ({percent(outputs[runner])})"
        # Sigmoid outputs are ten separate yes/no answers, not probabilities that sum to 1.
        return f"output {value(outputs[digit])}\nnext: {runner} ({value(outputs[runner])})"


def percent(p: float) -> str:
    """A probability for people: never "100%" unless it is 1, never "0%" unless it is 0.

    0.998 -> "99.8%", 0.9996 -> ">99.9%", 0.42 -> "42%", 0.003 -> "<1%".
    """
    p = float(p)
    if p >= 1.0 or p <= 0.0:
        return f"{p:.0%}"
    if p >= 0.999:
        return ">99.9%"
    if p >= 0.99:
        return f"{math.floor(p * 1000) / 10:.1f}%"
    if p < 0.01:
        return "<1%"
    return f"{min(round(p * 100), 99)}%"


def value(v: float) -> str:
    """An output in [0, 1] with two decimals that never round to a certainty: ">0.99", "<0.01"."""
    v = float(v)
    if 0.995 <= v < 1.0:
        return ">0.99"
    if 0.0 < v < 0.005:
        return "<0.01"
    return f"{v:.2f}"
