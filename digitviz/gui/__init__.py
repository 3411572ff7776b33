"""The PySide6 + pyqtgraph application. Imports Qt: keep it out of the core."""

from .main_window import MainWindow

__all__ = ["MainWindow"]
