"""The drawn-digit test set and a replayer that draws it on a canvas with real mouse events.

``tests/data/drawn_digits.json`` (the GUI tests' small set) and ``benchmarks/data/drawn_benchmark.json``
(the benchmark: a pen-trajectory set and a coarse-polyline set) are made by
``benchmarks/make_drawn_digits.py`` (never from MNIST). Used by the GUI tests and by
``benchmarks/drawn_digits.py``.

The events are real ``QMouseEvent``s sent through ``QApplication.sendEvent``, with the button
held in ``buttons()`` during the moves, exactly as Qt delivers a drag from a mouse (or the mouse
events it synthesises from a tablet or a touch screen).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

DATA = Path(__file__).resolve().parent / "data" / "drawn_digits.json"
BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "drawn_benchmark.json"


@dataclass(frozen=True)
class DrawnDigit:
    """A digit as mouse strokes: ``strokes`` is a list of [(x, y), ...] in the 0..1 canvas square.

    ``group`` names the set it belongs to ("pen", "polyline"; "" for the tests' small set).
    """

    label: int
    variant: str
    strokes: list
    group: str = ""


def load_drawn_digits(path: Path = DATA) -> list[DrawnDigit]:
    doc = json.loads(Path(path).read_text())
    return [DrawnDigit(int(d["label"]), d["variant"], d["strokes"], d.get("set", "")) for d in doc["digits"]]


def to_widget(canvas, x: float, y: float) -> QPointF:
    """A point of the 0..1 canvas square in the canvas widget's coordinates (whole pixels, as a mouse)."""
    rect = canvas.drawing_rect()
    return QPointF(round(rect.left() + x * rect.width()), round(rect.top() + y * rect.height()))


def send_mouse(widget, kind: QEvent.Type, pos: QPointF, button: Qt.MouseButton,
               buttons: Qt.MouseButton) -> bool:
    """Deliver one mouse event to ``widget``; returns whether it was accepted."""
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def press(widget, pos: QPointF, button=Qt.MouseButton.LeftButton) -> None:
    send_mouse(widget, QEvent.Type.MouseButtonPress, pos, button, button)


def move(widget, pos: QPointF, button=Qt.MouseButton.LeftButton) -> None:
    """A move with ``button`` held (``Qt.MouseButton.NoButton`` for a hover)."""
    send_mouse(widget, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, button)


def release(widget, pos: QPointF, button=Qt.MouseButton.LeftButton) -> None:
    send_mouse(widget, QEvent.Type.MouseButtonRelease, pos, button, Qt.MouseButton.NoButton)


def draw_stroke(canvas, points, button=Qt.MouseButton.LeftButton, on_move=None) -> None:
    """Press, move through ``points`` (0..1 canvas coordinates) and release, as a hand would.

    ``on_move`` (optional) is called after each move, e.g. to let timers run.
    """
    last = to_widget(canvas, *points[0])
    press(canvas, last, button)
    for x, y in points[1:]:
        pos = to_widget(canvas, x, y)
        if pos != last:
            move(canvas, pos, button)
            last = pos
            if on_move is not None:
                on_move()
    release(canvas, last, button)


def draw_digit(canvas, strokes, button=Qt.MouseButton.LeftButton) -> None:
    for stroke in strokes:
        draw_stroke(canvas, stroke, button)


def place(strokes, scale: float, centre: tuple[float, float]) -> list:
    """``strokes`` (0..1 square) shrunk about their own box centre by ``scale`` and moved to ``centre``."""
    xs = [x for s in strokes for x, _ in s]
    ys = [y for s in strokes for _, y in s]
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return [[((x - cx) * scale + centre[0], (y - cy) * scale + centre[1]) for x, y in s] for s in strokes]
