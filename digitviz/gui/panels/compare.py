"""A second network beside the first: both read the same drawing, and disagreements stand out.

"Trained versus untrained" is the classic lesson: the same 13,002 connections, random or
learned, and only one of them reads a 7 as a 7.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QRectF, Qt, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ...core.network import Network
from ..models.comparison import Comparison
from ..models.evaluator import Evaluator
from ..models.state import AppState
from ..widgets.accuracy import AccuracyJob

MAIN_COLOUR = QColor("#3b82f6")
SECOND_COLOUR = QColor("#f59e0b")
DISAGREE_STYLE = "background: #7f1d1d; color: white; border-radius: 4px; padding: 4px;"
AGREE_STYLE = "background: #14532d; color: white; border-radius: 4px; padding: 4px;"
IDLE_STYLE = "padding: 4px;"


class PairedBars(QWidget):
    """Ten pairs of bars: the main network's outputs beside the second network's."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._main: np.ndarray | None = None
        self._second: np.ndarray | None = None
        self.setMinimumSize(220, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_outputs(self, main: np.ndarray | None, second: np.ndarray | None) -> None:
        """Each (10,) output activations, or None for no answer."""
        self._main, self._second = main, second
        self.update()

    def paintEvent(self, event) -> None:  # Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        label_h = 16
        top, bottom = 4, h - label_h
        slot = w / 10
        bar_w = slot * 0.36
        text = self.palette().text().color()
        painter.setPen(QPen(text))
        winners = [None if o is None else int(np.argmax(o)) for o in (self._main, self._second)]
        for d in range(10):
            x0 = d * slot
            font = QFont(painter.font())
            font.setBold(d in winners)
            painter.setFont(font)
            painter.drawText(QRectF(x0, bottom, slot, label_h), Qt.AlignmentFlag.AlignCenter, str(d))
            for k, (values, colour) in enumerate(((self._main, MAIN_COLOUR), (self._second, SECOND_COLOUR))):
                if values is None:
                    continue
                value = float(np.clip(values[d], 0.0, 1.0))
                bar_h = max(1.0, value * (bottom - top))
                fill = QColor(colour)
                fill.setAlpha(255 if d == winners[k] else 150)
                painter.fillRect(QRectF(x0 + slot * 0.12 + k * bar_w, bottom - bar_h, bar_w, bar_h), fill)
        painter.end()


class ComparePanel(QWidget):
    """Both answers, side by side, with a banner that says whether they agree."""

    def __init__(self, state: AppState, comparison: Comparison, evaluator: Evaluator,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._comparison = comparison
        self.main_label = QLabel()
        self.second_label = QLabel()
        for label in (self.main_label, self.second_label):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.verdict_label = QLabel()
        self.verdict_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verdict_label.setWordWrap(True)
        self.bars = PairedBars()
        self.second_accuracy = AccuracyJob(evaluator, keep=True)
        self.choose_button = QPushButton("Compare with…")
        self.stop_button = QPushButton("Stop comparing")

        answers = QHBoxLayout()
        answers.addWidget(self.main_label, 1)
        answers.addWidget(self.second_label, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addLayout(answers)
        layout.addWidget(self.verdict_label)
        layout.addWidget(self.bars, 1)
        layout.addWidget(QLabel("Second network's test accuracy:"))
        layout.addWidget(self.second_accuracy)
        layout.addLayout(buttons)

        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        comparison.changed.connect(self._on_comparison_changed)
        state.networkChanged.connect(self._on_comparison_changed)
        self._measured: Network | None = None
        self._on_comparison_changed()

    @Slot()
    def _on_stop_button_clicked(self) -> None:
        self._comparison.set_network(None)

    @Slot()
    def _on_comparison_changed(self) -> None:
        main_net, second_net = self._state.network, self._comparison.network
        main, second = self._state.prediction, self._comparison.result
        self.main_label.setText(_answer_html("Shown", main_net, main, MAIN_COLOUR))
        self.second_label.setText(_answer_html("Compared", second_net, second, SECOND_COLOUR))
        self.main_label.setToolTip(main_net.name)
        self.second_label.setToolTip(second_net.name if second_net is not None else "")
        self.stop_button.setEnabled(second_net is not None)
        self.bars.set_outputs(None if main is None else main[1], None if second is None else second[1])
        if second_net is not self._measured:
            self._measured = second_net
            self.second_accuracy.start(second_net)
        if second_net is None:
            self.verdict_label.setText("Choose a second network to compare with: try the untrained one.")
            self.verdict_label.setStyleSheet(IDLE_STYLE)
        elif main is None or second is None:
            self.verdict_label.setText("Draw a digit: both networks will read it.")
            self.verdict_label.setStyleSheet(IDLE_STYLE)
        elif self._comparison.disagrees:
            self.verdict_label.setText(f"They disagree: {main[0]} against {second[0]}")
            self.verdict_label.setStyleSheet(DISAGREE_STYLE)
        else:
            self.verdict_label.setText(f"Both read {main[0]}")
            self.verdict_label.setStyleSheet(AGREE_STYLE)


def _answer_html(role: str, network: Network | None, answer, colour: QColor) -> str:
    if network is None:
        return f"<span style='color:{colour.name()}'><b>{role}</b></span><br>(none)"
    name = network.name if len(network.name) <= 26 else network.name[:25] + "…"
    name = html.escape(name)
    digit = "–" if answer is None else f"{answer[0]}"
    confidence = "" if answer is None else f"<br>{100 * float(answer[1][answer[0]]):.0f}%"
    # Same number of lines on both sides, so the two answers line up.
    return (f"<span style='color:{colour.name()}'><b>{role}</b></span><br>{name}<br>"
            f"<small>{network.shape_text}</small><br>"
            f"<span style='font-size:28pt'><b>{digit}</b></span>{confidence}")
