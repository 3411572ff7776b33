"""A 28x28 picture of signed values (weights, gradients) in a diverging colormap, with a colour bar.

Blue is positive, white zero, red negative, and the colour scale is always symmetric around zero,
so white means exactly "no influence". Items are built once; updates only hand new arrays to the
existing ImageItem, whose lookup table was computed when the colormap was set.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSimpleTextItem, QWidget

from ..widgets import colors


def _darker(rgb, f: float) -> tuple[int, ...]:
    return tuple(round(c * f) for c in rgb)


# Red for negative, white at zero, blue for positive: the scene's hues (colors.py), running on to
# darker shades at the ends so that strong weights stand out on white as well as they do on black.
DIVERGING = pg.ColorMap(
    pos=np.array([0.0, 0.2, 0.5, 0.8, 1.0]),
    color=np.array([_darker(colors.NEGATIVE, 0.62), colors.NEGATIVE, colors.NEUTRAL, colors.POSITIVE,
                    _darker(colors.POSITIVE, 0.5)], dtype=np.ubyte),
)


def diverging_lut(n: int = 256) -> np.ndarray:
    """(n, 4) uint8 RGBA lookup table of :data:`DIVERGING`; index (n - 1) / 2 is white (zero)."""
    return DIVERGING.getLookupTable(nPts=n, alpha=True)
# Light ink on black, for images that are inputs (0 black, 1 white) rather than signed values:
# the canvas, the network's view and the scene's grid draw digits the same way.
INK = pg.ColorMap(pos=np.array([0.0, 1.0]), color=np.array([(0, 0, 0), (255, 255, 255)], dtype=np.ubyte))


class Caption(QGraphicsSimpleTextItem):
    """Plain text at an anchor point, the same size at any zoom. ``anchor`` is the point of the
    text's box that sits on its position: (0.5, 0) centred below it, (0, 0.5) right of it.

    Plain text needs no text document: setting it is cheap enough for the changes ten times a
    second of a training run (pyqtgraph's TextItem lays out a rich-text document, and moves
    itself each time its view's transform is brought up to date, which repaints the window twice).
    """

    def __init__(self, text: str, font: QFont | None = None, anchor: tuple[float, float] = (0.5, 0.0),
                 colour: QColor = QColor(60, 60, 60)):
        super().__init__(text)
        if font is not None:
            self.setFont(font)
        self.setBrush(QBrush(colour))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self._anchor = anchor
        self._place()

    def set_text(self, text: str) -> None:
        if text != self.text():
            self.setText(text)
            self._place()

    def _place(self) -> None:
        box = self.boundingRect()
        ax, ay = self._anchor
        self.setTransform(QTransform.fromTranslate(-box.width() * ax, -box.height() * ay))


def symmetric_limit(values: np.ndarray) -> float:
    """max |values|, or 1 when all are zero (a colour scale needs a non-empty range)."""
    m = float(np.max(np.abs(values))) if values.size else 0.0
    return m if m > 0.0 and np.isfinite(m) else 1.0


def graphics_widget(parent: QWidget | None = None) -> pg.GraphicsLayoutWidget:
    """A GraphicsLayoutWidget painted in the window's background colour, dark text on it."""
    widget = pg.GraphicsLayoutWidget(parent)
    widget.setBackground(widget.palette().color(QPalette.ColorRole.Window))
    widget.ci.setContentsMargins(2, 2, 2, 2)
    return widget


class PixelImageItem(pg.ImageItem):
    """An ImageItem (row-major: ``image[row, col]``) that reports clicked and hovered pixels.

    Signals
    -------
    pixelClicked(int row, int col) : left click on a pixel.
    pixelHovered(int row, int col) : the mouse is over a pixel; (-1, -1) when it leaves.
    """

    pixelClicked = Signal(int, int)
    pixelHovered = Signal(int, int)

    def __init__(self, **kwargs):
        super().__init__(axisOrder="row-major", **kwargs)

    def _pixel_at(self, pos) -> tuple[int, int] | None:
        if self.image is None:
            return None
        row, col = int(np.floor(pos.y())), int(np.floor(pos.x()))
        h, w = self.image.shape[:2]
        return (row, col) if 0 <= row < h and 0 <= col < w else None

    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            self.pixelHovered.emit(-1, -1)
            return
        ev.acceptClicks(Qt.MouseButton.LeftButton)
        pixel = self._pixel_at(ev.pos())
        self.pixelHovered.emit(*(pixel or (-1, -1)))

    def mouseClickEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        pixel = self._pixel_at(ev.pos())
        if pixel is not None:
            ev.accept()
            self.pixelClicked.emit(*pixel)


class DivergingImage(pg.GraphicsLayout):
    """Title, a square image of signed values and a colour bar beside it, symmetric around zero.

    The colour bar lives in the image's own ViewBox (a 1-pixel-wide gradient image and three
    labels), so it stays next to the picture however the dock is shaped.
    ``set_image(values)`` shows an (h, w) array; ``image()`` returns exactly that array.
    ``item`` is the :class:`PixelImageItem` (connect to its click and hover signals).
    """

    BAR_GAP = 1.0     # data units between the picture and the bar
    BAR_WIDTH = 1.5
    LABEL_ROOM = 14.0 # data units kept free right of the bar for its labels

    def __init__(self, title: str = "", colormap: pg.ColorMap = DIVERGING, symmetric: bool = True):
        super().__init__()
        self._symmetric = symmetric
        self._values: np.ndarray | None = None
        self._levels = (-1.0, 1.0) if symmetric else (0.0, 1.0)
        self.title = self.addLabel(title, row=0, col=0, size="9pt")
        self.view = self.addViewBox(row=1, col=0, lockAspect=True, enableMouse=False, enableMenu=False,
                                    invertY=True, defaultPadding=0.0)
        self.view.setMinimumSize(80, 70)
        self.view.setFlag(self.view.GraphicsItemFlag.ItemIsFocusable, False)  # keys go to the selection
        self.item = PixelImageItem()
        self.item.setColorMap(colormap)
        self.view.addItem(self.item)
        self._frame = pg.QtWidgets.QGraphicsRectItem(0, 0, 28, 28)
        self._frame.setPen(pg.mkPen(150, 150, 150, width=0))
        self.view.addItem(self._frame)
        # The bar: values from high (top) to low (bottom), drawn through the same lookup table.
        self._bar = pg.ImageItem(axisOrder="row-major")
        self._bar.setColorMap(colormap)
        self._bar.setImage(np.linspace(1.0, 0.0, 256).reshape(256, 1), autoLevels=False, levels=(0.0, 1.0))
        self.view.addItem(self._bar)
        self._bar_frame = pg.QtWidgets.QGraphicsRectItem()
        self._bar_frame.setPen(pg.mkPen(150, 150, 150, width=0))
        self.view.addItem(self._bar_frame)
        self._labels = [Caption("", anchor=(0.0, a), colour=QColor(90, 90, 90)) for a in (0.15, 0.5, 0.85)]
        for label in self._labels:
            self.view.addItem(label)
        self._shape: tuple[int, int] | None = None
        self._place((28, 28))

    def _place(self, shape: tuple[int, int]) -> None:
        h, w = shape
        self._shape = shape
        self._frame.setRect(0, 0, w, h)
        x0 = w + self.BAR_GAP
        rect = pg.QtCore.QRectF(x0, 0, self.BAR_WIDTH, h)
        self._bar.setRect(rect)
        self._bar_frame.setRect(rect)
        for label, y in zip(self._labels, (0.0, h / 2, float(h))):
            label.setPos(x0 + self.BAR_WIDTH + 0.3, y)
        self.view.setRange(xRange=(0, x0 + self.BAR_WIDTH + self.LABEL_ROOM), yRange=(0, h), padding=0.02)

    def set_title(self, text: str) -> None:
        if text != self.title.text:  # laying out the rich-text label again costs half a millisecond
            self.title.setText(text, size="9pt")

    def set_image(self, values: np.ndarray, limit: float | None = None) -> None:
        """Show (h, w) ``values``; the colour scale spans +-``limit`` (default max |values|)."""
        values = np.asarray(values)
        if self._symmetric:
            m = limit if limit is not None else symmetric_limit(values)
            levels = (-m, m)
        else:
            levels = (0.0, 1.0)
        self._values = values
        self.item.setImage(values, autoLevels=False, levels=levels)
        if values.shape != self._shape:
            self._place(values.shape)
        if levels != self._levels or not self._labels[0].text():
            self._levels = levels
            lo, hi = levels
            for label, v in zip(self._labels, (hi, (lo + hi) / 2, lo)):
                label.set_text(_short(v))

    def levels(self) -> tuple[float, float]:
        """(low, high) of the colour scale."""
        return self._levels

    def image(self) -> np.ndarray | None:
        """The (h, w) array on display, or None before the first ``set_image``."""
        return self._values

    def value_at(self, row: int, col: int) -> float | None:
        if self._values is None or not (0 <= row < self._values.shape[0] and 0 <= col < self._values.shape[1]):
            return None
        return float(self._values[row, col])


def _short(v: float) -> str:
    """A compact tick label: 0, 0.5, -1.2, 3e-03."""
    if v == 0:
        return "0"
    a = abs(v)
    if a < 0.01:
        mantissa, exponent = f"{v:.1e}".split("e")
        text = f"{mantissa}e{int(exponent)}"
    else:
        text = f"{v:.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "\u2212")
