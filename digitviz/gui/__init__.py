"""The PySide6 + pyqtgraph interface."""
