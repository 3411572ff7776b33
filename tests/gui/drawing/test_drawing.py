"""Drawing in the main window with real mouse events: canvas -> to_mnist -> network -> prediction."""

import numpy as np
import pytest
from drawn import (
    DrawnDigit,
    draw_digit,
    draw_stroke,
    load_drawn_digits,
    move,
    place,
    press,
    release,
    to_widget,
)
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from digitviz.core import Network, load_weights, to_mnist
from digitviz.core.preprocess import centre_of_mass, strokes_to_mnist
from digitviz.core.resources import default_weights_path
from digitviz.gui import MainWindow


def _ellipse(n=40, start=95.0):
    t = np.radians(np.linspace(start, start + 370.0, n))
    return [[(0.5 + 0.32 * np.cos(a), 0.5 - 0.45 * np.sin(a)) for a in t]]


# Simple shapes in the 0..1 square (x right, y down), drawn as a hand would, then placed.
ONE = [[(0.55, 0.05), (0.53, 0.3), (0.51, 0.6), (0.5, 0.95)]]
ONE_FLAG_BASE = [[(0.3, 0.25), (0.55, 0.05), (0.55, 0.5), (0.55, 0.95)], [(0.3, 0.95), (0.8, 0.95)]]
ZERO = _ellipse()
SEVEN = [[(0.15, 0.1), (0.5, 0.1), (0.85, 0.1), (0.7, 0.4), (0.55, 0.7), (0.45, 0.95)]]
SEVEN_BAR = SEVEN + [[(0.4, 0.5), (0.8, 0.5)]]

PLACES = [(0.7, (0.5, 0.5)), (0.35, (0.25, 0.3)), (0.45, (0.7, 0.7))]
CASES = [(label, strokes, scale, centre)
         for label, strokes in [(1, ONE), (1, ONE_FLAG_BASE), (0, ZERO), (7, SEVEN), (7, SEVEN_BAR)]
         for scale, centre in PLACES]


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.animation_enabled = False
    return w


def test_the_default_network_was_loaded(window):
    assert window.last_error is None
    assert window.network.sizes == load_weights(default_weights_path()).sizes


@pytest.mark.parametrize("label, strokes, scale, centre", CASES)
def test_drawn_digits_are_read_at_any_size_and_place(window, label, strokes, scale, centre):
    draw_digit(window.canvas, place(strokes, scale, centre))
    assert window.prediction is not None
    assert window.prediction[0] == label


def test_the_input_is_the_strokes_at_mnist_width_and_the_prediction_the_networks(window):
    draw_digit(window.canvas, place(SEVEN, 0.4, (0.3, 0.65)))
    expected = strokes_to_mnist(window.canvas.strokes())
    np.testing.assert_array_equal(window.state.input, expected.reshape(784).astype(np.float64))
    digit, outputs = window.prediction
    np.testing.assert_allclose(outputs, window.network.forward(window.state.input)[-1])
    assert digit == int(np.argmax(outputs))
    # Centred by its centre of mass, as MNIST.
    r, c = centre_of_mass(window.state.input.reshape(28, 28))
    assert abs(r - 14) < 1 and abs(c - 14) < 1


def test_a_small_drawing_is_fed_with_the_same_stroke_width_as_a_large_one(window):
    draw_digit(window.canvas, place(SEVEN, 0.25, (0.3, 0.3)))
    small = window.state.input.copy()
    window.canvas.clear()
    draw_digit(window.canvas, place(SEVEN, 0.9, (0.5, 0.5)))
    large = window.state.input
    # Same shape and ink: the image pipeline would make the small one's strokes 3-4 times thicker.
    assert abs(small.sum() - large.sum()) < 0.15 * large.sum()
    assert to_mnist(window.canvas.image()).sum() < 2 * large.sum()


def test_after_erasing_the_input_is_the_preprocessed_canvas(window):
    draw_digit(window.canvas, place(SEVEN, 0.5, (0.5, 0.5)))
    draw_stroke(window.canvas, [(0.2, 0.25), (0.3, 0.25)], button=Qt.MouseButton.RightButton)
    assert window.canvas.strokes() is None
    expected = to_mnist(window.canvas.image())
    np.testing.assert_array_equal(window.state.input, expected.reshape(784).astype(np.float64))
    window.canvas.undo()  # back to pen strokes only
    expected = strokes_to_mnist(window.canvas.strokes())
    np.testing.assert_array_equal(window.state.input, expected.reshape(784).astype(np.float64))


def test_wiring_with_a_random_network(qtbot):
    net = Network.random([784, 16, 16, 10], np.random.default_rng(3))
    w = MainWindow(weights=net)
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.predictionChanged) as blocker:
        draw_digit(w.canvas, place(ZERO, 0.5, (0.5, 0.5)))
    x = strokes_to_mnist(w.canvas.strokes()).reshape(784)
    np.testing.assert_array_equal(w.state.input, x)
    np.testing.assert_allclose(w.prediction[1], net.forward(x)[-1])
    assert blocker.args[0][0] == w.prediction[0]


def test_an_empty_canvas_gives_no_prediction(window, qtbot):
    assert window.prediction is None
    draw_digit(window.canvas, place(ONE, 0.6, (0.5, 0.5)))
    assert window.prediction is not None
    with qtbot.waitSignal(window.predictionChanged) as blocker:
        window.canvas.clear()
    assert window.prediction is None
    assert blocker.args == [None]
    assert window.prediction_panel.confidence_label.text() == "Draw a digit"
    assert window.prediction_panel.bars.values() is None


def test_erasing_everything_gives_no_prediction(window):
    draw_stroke(window.canvas, [(0.5, 0.3), (0.5, 0.7)])
    assert window.prediction is not None
    window.canvas.set_pen_width(60)
    draw_stroke(window.canvas, [(0.5, 0.2), (0.5, 0.8)], button=Qt.MouseButton.RightButton)
    assert window.canvas.is_empty()
    assert window.prediction is None


def test_escape_clears_the_canvas_and_the_prediction(window):
    draw_digit(window.canvas, place(ZERO, 0.5, (0.5, 0.5)))
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert window.canvas.is_empty()
    assert window.prediction is None


def test_the_edit_menu_undoes_and_redoes_strokes(window):
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert "Ctrl+Shift+Z" in [k.toString() for k in window.redo_action.shortcuts()]
    assert not window.undo_action.isEnabled()
    draw_digit(window.canvas, place(SEVEN, 0.6, (0.5, 0.5)))
    seven = window.canvas.image().copy()
    seven_input = window.state.input.copy()
    draw_stroke(window.canvas, [(0.35, 0.5), (0.65, 0.5)])
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    np.testing.assert_array_equal(window.canvas.image(), seven)
    np.testing.assert_array_equal(window.state.input, seven_input)
    assert window.redo_action.isEnabled()
    window.redo_action.trigger()
    assert not np.array_equal(window.canvas.image(), seven)
    window.clear_action.trigger()
    assert window.prediction is None
    window.undo_action.trigger()
    assert window.prediction is not None


def test_the_live_path_is_not_final_while_moving_and_final_on_release(window, qtbot):
    finals = []
    window.state.activationsChanged.connect(finals.append)
    canvas = window.canvas
    points = [(0.5, 0.15 + 0.05 * i) for i in range(15)]
    press(canvas, to_widget(canvas, *points[0]))
    for p in points[1:]:
        move(canvas, to_widget(canvas, *p))
        qtbot.wait(20)  # longer than a display frame: the coalescing timer fires
    assert finals and not any(finals)
    assert window.prediction is not None  # the prediction follows the pen
    live = list(finals)
    release(canvas, to_widget(canvas, *points[-1]))
    assert finals[len(live):] == [True]


def test_mouse_moves_are_coalesced_to_one_evaluation_per_frame(window, qtbot):
    finals = []
    window.state.activationsChanged.connect(finals.append)
    canvas = window.canvas
    press(canvas, to_widget(canvas, 0.2, 0.2))
    for i in range(60):  # a burst of moves within one frame
        move(canvas, to_widget(canvas, 0.2 + 0.01 * i, 0.2 + 0.01 * i))
    qtbot.waitUntil(lambda: len(finals) >= 1)
    qtbot.wait(40)
    assert finals == [False]
    release(canvas, to_widget(canvas, 0.8, 0.8))
    assert finals == [False, True]


def test_show_input_displays_and_predicts_exactly_that_image(window, qtbot):
    rng = np.random.default_rng(5)
    image = np.zeros((28, 28))
    image[5:23, 12:16] = rng.uniform(0.5, 1.0, (18, 4))  # off the centre of mass on purpose: not re-centred
    image[5:8, 9:12] = 0.7
    draw_digit(window.canvas, place(ZERO, 0.5, (0.5, 0.5)))
    drawn = window.canvas.image().copy()
    with qtbot.waitSignal(window.predictionChanged):
        window.show_input(image)
    np.testing.assert_array_equal(window.state.input, image.reshape(784))
    np.testing.assert_allclose(window.prediction[1], window.network.forward(image.reshape(784))[-1])
    # The canvas shows it, scaled up.
    shown = window.canvas.image()
    k = window.canvas.resolution // 28
    small = shown.reshape(28, k, 28, k).mean(axis=(1, 3))
    assert np.abs(small - image).mean() < 0.03  # smoothly scaled: only the edges differ
    # ... and the 28x28 view shows the exact input.
    np.testing.assert_array_equal(window.drawing_panel.input_view.input_view.values(), image)
    # Undo returns to the drawing; redo feeds the exact image again, not a re-preprocessed one.
    window.canvas.undo()
    np.testing.assert_array_equal(window.canvas.image(), drawn)
    window.canvas.redo()
    np.testing.assert_array_equal(window.state.input, image.reshape(784))
    # Drawing on top of it preprocesses the whole canvas again.
    draw_stroke(window.canvas, [(0.1, 0.9), (0.3, 0.9)])
    np.testing.assert_array_equal(window.state.input, to_mnist(window.canvas.image()).reshape(784))


def test_show_input_rejects_a_wrong_shape(window):
    with pytest.raises(ValueError, match="28x28"):
        window.show_input(np.zeros((10, 10)))
    assert window.prediction is None


def test_the_steps_show_crop_scale_and_centre(window):
    view = window.drawing_panel.input_view
    draw_digit(window.canvas, place(SEVEN, 0.3, (0.75, 0.3)))
    assert not view.steps.isVisible()
    view.set_steps_shown(True)
    assert view.steps.isVisible() and not view.plain.isVisible()
    cropped = view.cropped_view.values()
    ink = window.canvas.image()
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    assert cropped.shape == (rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)
    assert max(view.scaled_view.values().shape) == 20
    np.testing.assert_array_equal(view.centred_view.values(), window.state.input.reshape(28, 28))
    assert view.naive_view.values().shape == (28, 28)
    # Live: the next stroke updates the steps too.
    draw_stroke(window.canvas, [(0.1, 0.9), (0.2, 0.9)])
    np.testing.assert_array_equal(view.centred_view.values(), window.state.input.reshape(28, 28))


def test_the_prediction_panel_shows_the_answer_without_rebuilding(window):
    panel = window.prediction_panel
    children = len(panel.findChildren(object))
    draw_digit(window.canvas, place(ZERO, 0.6, (0.5, 0.5)))
    digit, outputs = window.prediction
    assert panel.digit_label.text() == str(digit)
    np.testing.assert_allclose(panel.bars.values(), outputs)
    # The default network has softmax outputs: a probability.
    assert window.network.output_activation == "softmax"
    from digitviz.gui.panels.prediction import percent

    assert f"{percent(outputs[digit])} sure" in panel.confidence_label.text()
    draw_stroke(window.canvas, [(0.3, 0.3), (0.7, 0.7)])
    assert len(panel.findChildren(object)) == children


def test_the_prediction_dock_cannot_be_closed(window):
    from PySide6.QtWidgets import QDockWidget

    assert not window.prediction_dock.features() & QDockWidget.DockWidgetFeature.DockWidgetClosable
    assert window.drawing_dock.widget() is window.drawing_panel
    assert window.dockWidgetArea(window.drawing_dock) == Qt.DockWidgetArea.LeftDockWidgetArea


def test_the_drawn_digit_set_is_mostly_read_right(window):
    # A third of the drawn-digit set (every class, every variant), drawn in the window. The
    # full set and the figures per class: benchmarks/drawn_digits.py.
    digits: list[DrawnDigit] = load_drawn_digits()[::3]
    right = 0
    for d in digits:
        window.canvas.clear()
        draw_digit(window.canvas, d.strokes)
        right += window.prediction[0] == d.label
    assert right / len(digits) >= 0.85
