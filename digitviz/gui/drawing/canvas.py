"""The drawing canvas: a square grayscale image the user draws on with the mouse.

The canvas owns its image (ink high, 0 = paper) at a fixed resolution, independent of the
widget's size on screen, so a digit drawn on a small laptop panel or a 4K display gives the
same pixels. Each stroke is rendered as one smooth anti-aliased path with round caps and joins
onto a copy of the image as it was before the stroke, so undo and redo restore it exactly.
The canvas also keeps the points of its pen strokes (``strokes()``), so that a drawing can be
rendered for the network at MNIST's stroke width whatever its size (``core.preprocess.stroke_steps``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPalette, QPen, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..models.undo import make_undo_stack
from ..widgets.images import grey_image

RESOLUTION = 280
# By measurement on the drawn-digit set (benchmarks/drawn_digits.py --pen-width): a stroke of
# about 1/14 of the canvas gives MNIST-like 2-3 pixel strokes for digits drawn at a natural size.
DEFAULT_PEN_FRACTION = 1 / 14

PEN = "pen"
ERASER = "eraser"


class DrawingCanvas(QWidget):
    """A square drawing surface.

    Left button draws (or erases when ``tool`` is ``"eraser"``), right button always erases.
    Escape and Delete clear it when it has the keyboard focus; the window's Edit menu offers
    the same and undo/redo.

    Signals
    -------
    drawingChanged() : the image changed while a stroke is still being drawn.
    imageChanged() : the image settled: a stroke ended, or clear / undo / redo / set_image.
    """

    drawingChanged = Signal()
    imageChanged = Signal()
    undoAvailable = Signal(bool)
    redoAvailable = Signal(bool)

    def __init__(self, resolution: int = RESOLUTION, parent: QWidget | None = None,
                 undo_stack: QUndoStack | None = None):
        super().__init__(parent)
        self._resolution = int(resolution)
        self._image = self._blank()
        self._source: np.ndarray | None = None  # the array set_image showed, while still shown
        # The pen strokes that made the image, as (m, 2) arrays of image points; None once the
        # image holds something else too (an eraser stroke, an image set with set_image).
        self._strokes: list[np.ndarray] | None = []
        self._before: QImage | None = None  # the image when the current stroke began
        self._points: list[QPointF] = []
        self._stroke_erases = False
        self._stroke_button = Qt.MouseButton.NoButton
        # Strokes go on the window's one undo history when it hands us one; alone, on our own.
        self._stack = undo_stack if undo_stack is not None else make_undo_stack(self)
        self._stack.canUndoChanged.connect(self.undoAvailable)
        self._stack.canRedoChanged.connect(self.redoAvailable)
        self.pen_width = float(round(self._resolution * DEFAULT_PEN_FRACTION))
        self.eraser_width = 2.0 * self.pen_width
        self.tool = PEN
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 220)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMouseTracking(True)  # to show the pen's outline under the pointer
        self._hover: QPointF | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setToolTip("Draw a digit with the left button; the right button erases.")

    # -- public API -------------------------------------------------------------------------------

    @property
    def resolution(self) -> int:
        """Side of the square image in image pixels."""
        return self._resolution

    def image(self) -> np.ndarray:
        """(resolution, resolution) float32 in [0, 1], ink high: what has been drawn so far."""
        return self._to_array(self._image)

    def strokes(self) -> list[np.ndarray] | None:
        """The pen strokes drawn so far, the current one included, each (m, 2) float64 (x, y) in
        image pixels (y down), in the order drawn; None when the image is not made of pen strokes
        alone (something was erased, or an image was set with ``set_image``)."""
        if self._strokes is None:
            return None
        if self.is_drawing():
            if self._stroke_erases:
                return None
            return self._strokes + [self._points_array()]
        return list(self._strokes)

    def is_empty(self) -> bool:
        return not self.image().any()

    def is_drawing(self) -> bool:
        return self._before is not None

    @property
    def undo_stack(self) -> QUndoStack:
        """The undo history the canvas pushes its steps onto (shared with the window's other edits)."""
        return self._stack

    def can_undo(self) -> bool:
        return self._stack.canUndo()

    def can_redo(self) -> bool:
        return self._stack.canRedo()

    @Slot()
    def clear(self) -> None:
        """Wipe the canvas (undoable, unless it is already empty)."""
        self._cancel_stroke()
        if self.is_empty():
            return
        self._push_step(self._blank(), "clear", strokes=[])

    @Slot()
    def undo(self) -> None:
        """Go back one step of the undo history: a stroke, clear or set_image (or, on the window's
        shared history, whatever came last)."""
        self._cancel_stroke()
        self._stack.undo()

    @Slot()
    def redo(self) -> None:
        """Redo what undo took back."""
        self._cancel_stroke()
        self._stack.redo()

    def source(self) -> np.ndarray | None:
        """The array last given to :meth:`set_image` while the canvas still shows exactly it
        (no stroke or clear since, or undone back to it); None for a drawing."""
        return self._source

    def set_image(self, image) -> None:
        """Show ``image`` (any 2-D array, ink high, values in [0, 1]) scaled to fill the canvas.

        Replaces the strokes (undoable); :meth:`source` returns ``image`` until the next stroke.
        Used to show a test digit fed to the network.
        """
        a = np.nan_to_num(np.asarray(image, dtype=np.float64), nan=0.0)
        if a.ndim != 2:
            raise ValueError(f"set_image takes a 2-D image, got shape {a.shape}")
        self._cancel_stroke()
        small = grey_image(np.clip(a, 0.0, 1.0))
        scaled = small.scaled(
            self._resolution, self._resolution, Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        ).convertToFormat(QImage.Format.Format_Grayscale8)
        self._push_step(scaled, "shown image", source=np.clip(a, 0.0, 1.0), strokes=None)

    def drawing_rect(self) -> QRectF:
        """The square, in widget coordinates, where the image is shown (centred, letterboxed)."""
        side = float(min(self.width(), self.height()))
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def set_pen_width(self, width: float) -> None:
        """Pen width in image pixels (the canvas is ``resolution`` pixels wide)."""
        self.pen_width = float(max(1.0, width))
        self.eraser_width = 2.0 * self.pen_width

    # -- mouse, tablet and touch (Qt synthesises mouse events from the latter two) ----------------

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        button = event.button()
        if button not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            event.ignore()
            return
        if self.is_drawing():
            if button != self._stroke_button and event.buttons() & self._stroke_button:
                event.ignore()  # a second button during a stroke: the stroke goes on
                return
            # The stroke's button is pressed again, so its release went elsewhere (a grab was
            # lost): close that stroke first.
            self._finish_stroke()
        self._stroke_button = button
        self._stroke_erases = button == Qt.MouseButton.RightButton or self.tool == ERASER
        self._before = self._image.copy()
        self._points = [self._to_image_point(event.position())]
        self._render_stroke()
        event.accept()
        self.drawingChanged.emit()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._hover = event.position()
        if not self.is_drawing():
            self.update()  # the pen outline follows the pointer
            event.ignore()
            return
        if not event.buttons() & self._stroke_button:
            # The release went elsewhere (a grab was lost, a window popped up): end the stroke
            # here rather than keep drawing with the button up.
            self._finish_stroke()
            event.accept()
            return
        point = self._to_image_point(event.position())
        if point != self._points[-1]:
            self._points.append(point)
            self._render_stroke()
            self.drawingChanged.emit()
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        if not self.is_drawing() or event.button() != self._stroke_button:
            event.ignore()
            return
        point = self._to_image_point(event.position())
        if point != self._points[-1]:
            self._points.append(point)
            self._render_stroke()
        self._finish_stroke()
        event.accept()

    def _finish_stroke(self) -> None:
        """Close the current stroke: one undo step if it changed anything; ``imageChanged``."""
        before = self._before
        points = self._points_array()
        self._before = None
        self._points = []
        if self._to_array(before).tobytes() != self._to_array(self._image).tobytes():
            text = "eraser stroke" if self._stroke_erases else "stroke"
            strokes = None if self._strokes is None or self._stroke_erases else self._strokes + [points]
            step = _CanvasStep(self, (before, self._source, self._strokes), (self._image, None, strokes), text)
            self._source = None
            self._strokes = strokes
            self._stack.push(step)
        self.imageChanged.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.is_drawing() or not self.is_empty()
        ):
            # On an empty canvas the key goes on to the window (Esc also clears a selection).
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- painting ---------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(280, 280)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return width

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Window))
        target = self.drawing_rect()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(target, self._image)
        if self.hasFocus():
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 1.5))
        else:
            painter.setPen(QPen(QColor(110, 110, 110), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(target.adjusted(0.5, 0.5, -0.5, -0.5))
        if not self.is_drawing() and self.is_empty():
            painter.setPen(QColor(150, 150, 150))
            painter.drawText(target, Qt.AlignmentFlag.AlignCenter, "Draw a digit here")
        if self._hover is not None and target.contains(self._hover):
            # The pen's (or eraser's) size on screen, so the stroke width is no surprise.
            width = self.eraser_width if self.tool == ERASER else self.pen_width
            radius = width / 2 * target.width() / self._resolution
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(QColor(128, 128, 128), 1.0))
            painter.drawEllipse(self._hover, radius, radius)
        painter.end()

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.update()
        super().focusOutEvent(event)

    # -- internals --------------------------------------------------------------------------------

    def _blank(self) -> QImage:
        image = QImage(self._resolution, self._resolution, QImage.Format.Format_Grayscale8)
        image.fill(0)
        return image

    def _to_image_point(self, pos: QPointF) -> QPointF:
        target = self.drawing_rect()
        scale = self._resolution / max(target.width(), 1.0)
        return QPointF((pos.x() - target.left()) * scale, (pos.y() - target.top()) * scale)

    def _render_stroke(self) -> None:
        """Redraw the whole current stroke onto the image it started from."""
        image = self._before.copy()
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(0, 0, 0) if self._stroke_erases else QColor(255, 255, 255)
        width = self.eraser_width if self._stroke_erases else self.pen_width
        points = self._points
        if len(points) == 1:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(colour))
            painter.drawEllipse(points[0], width / 2, width / 2)
        else:
            painter.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                Qt.PenJoinStyle.RoundJoin))
            painter.drawPath(_smooth_path(points))
        painter.end()
        self._image = image
        self.update()

    def _cancel_stroke(self) -> None:
        """Abandon a stroke in progress (keeping what was drawn before it)."""
        if self._before is not None:
            self._image = self._before
            self._before = None
            self._points = []

    def _push_step(self, image: QImage, text: str, source: np.ndarray | None = None,
                   strokes: list | None = None) -> None:
        """Show ``image`` as one undoable step named ``text`` in the Edit menu."""
        self._stack.push(_CanvasStep(self, (self._image, self._source, self._strokes), (image, source, strokes),
                                     text, shown=False))

    def _points_array(self) -> np.ndarray:
        # Clipped to the image, as the ink is: a drag may leave the canvas.
        points = np.array([(p.x(), p.y()) for p in self._points], dtype=np.float64).reshape(-1, 2)
        return np.clip(points, 0.0, float(self._resolution))

    def _restore(self, content: tuple[QImage, np.ndarray | None, list | None]) -> None:
        """Show ``(image, source, strokes)`` (an undo or redo step)."""
        self._cancel_stroke()
        self._image, self._source, self._strokes = content
        self._settled()

    def _settled(self) -> None:
        self.update()
        self.imageChanged.emit()

    @staticmethod
    def _to_array(image: QImage) -> np.ndarray:
        h, w, stride = image.height(), image.width(), image.bytesPerLine()
        raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=h * stride).reshape(h, stride)
        return raw[:, :w].astype(np.float32) / 255.0


class _CanvasStep(QUndoCommand):
    """One step of the canvas: ``(image, source, strokes)`` before and after a stroke, clear or set_image.

    ``shown`` says whether the canvas already shows ``after`` (a stroke drawn live) so that the
    first redo, which QUndoStack.push runs, does not repeat it.
    """

    def __init__(self, canvas: DrawingCanvas, before: tuple, after: tuple, text: str, shown: bool = True):
        super().__init__(text)
        self._canvas, self._before, self._after, self._shown = canvas, before, after, shown

    def redo(self) -> None:
        if self._shown:
            self._shown = False  # the stroke is on screen already
            return
        self._canvas._restore(self._after)

    def undo(self) -> None:
        self._canvas._restore(self._before)


def _smooth_path(points: Sequence[QPointF]) -> QPainterPath:
    """A path through ``points`` smoothed with quadratic curves between segment midpoints."""
    path = QPainterPath(points[0])
    if len(points) == 2:
        path.lineTo(points[1])
        return path
    for i in range(1, len(points) - 1):
        mid = (points[i] + points[i + 1]) / 2
        path.quadTo(points[i], mid)
    path.lineTo(points[-1])
    return path
