"""The window on a laptop and a desktop screen: every dock shown, Compare open, it still fits;
selecting a neuron brings the inspector forward; dock tabs keep their whole titles."""

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDockWidget, QTabBar

from digitviz.core.resources import weights_path
from digitviz.gui import MainWindow
from digitviz.gui.widgets.docks import FRAME


@pytest.fixture
def window(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


SCREENS = [QRect(0, 0, 1366, 768 - 30), QRect(0, 0, 1600, 900 - 30)]  # less a task bar


@pytest.mark.parametrize("area", SCREENS, ids=["1366x768", "1600x900"])
def test_every_dock_and_compare_keep_the_window_on_screen(qtbot, window, area):
    window.resize(area.width() - 40, area.height() - FRAME)
    assert window.compare_with(weights_path("untrained.npz"))
    for dock in window.findChildren(QDockWidget):
        dock.show()
        window.fit_to_screen(area)
        assert window.minimumSizeHint().height() <= area.height() - FRAME, dock.objectName()
        assert window.height() <= area.height() - FRAME, dock.objectName()
        assert window.width() <= area.width()
    window.stop_comparing()
    window.fit_to_screen(area)
    assert window.height() <= area.height() - FRAME


def test_showing_a_dock_fits_the_window_to_its_screen_by_itself(qtbot, window):
    screen = window.screen().availableGeometry()
    assert window.compare_with(weights_path("untrained.npz"))
    window.compare_dock.setFloating(False)
    qtbot.waitUntil(lambda: window.height() <= screen.height() - FRAME)


def test_selecting_a_neuron_raises_the_inspector(qtbot, window):
    window.bring_forward(window.evaluation_dock)
    assert window.inspector_dock.visibleRegion().isEmpty()
    window.select_neuron(1, 3)
    qtbot.waitUntil(lambda: not window.inspector_dock.visibleRegion().isEmpty())
    assert window.inspector.shown_neuron == (1, 3)


def test_dock_tabs_show_whole_titles(window):
    bars = [bar for bar in window.findChildren(QTabBar) if bar.count()]
    assert bars
    for bar in bars:
        assert bar.elideMode().name == "ElideNone"


def test_the_open_dialog_starts_in_the_users_folder_not_the_package(window, tmp_path):
    from pathlib import Path

    from digitviz.gui.files.weight_sources import remember_last_folder

    start = Path(window.weights_menu._start_folder())
    assert start == Path.home()
    assert "site-packages" not in str(start) and start != weights_path()
    remember_last_folder(tmp_path)
    assert Path(window.weights_menu._start_folder()) == tmp_path


def test_tucking_docks_into_tabs_keeps_the_inspector_in_front(qtbot, window):
    assert not window.inspector_dock.visibleRegion().isEmpty()
    window.fit_to_screen(QRect(0, 0, 1366, 600))  # short: the weight images become a tab
    assert window.gallery_dock in window.tabifiedDockWidgets(window.inspector_dock)
    qtbot.waitUntil(lambda: not window.inspector_dock.visibleRegion().isEmpty())
    assert window.gallery_dock.visibleRegion().isEmpty()


@pytest.mark.parametrize("area", SCREENS, ids=["1366x768", "1600x900"])
def test_while_training_the_scene_and_the_weight_images_stay_on_view(qtbot, window, area):
    window.resize(area.width() - 40, area.height() - FRAME)
    window.fit_to_screen(area)
    window.bring_forward(window.training_dock)
    qtbot.wait(50)
    for dock in (window.training_dock, window.gallery_dock, window.prediction_dock):
        assert not dock.visibleRegion().isEmpty(), dock.objectName()
    assert not window.scene.viewport().visibleRegion().isEmpty()
    assert window.height() <= area.height() - FRAME
