"""The pieces around the scene's items: the view with its overlay, the zoomable box, tooltips."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from ..widgets import colors
from .overlay import paint_overlay


class View(pg.GraphicsView):
    """pyqtgraph's view with the legend and notices painted over it in screen coordinates."""

    def __init__(self, owner) -> None:
        super().__init__(owner, background=pg.mkColor(colors.BACKGROUND))
        self._owner = owner

    def drawForeground(self, painter: QtGui.QPainter, rect) -> None:  # Qt override
        painter.save()
        painter.resetTransform()
        o = self._owner
        paint_overlay(painter, self.viewport().size(), o.view_mode, o.notice(), o.hint())
        painter.restore()


class Box(pg.ViewBox):
    """The zoomable, pannable box holding the network; a left click on it hits no neuron."""

    emptyClicked = QtCore.Signal()

    def mouseClickEvent(self, ev) -> None:  # pyqtgraph override
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            ev.accept()
            self.emptyClicked.emit()
        else:
            super().mouseClickEvent(ev)


def describe_neuron(network, layout, activations, layer: int, index: int) -> str:
    """The hover text of neuron (layer, index): activation, bias and weighted input z.

    ``activations`` is ``Network.forward``'s list (or None); z comes from ``forward_full``.
    """
    acts = activations
    if layer == 0:
        side = layout.grid_side
        where = f" (row {index // side}, column {index % side})" if side else ""
        value = "no input" if acts is None else f"{acts[0][index]:.3f}"
        return f"Input pixel {index}{where}\nvalue: {value}"
    last = len(layout.sizes) - 1
    name = (f"Output neuron {index} (digit {index})" if layer == last
            else f"Hidden layer {layer}, neuron {index}")
    bias = network.biases[layer - 1][index]
    lines = [name, f"bias b = {bias:+.3f}"]
    if acts is None:
        lines.append("no input: draw a digit")
    else:
        zs, _ = network.forward_full(acts[0])
        lines += [f"weighted input z = w . a + b = {zs[layer - 1][index]:+.3f}",
                  f"activation a = {network.activation_of(layer)}(z) = {acts[layer][index]:.3f}"]
    return "\n".join(lines)
