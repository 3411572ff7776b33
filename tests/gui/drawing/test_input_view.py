"""What the network sees: turning "Show the steps" on and off never moves or resizes the canvas."""

import numpy as np
import pytest

from digitviz.core.mnist import bundled_test_set
from digitviz.gui import MainWindow
from tests.drawn import draw_stroke


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1297, 706)  # a 1366x768 screen
    w.show()
    qtbot.waitExposed(w)
    w.animation_enabled = False
    return w


def _canvas_rect(window):
    canvas = window.canvas
    return canvas.mapTo(window, canvas.rect().topLeft()), canvas.size()


@pytest.mark.parametrize("fed", [False, True])
def test_show_the_steps_keeps_the_canvas_in_place(qtbot, window, fed):
    view = window.drawing_panel.input_view
    if fed:  # a test digit: the steps say it was fed as it is
        window.show_input(bundled_test_set().images[0].reshape(28, 28).astype(np.float64))
    else:
        draw_stroke(window.canvas, [(0.3, 0.2), (0.6, 0.5), (0.4, 0.8)])
    before = _canvas_rect(window)
    view.set_steps_shown(True)
    qtbot.waitUntil(view.steps.isVisible)
    qtbot.wait(20)
    assert view.fed_note.isVisible() == fed
    assert _canvas_rect(window) == before
    view.set_steps_shown(False)
    qtbot.waitUntil(view.plain.isVisible)
    qtbot.wait(20)
    assert _canvas_rect(window) == before
