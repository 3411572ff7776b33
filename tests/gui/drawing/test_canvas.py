"""The drawing canvas on its own: real mouse events in, an exact image out."""

import numpy as np
import pytest
from drawn import draw_stroke, move, press, release, send_mouse, to_widget
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QInputDevice, QMouseEvent, QPointingDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from digitviz.gui.drawing.canvas import ERASER, DrawingCanvas

LINE = [(0.2, 0.5), (0.5, 0.5), (0.8, 0.5)]
DOWN = [(0.5, 0.2), (0.5, 0.5), (0.5, 0.8)]


@pytest.fixture
def canvas(qtbot):
    c = DrawingCanvas()
    qtbot.addWidget(c)
    c.resize(300, 300)
    c.show()
    qtbot.waitExposed(c)
    return c


def test_a_drag_draws_a_smooth_round_capped_stroke(canvas):
    assert canvas.is_empty()
    draw_stroke(canvas, LINE)
    image = canvas.image()
    assert image.shape == (canvas.resolution, canvas.resolution)
    assert image.dtype == np.float32
    assert 0.0 <= image.min() and image.max() == 1.0
    mid = canvas.resolution // 2
    half = canvas.pen_width / 2
    # Ink along the line, about a pen width thick, round caps beyond the ends, paper elsewhere.
    column = image[:, mid]
    thick = np.flatnonzero(column > 0.5)
    assert abs(len(thick) - canvas.pen_width) <= 2
    left_end = round(0.2 * canvas.resolution)
    assert image[mid, left_end - int(half) + 2] > 0.5  # the cap reaches back by half a pen width
    assert image[mid, left_end - int(half) - 3] == 0.0
    assert image[mid - int(2 * half), mid] == 0.0
    # Anti-aliased: the edge has grey pixels, not just 0 and 1.
    assert np.any((image > 0.05) & (image < 0.95))


def test_moves_without_the_button_held_do_not_draw(canvas):
    move(canvas, to_widget(canvas, 0.3, 0.3), Qt.MouseButton.NoButton)
    move(canvas, to_widget(canvas, 0.7, 0.7), Qt.MouseButton.NoButton)
    assert canvas.is_empty()


def test_a_lost_release_does_not_leave_the_canvas_stuck(canvas, qtbot):
    press(canvas, to_widget(canvas, 0.2, 0.2))
    move(canvas, to_widget(canvas, 0.4, 0.4))
    assert canvas.is_drawing()
    # The release went to another window; the next press starts a new stroke.
    with qtbot.waitSignal(canvas.imageChanged, timeout=1000):
        press(canvas, to_widget(canvas, 0.8, 0.8))
    assert canvas.is_drawing()
    release(canvas, to_widget(canvas, 0.8, 0.8))
    assert not canvas.is_drawing()
    canvas.undo()  # two strokes, two undo steps
    image = canvas.image()
    assert image[round(0.8 * canvas.resolution), round(0.8 * canvas.resolution)] == 0.0
    assert image[round(0.3 * canvas.resolution), round(0.3 * canvas.resolution)] == 1.0


def test_a_second_button_during_a_stroke_is_ignored(canvas):
    press(canvas, to_widget(canvas, 0.2, 0.5))
    move(canvas, to_widget(canvas, 0.5, 0.5))
    both = Qt.MouseButton.LeftButton | Qt.MouseButton.RightButton
    send_mouse(canvas, QEvent.Type.MouseButtonPress, to_widget(canvas, 0.5, 0.5), Qt.MouseButton.RightButton, both)
    move(canvas, to_widget(canvas, 0.8, 0.5), both)
    release(canvas, to_widget(canvas, 0.8, 0.5))
    mid = canvas.resolution // 2
    assert canvas.image()[mid, round(0.7 * canvas.resolution)] == 1.0  # still the pen, not erasing


def test_signals_while_drawing_and_when_the_stroke_ends(canvas, qtbot):
    live, done = [], []
    canvas.drawingChanged.connect(lambda: live.append(canvas.is_drawing()))
    canvas.imageChanged.connect(lambda: done.append(canvas.is_drawing()))
    draw_stroke(canvas, LINE)
    assert len(live) >= 3 and all(live)
    assert done == [False]


def test_undo_and_redo_restore_the_image_exactly(canvas):
    draw_stroke(canvas, LINE)
    one = canvas.image().copy()
    draw_stroke(canvas, DOWN)
    two = canvas.image().copy()
    assert not np.array_equal(one, two)
    canvas.undo()
    np.testing.assert_array_equal(canvas.image(), one)
    canvas.undo()
    assert canvas.is_empty()
    assert not canvas.can_undo()
    canvas.redo()
    np.testing.assert_array_equal(canvas.image(), one)
    canvas.redo()
    np.testing.assert_array_equal(canvas.image(), two)
    assert not canvas.can_redo()
    # A new stroke after an undo drops the redo history.
    canvas.undo()
    draw_stroke(canvas, [(0.1, 0.1), (0.2, 0.2)])
    assert not canvas.can_redo()


def test_the_canvas_keeps_its_pen_strokes_in_image_pixels(canvas):
    assert canvas.strokes() == []
    draw_stroke(canvas, LINE)
    draw_stroke(canvas, DOWN)
    strokes = canvas.strokes()
    assert len(strokes) == 2 and strokes[0].shape[1] == 2
    n = canvas.resolution
    np.testing.assert_allclose(strokes[0][0], (0.2 * n, 0.5 * n), atol=2)
    np.testing.assert_allclose(strokes[1][-1], (0.5 * n, 0.8 * n), atol=2)
    canvas.undo()
    assert len(canvas.strokes()) == 1
    canvas.redo()
    assert len(canvas.strokes()) == 2
    canvas.clear()
    assert canvas.strokes() == []
    canvas.undo()
    assert len(canvas.strokes()) == 2


def test_the_strokes_include_the_one_being_drawn(canvas):
    press(canvas, to_widget(canvas, 0.2, 0.2))
    move(canvas, to_widget(canvas, 0.4, 0.4))
    assert len(canvas.strokes()) == 1 and len(canvas.strokes()[0]) == 2
    release(canvas, to_widget(canvas, 0.4, 0.4))
    assert len(canvas.strokes()) == 1


def test_erasing_or_setting_an_image_leaves_no_strokes_to_render(canvas):
    draw_stroke(canvas, LINE)
    draw_stroke(canvas, DOWN, button=Qt.MouseButton.RightButton)
    assert canvas.strokes() is None
    draw_stroke(canvas, DOWN)  # pen strokes after an erasure: still not strokes alone
    assert canvas.strokes() is None
    canvas.undo()
    canvas.undo()
    assert len(canvas.strokes()) == 1
    canvas.set_image(np.eye(28))
    assert canvas.strokes() is None
    canvas.undo()
    assert len(canvas.strokes()) == 1


def test_clear_is_undoable(canvas):
    draw_stroke(canvas, LINE)
    drawn = canvas.image().copy()
    canvas.clear()
    assert canvas.is_empty()
    canvas.undo()
    np.testing.assert_array_equal(canvas.image(), drawn)


def test_the_right_button_erases(canvas):
    draw_stroke(canvas, LINE)
    mid = canvas.resolution // 2
    assert canvas.image()[mid, mid] == 1.0
    draw_stroke(canvas, DOWN, button=Qt.MouseButton.RightButton)
    after = canvas.image()
    assert after[mid, mid] == 0.0
    assert after[mid, round(0.25 * canvas.resolution)] == 1.0  # the rest of the line stays
    canvas.undo()
    assert canvas.image()[mid, mid] == 1.0


def test_the_eraser_tool_erases_with_the_left_button(canvas):
    draw_stroke(canvas, LINE)
    canvas.tool = ERASER
    draw_stroke(canvas, DOWN)
    mid = canvas.resolution // 2
    assert canvas.image()[mid, mid] == 0.0
    assert canvas.image()[mid, round(0.25 * canvas.resolution)] == 1.0


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_Delete])
def test_escape_and_delete_clear(canvas, key):
    draw_stroke(canvas, LINE)
    canvas.setFocus()
    QTest.keyClick(canvas, key)
    assert canvas.is_empty()


def test_pen_width_changes_the_stroke(canvas):
    draw_stroke(canvas, LINE)
    thin = int((canvas.image() > 0.5).sum())
    canvas.clear()
    canvas.set_pen_width(2 * canvas.pen_width)
    draw_stroke(canvas, LINE)
    thick = int((canvas.image() > 0.5).sum())
    assert 1.7 < thick / thin < 2.3


def test_default_pen_is_in_proportion_to_the_canvas():
    small, large = DrawingCanvas(resolution=140), DrawingCanvas(resolution=560)
    assert large.pen_width / small.pen_width == pytest.approx(4.0, rel=0.1)
    small.deleteLater()
    large.deleteLater()


def test_the_image_does_not_depend_on_the_widget_size(qtbot):
    images = []
    for side in (240, 420):
        c = DrawingCanvas()
        qtbot.addWidget(c)
        c.resize(side, side)
        c.show()
        draw_stroke(c, LINE)
        images.append(c.image())
    # Mouse positions are whole widget pixels, so the strokes match up to a pixel's rounding.
    assert np.abs(images[0] - images[1]).mean() < 0.01


def test_set_image_shows_an_image_scaled_up_and_is_undoable(canvas):
    draw_stroke(canvas, LINE)
    before = canvas.image().copy()
    small = np.zeros((28, 28))
    small[4:24, 12:16] = 1.0
    canvas.set_image(small)
    image = canvas.image()
    assert image.shape == (canvas.resolution, canvas.resolution)
    k = canvas.resolution // 28
    assert image[14 * k, 14 * k] > 0.9 and image[14 * k, 5 * k] == 0.0
    canvas.undo()
    np.testing.assert_array_equal(canvas.image(), before)


def test_a_click_leaves_a_dot(canvas):
    pos = to_widget(canvas, 0.5, 0.5)
    press(canvas, pos)
    release(canvas, pos)
    mid = canvas.resolution // 2
    assert canvas.image()[mid, mid] == 1.0
    assert canvas.can_undo()


def test_mouse_events_synthesised_from_touch_and_tablet_draw(canvas):
    # Qt turns touch and tablet input the canvas does not handle into mouse events (the
    # application attributes stay at their defaults); such events come from a touch screen or
    # a stylus device, and must draw like the mouse.
    app = QCoreApplication.instance()
    assert app.testAttribute(Qt.ApplicationAttribute.AA_SynthesizeMouseForUnhandledTouchEvents)
    assert app.testAttribute(Qt.ApplicationAttribute.AA_SynthesizeMouseForUnhandledTabletEvents)
    assert not canvas.testAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
    finger = QPointingDevice("test touch screen", 9001, QInputDevice.DeviceType.TouchScreen,
                             QPointingDevice.PointerType.Finger, QInputDevice.Capability.Position, 1, 0)
    points = [to_widget(canvas, x, 0.5) for x in (0.2, 0.4, 0.6, 0.8)]
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    events = [(QEvent.Type.MouseButtonPress, points[0], left, left)]
    events += [(QEvent.Type.MouseMove, p, none, left) for p in points[1:]]
    events += [(QEvent.Type.MouseButtonRelease, points[-1], left, none)]
    for kind, pos, button, buttons in events:
        event = QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier,
                            finger)
        QApplication.sendEvent(canvas, event)
    mid = canvas.resolution // 2
    assert canvas.image()[mid, round(0.3 * canvas.resolution)] == 1.0
    assert canvas.image()[mid, round(0.7 * canvas.resolution)] == 1.0


def test_a_move_with_the_button_up_ends_a_stroke_whose_release_was_lost(canvas, qtbot):
    press(canvas, to_widget(canvas, 0.2, 0.2))
    move(canvas, to_widget(canvas, 0.4, 0.4))
    with qtbot.waitSignal(canvas.imageChanged, timeout=1000):
        move(canvas, to_widget(canvas, 0.8, 0.8), Qt.MouseButton.NoButton)
    assert not canvas.is_drawing()
    assert canvas.image()[round(0.8 * canvas.resolution), round(0.8 * canvas.resolution)] == 0.0
    assert canvas.can_undo()
