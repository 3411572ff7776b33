"""Corrupt settings never stop the app: wrong types, huge lists, a settings file that is a FIFO."""

import os
import subprocess
import sys

from PySide6.QtCore import QSettings

from digitviz.gui import MainWindow
from digitviz.gui.files.weight_sources import MAX_RECENT, RECENT_KEY, read_recent
from digitviz.gui.models.settings import read_bool, read_bytes, read_choice, read_text_list


def test_odd_values_fall_back_to_defaults(qtbot):
    s = QSettings()
    s.setValue("a/bool", "maybe")
    s.setValue("a/choice", 42)
    s.setValue("a/geometry", "not bytes")
    s.setValue("a/list", [b"bytes", 7, "ok", None, "x" * 10_000])
    assert read_bool("a/bool", True) is True
    assert read_choice("a/choice", ("signal", "weights"), "signal") == "signal"
    assert read_bytes("a/geometry") is None
    assert read_text_list("a/list") == ["ok"]


def test_a_window_starts_with_geometry_and_state_of_the_wrong_type(qtbot):
    for value in ("a string", 12345, [1, 2]):
        s = QSettings()
        s.setValue("window/geometry", value)
        s.setValue("window/state", value)
        s.sync()
        window = MainWindow()
        qtbot.addWidget(window)
        window.show()
        assert window.isVisible()
        window.close()


def test_a_recent_list_of_odd_entries_and_100000_paths_opens_fast(qtbot, tmp_path):
    s = QSettings()
    s.setValue(RECENT_KEY, [b"\x00bytes", 17] + [str(tmp_path / f"n{i}.npz") for i in range(100_000)])
    s.sync()
    recent = read_recent()
    window = MainWindow()
    qtbot.addWidget(window)
    window.weights_menu.recent_menu.aboutToShow.emit()
    assert len(recent) == MAX_RECENT
    assert all(str(p).endswith(".npz") for p in recent)
    texts = [a.text() for a in window.weights_menu.recent_menu.actions() if a.text()]
    assert len(texts) == MAX_RECENT + 1  # the capped list and "Clear list"


def test_a_settings_file_that_is_a_fifo_does_not_hang_start_up(tmp_path):
    config = tmp_path / "config"
    (config / "digitviz").mkdir(parents=True)
    os.mkfifo(config / "digitviz" / "digitviz.conf")
    code = (  # what `digitviz` does, with the window closed after a moment
        "from PySide6.QtCore import QTimer; import digitviz.gui.app as app; qt = app.ensure_app();"
        "QTimer.singleShot(500, qt.closeAllWindows);"
        "print(app.run(), app.SETTINGS_PROBLEM)"
    )
    env = {**os.environ, "XDG_CONFIG_HOME": str(config), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "not a regular file" in done.stdout
