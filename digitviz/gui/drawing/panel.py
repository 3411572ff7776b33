"""The drawing panel: the canvas, its tools, what the network sees, and the live wiring.

canvas strokes -> ``stroke_steps`` (scaled into 20x20 and drawn at MNIST's stroke width, centred)
-> ``state.set_input``; a canvas that holds more than pen strokes (something erased, an image set)
goes through ``mnist_steps`` (its image cropped, scaled into 20x20, centred) instead. While the
pen moves, at most one evaluation per display frame (a 16 ms coalescing timer) with
``final=False``; when a stroke ends (or clear / undo / redo) at once with ``final=True``.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.preprocess import MnistSteps, mnist_steps, stroke_steps
from ..models.state import AppState
from .canvas import ERASER, PEN, DrawingCanvas
from .input_view import InputView

FRAME_MS = 16


class DrawingPanel(QWidget):
    """Canvas, pen/eraser tools, pen width, Clear / Undo / Redo, and the network's view of it.

    ``show_input(image28)`` shows a 28x28 image on the canvas (upscaled, undoable) and feeds that
    exact image to the network, without preprocessing it again.
    """

    def __init__(self, state: AppState, undo_stack: QUndoStack | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = state
        self.canvas = DrawingCanvas(undo_stack=undo_stack)
        self.input_view = InputView()

        self.pen_button = self._tool_button("Pen", "Draw (left button)")
        self.eraser_button = self._tool_button("Eraser", "Erase with the left button (the right button always erases)")
        self.pen_button.setChecked(True)
        tools = QButtonGroup(self)
        tools.addButton(self.pen_button)
        tools.addButton(self.eraser_button)
        tools.setExclusive(True)
        self.eraser_button.toggled.connect(self._on_eraser_button_toggled)

        self.width_box = QSpinBox()
        self.width_box.setRange(4, 60)
        self.width_box.setSuffix(" px")
        self.width_box.setValue(round(self.canvas.pen_width))
        self.width_box.setToolTip(f"Pen width in canvas pixels (the canvas is {self.canvas.resolution} "
                                  "pixels wide); the default gives MNIST-like strokes")
        self.width_box.valueChanged.connect(self._on_width_box_value_changed)

        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Clear the canvas (Esc or Delete)")
        self.clear_button.clicked.connect(self.canvas.clear)
        self.undo_button = self._tool_button("Undo", "Undo the last stroke (Ctrl+Z)", checkable=False)
        self.redo_button = self._tool_button("Redo", "Redo (Ctrl+Shift+Z)", checkable=False)
        self.undo_button.clicked.connect(self.canvas.undo)
        self.redo_button.clicked.connect(self.canvas.redo)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.canvas.undoAvailable.connect(self.undo_button.setEnabled)
        self.canvas.redoAvailable.connect(self.redo_button.setEnabled)

        row1 = QHBoxLayout()
        row1.setSpacing(4)
        row1.addWidget(self.pen_button)
        row1.addWidget(self.eraser_button)
        row1.addStretch(1)
        width_label = QLabel("Width")
        width_label.setBuddy(self.width_box)
        row1.addWidget(width_label)
        row1.addWidget(self.width_box)
        row2 = QHBoxLayout()
        row2.setSpacing(4)
        row2.addWidget(self.undo_button)
        row2.addWidget(self.redo_button)
        row2.addStretch(1)
        row2.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(row1)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(row2)
        layout.addWidget(self.input_view)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.canvas.drawingChanged.connect(self._on_canvas_drawing_changed)
        self.canvas.imageChanged.connect(self._on_canvas_image_changed)
        state.activationsChanged.connect(self._on_state_activations_changed)
        self._on_state_activations_changed(True)

    @staticmethod
    def _tool_button(text: str, tip: str, checkable: bool = True) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(checkable)
        button.setAutoRaise(False)
        return button

    def make_clear_action(self, parent: QObject) -> QAction:
        """Edit -> Clear canvas (Delete)."""
        clear = QAction("&Clear canvas", parent)
        clear.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        clear.triggered.connect(self.canvas.clear)
        return clear

    # -- feeding the network ----------------------------------------------------------------------

    def show_input(self, image: np.ndarray) -> None:
        """Show a (28, 28) image in [0, 1] on the canvas and feed it to the network as it is."""
        image = np.clip(np.nan_to_num(np.asarray(image, dtype=np.float64).reshape(28, 28)), 0.0, 1.0)
        self._timer.stop()
        self.canvas.set_image(image)  # imageChanged -> _feed: the canvas's source() is this image

    def _feed(self, final: bool) -> None:
        """Send what the canvas shows to the network."""
        self._timer.stop()
        image = self.canvas.image()
        exact = self.canvas.source()
        if exact is not None and exact.shape == (28, 28):
            self.input_view.set_steps(None, image)
            self.state.set_input(exact, final=final)
            return
        steps = drawing_steps(image, self.canvas.strokes())
        self.input_view.set_steps(steps, image)
        self.state.set_input(steps.result, final=final)

    @Slot()
    def _on_canvas_drawing_changed(self) -> None:
        # Coalesce: however many mouse moves arrive, one evaluation per display frame.
        if not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self.canvas.is_drawing():
            self._feed(final=False)

    @Slot()
    def _on_canvas_image_changed(self) -> None:
        self._feed(final=True)

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        x = self.state.input
        self.input_view.set_input(None if x is None else x.reshape(28, 28))

    # -- tools ------------------------------------------------------------------------------------

    @Slot(bool)
    def _on_eraser_button_toggled(self, on: bool) -> None:
        self.canvas.tool = ERASER if on else PEN

    @Slot(int)
    def _on_width_box_value_changed(self, value: int) -> None:
        self.canvas.set_pen_width(value)


def drawing_steps(image: np.ndarray, strokes: list | None) -> MnistSteps:
    """What the network sees of a drawing: its strokes at MNIST's stroke width when the canvas
    knows them (``strokes`` not None), else the preprocessed ``image``. ``cropped`` is always the
    canvas image cropped to its ink, for showing."""
    if strokes is None:
        return mnist_steps(image)
    steps = stroke_steps(strokes)
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    if len(rows) == 0:
        return steps
    return replace(steps, cropped=image[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1])
