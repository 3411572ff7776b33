"""Help -> How to read this, and About."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from ... import __version__

HELP_TEXT = """<h3>How to read this</h3>
<p><b>Draw</b> a digit on the canvas with the left mouse button (right button erases).
It is cropped, scaled into a 20x20 box and centred by its centre of mass in a 28x28 grid,
the way the MNIST digits were made: that small picture is what the network sees.</p>
<p><b>The scene</b> shows every neuron: the 784 input pixels as a 28x28 grid, then each
hidden layer and the 10 outputs as columns of circles, bright when active (near 1), dark
when silent (near 0). Lines are the weights: <span style="color:#58C4DD">blue</span>
positive, <span style="color:#FC6255">red</span> negative, stronger lines for larger
weights (or, in the signal view, for larger weight x activation: what flows now).</p>
<p>Each neuron computes <i>a = &sigma;(w &middot; x + b)</i>: a weighted sum of the layer
before, plus a bias, squashed into 0..1. The brightest output is the network's answer.</p>
<p><b>Click a neuron</b> to see its weights as an image: blue pixels push it on, red
pixels push it off.</p>"""


def show_help(parent: QWidget) -> None:
    """The picture explained, in a non-blocking box."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, "How to read this", HELP_TEXT, QMessageBox.StandardButton.Close, parent)
    box.setTextFormat(Qt.TextFormat.RichText)
    box.open()


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        "About digitviz",
        f"<h3>digitviz {__version__}</h3><p>See, with your own eyes, how a neural network "
        "reads a handwritten digit.</p><p>MNIST test digits: Yann LeCun, Corinna Cortes and "
        "Christopher J.C. Burges, CC BY-SA 3.0.</p>",
    )


def fill_help_menu(menu: QMenu, parent: QWidget) -> None:
    """"How to read this" (F1) and "About digitviz", their boxes shown over ``parent``."""
    menu.addAction("&How to read this", QKeySequence(QKeySequence.StandardKey.HelpContents), lambda: show_help(parent))
    menu.addAction("&About digitviz", lambda: show_about(parent))
