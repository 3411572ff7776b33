"""Writing a widget's picture to a file: PNG (or any raster format Qt knows) or SVG."""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets


def export_widget(widget: QtWidgets.QWidget, path) -> None:
    """Write ``widget`` as it looks to ``path``: SVG (vector lines) for ``.svg``, else a raster
    image in the format the suffix names. Raises OSError when the file cannot be written."""
    path = Path(path)
    if path.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        if not path.parent.is_dir():
            raise OSError(f"{path}: folder {path.parent} does not exist")
        gen = QSvgGenerator()
        gen.setFileName(str(path))
        gen.setSize(widget.size())
        gen.setViewBox(QtCore.QRect(QtCore.QPoint(0, 0), widget.size()))
        gen.setTitle("digitviz network scene")
        painter = QtGui.QPainter(gen)
        ok = painter.isActive()
        try:
            if ok:
                widget.render(painter, QtCore.QPoint(0, 0))
        finally:
            painter.end()
        if not ok or not path.is_file():
            raise OSError(f"{path}: could not write the SVG file")
        return
    if not widget.grab().save(str(path)):
        raise OSError(f"{path}: could not write the image (unknown format or unwritable place)")
