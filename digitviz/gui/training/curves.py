"""The Training dock's live curves: smoothed cost per mini-batch and test accuracy at checkpoints.

Built from the :class:`TrainingSession` it shows. While a run goes on the curves redraw a few
times a second (pyqtgraph's axes are the costly part to paint), over the whole run's width from
the start so the axes stay put while the curves grow; a dashed line marks the snapshot shown.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QElapsedTimer, Qt, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QGraphicsItem, QSizePolicy, QWidget

from ..models.training import TrainingSession
from ..widgets.colors import POSITIVE, WINNER

PLOT_INTERVAL_MS = 400  # how often the curves redraw while training
MIN_HEIGHT = 90  # pixels: what the panel keeps for the curves, also before they are made
AXIS_WIDTH = 36  # pixels for the y axis' tick labels ("0.25", "2.5", "12")
_ROUND_TOPS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def cost_axis_top(highest: float) -> float:
    """A round number at least a tenth above ``highest`` (> 0), 1.0 for none: the cost axis
    grows in a few readable steps, each of which lays its ticks out again (about 10 ms)."""
    if not highest > 0:
        return 1.0
    wanted = highest * 1.1
    scale = 10.0 ** math.floor(math.log10(wanted))
    return next(n * scale for n in _ROUND_TOPS if n * scale >= wanted)


class TrainingCurves(pg.GraphicsLayoutWidget):
    """Two plots side by side: ``cost_plot`` and ``accuracy_plot``."""

    def __init__(self, session: TrainingSession, parent: QWidget | None = None):
        super().__init__(parent)
        self._session = session
        self.setBackground(self.palette().color(QPalette.ColorRole.Window))
        self.ci.setContentsMargins(2, 2, 2, 2)
        self.setMinimumHeight(MIN_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # Small titles and no x-axis label (the tooltips and the status line say "mini-batches"):
        # on a 768-pixel screen the plots get little height.
        self.cost_plot = self.addPlot()
        self.accuracy_plot = self.addPlot()
        self.cost_plot.setTitle("cost (smoothed)", size="8pt")
        self.accuracy_plot.setTitle("test accuracy", size="8pt")
        self.cost_plot.setToolTip("The training cost of each mini-batch, smoothed; x: mini-batches trained")
        self.accuracy_plot.setToolTip("On 1,000 MNIST test digits (every 10th), at checkpoints and snapshots; "
                                      "x: mini-batches trained")
        for plot in (self.cost_plot, self.accuracy_plot):
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.setMenuEnabled(False)
            plot.getViewBox().setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            # The axes (and the grid lines they draw) stay put during a run: kept as pixmaps, they
            # cost a blit per paint instead of replaying their recorded drawing (5 ms a paint).
            for side in ("left", "bottom"):
                plot.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            # Fixed sizes: new tick labels (the first points of a run, a higher cost) then never
            # lay the plots out again, which took several repaints of the whole widget.
            plot.getAxis("left").setWidth(AXIS_WIDTH)
        self.cost_plot.setClipToView(True)
        self.cost_plot.setDownsampling(auto=True, mode="peak")
        self.accuracy_plot.setYRange(0, 1, padding=0.02)
        # Three fixed ticks, clear of the plot's edges: readable however short the plot is (it
        # can be 50 pixels tall), and the axis never changes.
        self.accuracy_plot.getAxis("left").setTicks([[(0.2, "0.2"), (0.5, "0.5"), (0.8, "0.8")], []])
        self.cost_curve = self.cost_plot.plot(pen=pg.mkPen(POSITIVE, width=1.5))
        self.accuracy_curve = self.accuracy_plot.plot(pen=pg.mkPen(WINNER, width=1.5), symbol="o",
                                                      symbolSize=4, symbolBrush=WINNER, symbolPen=None)
        dashed = pg.mkPen((160, 160, 160), style=Qt.PenStyle.DashLine)
        self.markers = [pg.InfiniteLine(angle=90, pen=dashed), pg.InfiniteLine(angle=90, pen=dashed)]
        for plot, marker in zip((self.cost_plot, self.accuracy_plot), self.markers):
            plot.addItem(marker, ignoreBounds=True)
            marker.hide()
        self._since_redraw = QElapsedTimer()
        self._x_span = 0
        self._y_top = 0.0  # the cost plot's fixed top: raised only when a cost goes above it
        self._accuracy_points = -1

    def follow(self) -> None:
        """New points (the session's poll): redraw now and then while training, at once otherwise.

        The redraw happens in the poll's own turn of the event loop, never on a clock of its own:
        the curves then paint before the window shows the live network that poll brought (one
        turn later), not together with it in one long stall."""
        running = self._session.is_running()
        if (not running or self._x_span != max(1, self._session.total_batches)  # a run begins
                or not self._since_redraw.isValid() or self._since_redraw.elapsed() >= PLOT_INTERVAL_MS):
            self.redraw()

    @Slot()
    def redraw(self) -> None:
        self._since_redraw.start()
        s = self._session
        span = max(1, s.total_batches)
        if span != self._x_span:
            self._x_span = span
            for plot in (self.cost_plot, self.accuracy_plot):
                plot.setXRange(0, span, padding=0.02)
        x, cost = s.cost_curve()
        # Costs are never negative: from 0 to a round number above the highest cost so far, so
        # the axes stay put (and their ticks are not laid out again) while the curve falls.
        highest = float(np.max(cost)) if len(cost) else 0.0
        if highest > self._y_top or (not len(cost) and self._y_top != 1.0):
            self._y_top = cost_axis_top(highest)
            self.cost_plot.setYRange(0, self._y_top, padding=0.0)
        self.cost_curve.setData(x, cost)
        bx, accuracy = s.accuracy_curve()
        if len(bx) != self._accuracy_points:  # a point every eighth of an epoch: mostly unchanged
            self._accuracy_points = len(bx)
            self.accuracy_curve.setData(bx, accuracy)

    def mark(self, batches: int | None) -> None:
        """A dashed line at ``batches`` (the snapshot shown), or none."""
        for marker in self.markers:
            if batches is not None:
                marker.setPos(batches)
            marker.setVisible(batches is not None)
