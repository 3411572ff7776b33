"""Thousands of connection lines, drawn fast: sorted batches of opaque pre-blended lines.

A line's look is one of ``2 * LEVELS`` pens (sign x quantised strength). Per new input the
lines are sorted by strength level with NumPy (weakest first, so strong lines end up on top)
and each level is drawn with one ``QPainter.drawLines`` call straight from the NumPy buffer,
with no Python object per line.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets
from shiboken6 import wrapInstance

from ..widgets import colors

LEVELS = 24


def quantise(strength: np.ndarray, sign_positive: np.ndarray, floor: int = 0) -> np.ndarray:
    """Signed strength levels: (n,) int16 in [-LEVELS, LEVELS]; 0 means "not drawn".

    ``strength`` is (n,) in [0, 1]; ``floor`` (0 or 1) is the lowest level of a line that exists:
    1 keeps every line (the weights view draws all of them), 0 drops the invisible ones.
    """
    level = np.ceil(np.clip(strength, 0.0, 1.0) * LEVELS - 0.5).astype(np.int16)
    if floor:
        np.maximum(level, floor, out=level)
    return np.where(sign_positive, level, -level).astype(np.int16)


def share_cap(counts: list[int], cap: int) -> list[int]:
    """Share ``cap`` lines between layers with ``counts`` lines: small layers keep all theirs."""
    allow = [0] * len(counts)
    left, todo = cap, sorted(range(len(counts)), key=lambda i: counts[i])
    while todo:
        share = left // len(todo)
        i = todo.pop(0)
        allow[i] = min(counts[i], share)
        left -= allow[i]
    return allow


def cap_levels(levels: np.ndarray, strength: np.ndarray, allow: int) -> np.ndarray:
    """``levels`` with all but the ``allow`` strongest drawn lines set to 0 (not drawn)."""
    if np.count_nonzero(levels) <= allow:
        return levels
    keep = np.argpartition(-np.where(levels != 0, strength, -1.0), allow - 1)[:allow]
    out = np.zeros_like(levels)
    out[keep] = levels[keep]
    return out


def selection_mask(shape: tuple[int, int], into: int, layer: int, index: int) -> np.ndarray:
    """Which lines into layer ``into`` (weights of ``shape`` (n_out, n_in)) belong to the selected
    neuron (layer, index): its incoming lines, or an input pixel's outgoing ones. (n_out * n_in,)
    bool in ``W.ravel()`` order."""
    n_out, n_in = shape
    mask = np.zeros(n_out * n_in, dtype=bool)
    if layer == into:
        mask[index * n_in:(index + 1) * n_in] = True
    elif layer == 0 and into == 1:
        mask[index::n_in] = True
    return mask


def draw_segments(painter: QtGui.QPainter, segs: np.ndarray) -> None:
    """Draw (n, 4) float64 C-contiguous rows (x0, y0, x1, y1) as lines, without copying."""
    if len(segs):
        painter.drawLines(wrapInstance(segs.ctypes.data, QtCore.QLineF), len(segs))


def _pen(rgb, width: float) -> QtGui.QPen:
    pen = QtGui.QPen(QtGui.QColor(int(rgb[0]), int(rgb[1]), int(rgb[2])))
    pen.setCosmetic(True)
    pen.setWidthF(width)
    pen.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
    return pen


class PenTable:
    """The QPens of every (sign, level), built once: ``pens[key]`` with key = 2 * level + sign."""

    def __init__(self, width: float = 1.0, dim: float = 1.0) -> None:
        table = colors.line_colours(LEVELS, dim=dim)
        self.pens = [_pen(table[key & 1, key >> 1], width) for key in range(2 * LEVELS + 2)]


class LineBatches:
    """Lines grouped by pen, weakest first.

    ``segments`` (n, 4) are all possible lines of one layer; ``set_levels(levels)`` picks the
    drawn ones (level != 0) and sorts them. ``drawn`` is the (m,) indices of the drawn lines into
    ``segments`` in drawing order, ``sorted`` their (m, 4) end points, ``runs`` the list of
    (key, start, stop) slices of ``sorted`` that share a pen.
    """

    def __init__(self, segments: np.ndarray) -> None:
        self.segments = segments
        self.drawn = np.zeros(0, dtype=np.intp)
        self.sorted = np.zeros((0, 4))
        self.runs: list[tuple[int, int, int]] = []
        self.keys = np.zeros(0, dtype=np.int16)

    def __len__(self) -> int:
        return len(self.drawn)

    def set_levels(self, levels: np.ndarray) -> None:
        """``levels`` (n,) signed ints from :func:`quantise`."""
        drawn = np.flatnonzero(levels)
        lv = levels[drawn]
        keys = (2 * np.abs(lv) + (lv > 0)).astype(np.int16)
        order = np.argsort(keys, kind="stable")
        self.drawn = drawn[order]
        self.keys = keys[order]
        self.sorted = np.ascontiguousarray(self.segments[self.drawn])
        if len(self.keys):
            bounds = np.flatnonzero(np.diff(self.keys)) + 1
            starts = np.concatenate([[0], bounds])
            stops = np.concatenate([bounds, [len(self.keys)]])
            self.runs = [(int(self.keys[a]), int(a), int(b)) for a, b in zip(starts, stops)]
        else:
            self.runs = []

    def first_at_level(self, level: int) -> int:
        """Index of the first drawn line (in drawing order) whose level is at least ``level``."""
        return int(np.searchsorted(self.keys, 2 * level))

    def draw(self, painter: QtGui.QPainter, pens: PenTable, segs: np.ndarray | None = None,
             mask: np.ndarray | None = None, first: int = 0) -> None:
        """Draw the batches (or ``segs``, same order and length, e.g. shortened for a pulse).

        With ``mask`` (bool per drawn line), draw only those lines, still batched by pen; with
        ``first``, only the lines from that index on (``segs`` then starts there too).
        """
        segs = self.sorted if segs is None else segs
        for key, a, b in self.runs:
            if b <= first:
                continue
            if first:
                a, b = max(a, first) - first, b - first
            part = segs[a:b]
            if mask is not None:
                part = np.ascontiguousarray(part[mask[a:b]])
                if not len(part):
                    continue
            painter.setPen(pens.pens[key])
            draw_segments(painter, part)


class ConnectionsItem(QtWidgets.QGraphicsObject):
    """All connections into one layer.

    ``reveal`` in [0, 1] draws each line from its source up to that fraction of its length (the
    signal view's animation); 1 is the whole line. With an emphasis mask set (a selected neuron's
    connections), the other lines are drawn dimmed and the emphasised ones bright on top.
    """

    def __init__(self, segments: np.ndarray, pens: PenTable, dim_pens: PenTable,
                 bold_pens: PenTable, parent=None) -> None:
        super().__init__(parent)
        self.batches = LineBatches(segments)
        self._pens, self._dim_pens, self._bold_pens = pens, dim_pens, bold_pens
        self._reveal = 1.0
        self._emphasis: np.ndarray | None = None  # (n,) bool over all segments
        self._scratch = np.zeros((0, 4))
        x0 = min(segments[:, 0].min(), segments[:, 2].min())
        x1 = max(segments[:, 0].max(), segments[:, 2].max())
        y0 = min(segments[:, 1].min(), segments[:, 3].min())
        y1 = max(segments[:, 1].max(), segments[:, 3].max())
        self._bounds = QtCore.QRectF(x0 - 2, y0 - 2, x1 - x0 + 4, y1 - y0 + 4)
        self._cached = False

    # -- state --------------------------------------------------------------------------------

    def set_batches(self, batches: LineBatches, changed: bool = True) -> None:
        """Draw ``batches`` (lines of this layer); ``changed=False`` keeps the cached picture
        when it is the same, unchanged object."""
        if batches is not self.batches or changed:
            self.batches = batches
            self.update()

    def set_reveal(self, fraction: float) -> None:
        fraction = float(min(max(fraction, 0.0), 1.0))
        if fraction != self._reveal:
            self._reveal = fraction
            self._apply_cache_mode()
            self.update()

    def set_cached(self, cached: bool) -> None:
        """Keep the drawn lines as a pixmap at screen resolution while they do not change.

        Worth it only for lines that stay the same across inputs (the weights view): filling the
        cache costs about three times drawing straight to the screen.
        """
        self._cached = bool(cached)
        self._apply_cache_mode()

    def _apply_cache_mode(self) -> None:
        mode = QtWidgets.QGraphicsItem.CacheMode
        wanted = mode.DeviceCoordinateCache if self._cached and self._reveal >= 1.0 else mode.NoCache
        if self.cacheMode() != wanted:
            self.setCacheMode(wanted)

    def reveal(self) -> float:
        return self._reveal

    def set_emphasis(self, mask: np.ndarray | None) -> None:
        if mask is None and self._emphasis is None:
            return
        self._emphasis = mask
        self.update()

    def line_count(self) -> int:
        """Lines drawn when fully revealed."""
        return len(self.batches)

    # -- QGraphicsItem ------------------------------------------------------------------------

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        if self._reveal <= 0.0 or not len(self.batches):
            return
        segs = self.batches.sorted
        if self._reveal < 1.0:
            if self._scratch.shape != segs.shape:
                self._scratch = np.empty_like(segs)
            s = self._scratch
            s[:, 0:2] = segs[:, 0:2]
            s[:, 2:4] = segs[:, 0:2] + self._reveal * (segs[:, 2:4] - segs[:, 0:2])
            segs = s
        if self._emphasis is None:
            self.batches.draw(painter, self._pens, segs)
            return
        strong = self._emphasis[self.batches.drawn]
        self.batches.draw(painter, self._dim_pens, segs, ~strong)
        self.batches.draw(painter, self._bold_pens, segs, strong)


class PulseItem(QtWidgets.QGraphicsObject):
    """Short bright dashes travelling along one layer's connections during the animation."""

    LENGTH = 0.07  # of each line
    MIN_LEVEL = LEVELS // 4  # weaker lines carry no visible pulse: it would only add clutter

    def __init__(self, pens: PenTable, parent=None) -> None:
        super().__init__(parent)
        self._pens = pens
        self.batches: LineBatches | None = None
        self._t = -1.0
        self._segs = np.zeros((0, 4))
        self._first = 0
        self._bounds = QtCore.QRectF()

    def set_batches(self, batches: LineBatches | None, bounds: QtCore.QRectF | None = None) -> None:
        self.prepareGeometryChange()
        self.batches = batches
        self._bounds = QtCore.QRectF(bounds) if bounds is not None else QtCore.QRectF()
        self._t = -1.0
        self.update()

    def set_progress(self, t: float) -> None:
        """Place the dashes at fraction ``t`` of the way (a value outside [0, 1] hides them)."""
        self._t = float(t)
        batches = self.batches
        if batches is not None and 0.0 <= t <= 1.0 and len(batches):
            self._first = batches.first_at_level(self.MIN_LEVEL)
            segs = batches.sorted[self._first:]
            d = segs[:, 2:4] - segs[:, 0:2]
            out = np.empty_like(segs)
            out[:, 0:2] = segs[:, 0:2] + max(t - self.LENGTH, 0.0) * d
            out[:, 2:4] = segs[:, 0:2] + t * d
            self._segs = out
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return self._bounds

    def paint(self, painter: QtGui.QPainter, option, widget=None) -> None:
        batches = self.batches
        if batches is None or not 0.0 <= self._t <= 1.0 or len(self._segs) != len(batches) - self._first:
            return
        batches.draw(painter, self._pens, self._segs, first=self._first)
