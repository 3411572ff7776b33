"""The drawn-digit test set and a replayer that draws it on a canvas with real mouse events.

``tests/data/drawn_digits.json`` is made by ``benchmarks/make_drawn_digits.py`` (never from
MNIST). Used by the GUI tests and by ``benchmarks/drawn_digits.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

DATA = Path(__file__).resolve().parent / "data" / "drawn_digits.json"


@dataclass(frozen=True)
class DrawnDigit:
    """A digit as mouse strokes: ``strokes`` is a list of [(x, y), ...] in the 0..1 canvas square."""

    label: int
    variant: str
    strokes: list


def load_drawn_digits(path: Path = DATA) -> list[DrawnDigit]:
    doc = json.loads(Path(path).read_text())
    return [DrawnDigit(int(d["label"]), d["variant"], d["strokes"]) for d in doc["digits"]]


def to_widget(canvas, x: float, y: float) -> QPoint:
    """A point of the 0..1 canvas square in the canvas widget's coordinates."""
    rect = canvas.drawing_rect()
    return QPoint(round(rect.left() + x * rect.width()), round(rect.top() + y * rect.height()))


def draw_stroke(canvas, points, button=Qt.MouseButton.LeftButton) -> None:
    """Press, move through ``points`` (0..1 canvas coordinates) and release, as a hand would."""
    first = to_widget(canvas, *points[0])
    QTest.mousePress(canvas, button, Qt.KeyboardModifier.NoModifier, first)
    last = first
    for x, y in points[1:]:
        pos = to_widget(canvas, x, y)
        if pos != last:
            QTest.mouseMove(canvas, pos)
            last = pos
    QTest.mouseRelease(canvas, button, Qt.KeyboardModifier.NoModifier, last)


def draw_digit(canvas, strokes, button=Qt.MouseButton.LeftButton) -> None:
    for stroke in strokes:
        draw_stroke(canvas, stroke, button)
