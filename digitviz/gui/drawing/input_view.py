"""What the network sees: the 28x28 input, pixelated, and on request the preprocessing steps.

The steps (``mnist_steps``) show the drawing cropped to its ink, scaled into the 20x20 box, and
placed in the 28x28 field with its centre of mass (the red cross) on the field's centre (the
grey cross-hairs): the way the MNIST digits were made, and why a digit drawn small in a corner
reads the same as one drawn large in the middle. Next to them, the canvas scaled straight down
shows what the network would get without that.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...core.preprocess import CENTRE, MnistSteps, centre_of_mass
from ..widgets.images import grey_image

_MARK = QColor(252, 98, 85)
_GUIDE = QColor(120, 120, 120)


class PixelView(QWidget):
    """A small grayscale image drawn with visible pixels, centred in a square, with optional marks.

    ``set_values`` takes (h, w) values in [0, 1]; ``frame`` (a grid size) letterboxes the image in
    a field of that many pixels; ``guides`` draws cross-hairs through the field's centre and
    ``mark`` a cross at a (row, column) point.
    """

    def __init__(self, minimum: int = 48, parent: QWidget | None = None):
        super().__init__(parent)
        self._image: QImage | None = None
        self._shape = (0, 0)
        self._values: np.ndarray | None = None
        self._mark: tuple[float, float] | None = None
        self._guides = False
        self.setMinimumSize(minimum, minimum)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_values(self, values: np.ndarray | None, mark: tuple[float, float] | None = None,
                   guides: bool = False) -> None:
        """Show (h, w) values in [0, 1] (None: an empty field)."""
        if values is None or values.size == 0:
            self._image, self._shape, self._values = None, (0, 0), None
        else:
            self._values = values
            self._image = grey_image(values)
            self._shape = values.shape
        self._mark = mark
        self._guides = guides
        self.update()

    def values(self) -> np.ndarray | None:
        """The (h, w) values on display, or None."""
        return self._values

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(112, 112)

    def _target(self) -> QRectF:
        h, w = self._shape if self._image is not None else (1, 1)
        side = float(min(self.width(), self.height()))
        scale = side / max(h, w)
        tw, th = w * scale, h * scale
        return QRectF((self.width() - tw) / 2, (self.height() - th) / 2, tw, th)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Window))
        side = float(min(self.width(), self.height()))
        field = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        painter.fillRect(field, QColor(0, 0, 0))
        if self._image is not None:
            target = self._target()
            painter.drawImage(target, self._image)  # no smoothing: the pixels stay visible
            px = target.width() / self._shape[1]
            if self._guides:
                painter.setPen(QPen(_GUIDE, 1.0, Qt.PenStyle.DashLine))
                c = (CENTRE + 0.5) * px
                painter.drawLine(QPointF(target.left() + c, target.top()), QPointF(target.left() + c, target.bottom()))
                painter.drawLine(QPointF(target.left(), target.top() + c), QPointF(target.right(), target.top() + c))
            if self._mark is not None and np.all(np.isfinite(self._mark)):
                r, c = self._mark
                centre = QPointF(target.left() + (c + 0.5) * px, target.top() + (r + 0.5) * px)
                arm = max(3.0, 1.2 * px)
                painter.setPen(QPen(_MARK, 2.0))
                painter.drawLine(centre - QPointF(arm, 0), centre + QPointF(arm, 0))
                painter.drawLine(centre - QPointF(0, arm), centre + QPointF(0, arm))
        painter.setPen(QPen(QColor(110, 110, 110), 1.0))
        painter.drawRect(field.adjusted(0.5, 0.5, -0.5, -0.5))
        painter.end()


def _caption(text: str, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(wrap)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.85)
    label.setFont(font)
    return label


def scaled_down(image: np.ndarray, size: int = 28) -> np.ndarray:
    """(size, size): ``image`` averaged over equal blocks, with no cropping or centring."""
    edges_r = np.linspace(0, image.shape[0], size + 1).round().astype(int)
    edges_c = np.linspace(0, image.shape[1], size + 1).round().astype(int)
    rows = np.add.reduceat(image, edges_r[:-1], axis=0) / np.diff(edges_r)[:, None]
    return np.add.reduceat(rows, edges_c[:-1], axis=1) / np.diff(edges_c)[None, :]


class InputView(QWidget):
    """The network's 28x28 input, pixelated, or (with "Show the steps") how a drawing became it.

    ``set_input`` shows the (28, 28) input; ``set_steps`` gives the preprocessing stages of the
    drawing and the canvas image (steps None: the input was fed as it is, e.g. a test digit).
    The steps are worked out and drawn only while the toggle is on. Both views take about the
    same height, so turning the steps on does not squeeze the canvas.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.input_view = PixelView(84)
        self.input_view.setToolTip("The 28x28 picture the network reads: 784 numbers from 0 (black) to 1 (white).")
        # 4 screen pixels per input pixel (device-independent): big enough to read, small enough
        # to leave the canvas its room.
        self.input_view.setFixedSize(4 * 28 + 2, 4 * 28 + 2)
        self.steps_box = QCheckBox("Show the steps")
        self.steps_box.setToolTip("How a drawing becomes the network's input: crop, scale into 20x20, centre")
        self.steps_box.toggled.connect(self._on_steps_box_toggled)

        explain = QLabel("784 numbers from 0 (black) to 1 (white). A drawing is cropped to its ink, "
                         "scaled into 20x20 and centred by its centre of mass, like the MNIST digits.")
        explain.setWordWrap(True)
        small = explain.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        explain.setFont(small)
        self.plain = QWidget()
        plain = QHBoxLayout(self.plain)
        plain.setContentsMargins(0, 0, 0, 0)
        plain.setSpacing(8)
        plain.addWidget(self.input_view, 0, Qt.AlignmentFlag.AlignTop)
        plain.addWidget(explain, 1, Qt.AlignmentFlag.AlignTop)

        self.cropped_view = PixelView()
        self.scaled_view = PixelView()
        self.centred_view = PixelView()
        self.naive_view = PixelView()
        self.cropped_view.setToolTip("Cropped to the ink's bounding box.")
        self.scaled_view.setToolTip("The longer side scaled to 20 pixels, keeping the aspect ratio.")
        self.centred_view.setToolTip("Placed in 28x28 so that its centre of mass (red cross) sits on the "
                                     "centre (dashed lines), as in MNIST: this is the network's input.")
        self.naive_view.setToolTip("The whole canvas scaled down to 28x28, without cropping or centring: "
                                   "what the network would get without the MNIST preprocessing.")
        self.steps = QWidget()
        grid = QGridLayout(self.steps)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(2)
        # Short captions (one line each, the tooltips say more) keep both views the same height.
        tiles = [(self.cropped_view, "1. Crop"), (self.scaled_view, "2. 20x20"),
                 (self.centred_view, "3. Centre"), (self.naive_view, "Shrunk only")]
        for i, (view, text) in enumerate(tiles):
            view.setFixedHeight(64)
            caption = _caption(text, wrap=False)
            caption.setToolTip(view.toolTip())
            grid.addWidget(view, 0, i)
            grid.addWidget(caption, 1, i)
            grid.setColumnStretch(i, 1)
        self.fed_note = _caption("A 28x28 image fed as it is: no preprocessing.")
        self.fed_note.hide()
        grid.addWidget(self.fed_note, 2, 0, 1, 4)
        self.steps.setVisible(False)

        header = QHBoxLayout()
        header.addWidget(QLabel("<b>What the network sees</b>"))
        header.addStretch(1)
        header.addWidget(self.steps_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.plain)
        layout.addWidget(self.steps)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._input: np.ndarray | None = None
        self._steps: MnistSteps | None = None
        self._canvas_image: np.ndarray | None = None

    @property
    def steps_shown(self) -> bool:
        return self.steps_box.isChecked()

    def set_steps_shown(self, shown: bool) -> None:
        self.steps_box.setChecked(shown)

    def set_input(self, image: np.ndarray | None) -> None:
        """Show the (28, 28) input in [0, 1]; None for no input."""
        self._input = None if image is None else np.asarray(image, dtype=float).reshape(28, 28)
        self.input_view.set_values(self._input)
        if self.steps_shown and self._steps is None:
            self._show_steps()

    def set_steps(self, steps: MnistSteps | None, canvas_image: np.ndarray | None) -> None:
        """The stages of the current drawing (None: fed as it is) and the (n, n) canvas image."""
        self._steps, self._canvas_image = steps, canvas_image
        if self.steps_shown:
            self._show_steps()

    def _show_steps(self) -> None:
        steps = self._steps
        canvas = self._canvas_image
        self.naive_view.set_values(None if canvas is None or not canvas.any() else scaled_down(canvas))
        fed = steps is None and self._input is not None
        self.fed_note.setVisible(fed)
        if steps is None or steps.cropped.size == 0:
            self.cropped_view.set_values(None)
            self.scaled_view.set_values(None)
            self.centred_view.set_values(self._input if fed else None)
            return
        self.cropped_view.set_values(steps.cropped)
        self.scaled_view.set_values(steps.scaled)
        self.centred_view.set_values(steps.result, mark=centre_of_mass(steps.result), guides=True)

    @Slot(bool)
    def _on_steps_box_toggled(self, shown: bool) -> None:
        self.plain.setVisible(not shown)
        self.steps.setVisible(shown)
        if shown:
            self._show_steps()
