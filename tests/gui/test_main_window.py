import numpy as np

from digitviz.core.mnist import bundled_test_set
from digitviz.gui import MainWindow


def test_show_input_gives_the_networks_prediction(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    digits = bundled_test_set()
    x = digits.images[0]
    with qtbot.waitSignal(window.predictionChanged) as blocker:
        window.show_input(x.reshape(28, 28))
    digit, outputs = window.prediction
    expected = window.network.forward(x)[-1]
    assert digit == int(np.argmax(expected))
    np.testing.assert_allclose(outputs, expected)
    assert blocker.args[0][0] == digit


def test_empty_input_gives_none(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_input(np.zeros((28, 28)))
    assert window.prediction is None


def test_bad_weights_argument_keeps_a_working_window(qtbot, tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a weight file")
    window = MainWindow(weights=bad)
    qtbot.addWidget(window)
    assert "bad.npz" in window.last_error
    assert window.network.sizes[0] == 784


def test_first_run_window_is_no_taller_than_screen_or_layout_needs(qtbot):
    from PySide6.QtGui import QGuiApplication

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    avail = QGuiApplication.primaryScreen().availableGeometry()
    wanted = min(1000, int(avail.height() * 0.92))
    # Taller than both the size asked for and the fitted layout's minimum would push it off screen.
    assert window.height() <= max(wanted, window.minimumSizeHint().height())
    assert window.minimumSize().height() <= window.minimumSizeHint().height()


def test_new_weights_repaint_the_scene_once(qtbot):
    """A live training update (new weights, then the activations they give) is one scene paint:
    the other views' repaint request must not run ahead of the scene's own changes."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1400, 850)
    window.show()
    qtbot.waitExposed(window)
    window.show_input(bundled_test_set().images[0].reshape(28, 28))
    window.select_neuron(1, 0)
    window.bring_forward(window.neuron_edit_dock)  # a view that answers the new weights first
    qtbot.waitUntil(lambda: not window.scene.is_animating(), timeout=5_000)  # the drawing's propagation
    qtbot.wait(100)
    assert window.neuron_editor.isVisible()

    class Paints(QObject):
        count = 0

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                Paints.count += 1
            return False

    paints = Paints()
    window.scene.viewport().installEventFilter(paints)
    # As while training: no test-set evaluation of each network, whose result (arriving from a
    # thread at any time) would repaint the editor's accuracy and sometimes the scene with it.
    window.evaluator.set_paused(True)
    rng = np.random.default_rng(0)
    counts = []
    for _ in range(7):
        net = window.network.copy()
        for w in net.weights:
            w += rng.normal(0, 0.01, w.shape)
        Paints.count = 0
        window.state.update_parameters(net, False)
        for _ in range(3):
            QApplication.processEvents()
        counts.append(Paints.count)
    # A late event may add a paint now and then; two paints for every update (the defect) would
    # make the median 2.
    assert min(counts) >= 1 and sorted(counts)[len(counts) // 2] == 1, counts


def test_the_help_menu_explains_the_picture_on_f1(qtbot):
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QApplication, QMessageBox

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    how, about = window.help_menu.actions()
    assert how.text() == "&How to read this" and about.text() == "&About digitviz"
    assert how.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    how.trigger()
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()))
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert box.windowTitle() == "How to read this" and "Click a neuron" in box.text()
    box.close()
