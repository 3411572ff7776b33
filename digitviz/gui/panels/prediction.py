"""The prediction: the winning digit, big, how sure the network is, and all ten outputs as bars.

It follows ``AppState.activationsChanged``, at display rate while the pen moves, so an update
only stores ten numbers and asks for a repaint: no widgets are made or rebuilt.
"""

from __future__ import annotations

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
        fm = QFontMetricsF(self.font())
        label_w = fm.horizontalAdvance("0") + 8
        value_w = fm.horizontalAdvance("0.00") + 8
        row = (self.height() - 4) / 10
        return QRectF(label_w, 2 + digit * row + row * 0.15, max(1.0, self.width() - label_w - value_w), row * 0.7)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        for d in range(10):
            track = self.bar_rect(d)
            painter.fillRect(track, _TRACK)
            label = QRectF(0, track.top() - track.height() * 0.2, track.left() - 4, track.height() * 1.4)
            bold = d == self._winner
            font = painter.font()
            font.setBold(bold)
            painter.setFont(font)
            painter.setPen(text if self._values is not None else muted)
            painter.drawText(label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(d))
            if self._values is None:
                continue
            v = float(np.clip(self._values[d], 0.0, 1.0))
            painter.fillRect(QRectF(track.left(), track.top(), track.width() * v, track.height()),
                             _WIN if bold else _BAR)
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
        state.activationsChanged.connect(self._on_state_activations_changed)
        self._on_state_activations_changed(True)

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        prediction = self.state.prediction
        if prediction is None:
            self.digit_label.setText("–")
            self.digit_label.setEnabled(False)
            self.confidence_label.setText("Draw a digit")
            self.bars.set_values(None)
            return
        digit, outputs = prediction
        self.digit_label.setEnabled(True)
        self.digit_label.setText(str(digit))
        self.confidence_label.setText(self._confidence_text(digit, outputs))
        self.bars.set_values(outputs)

    def _confidence_text(self, digit: int, outputs: np.ndarray) -> str:
        runner = int(np.argsort(outputs)[-2]) if outputs.size > 1 else digit
        if self.state.network.output_activation == "softmax":
            return f"{outputs[digit]:.0%} sure\nnext: {runner} ({outputs[runner]:.0%})"
        # Sigmoid outputs are ten separate yes/no answers, not probabilities that sum to 1.
        return f"output {outputs[digit]:.2f}\nnext: {runner} ({outputs[runner]:.2f})"
