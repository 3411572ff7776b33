import os
import sys
import tempfile

import pytest

# Tests run without a display; set before anything imports Qt.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
# QSettings (window geometry, recent files) go to a private folder, never the user's.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="digitviz-test-config-")
# So does the personal digit set (QStandardPaths.AppDataLocation).
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="digitviz-test-data-")


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Every test starts from empty settings, as a first run would: no layout leaks between tests."""
    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QCoreApplication, QSettings

        QCoreApplication.setOrganizationName("digitviz")
        QCoreApplication.setApplicationName("digitviz")
        QSettings().clear()
    yield
