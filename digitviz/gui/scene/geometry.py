"""The scene as it is on screen: neuron positions in pixels, how much of the view it fills,
where the hint goes, and writing the picture to a file. Mixed into :class:`NetworkScene`."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from .export import export_widget
from .overlay import legend_height


class ScreenGeometry:
    """Needs ``self._view`` (the View), ``self._box``, ``self._neurons``, ``self.layout_``,
    ``self._layout_key``, ``self._user_view``, ``self._conns``, ``self._view_mode`` and
    ``self._relayout()`` of the scene."""

    def _layout_size(self) -> tuple[float, float, float]:
        size = self._view.viewport().size()
        w, h = (size.width(), size.height()) if size.width() >= 160 and size.height() >= 120 else (1600, 900)
        return float(w), float(h), float(legend_height(w, self._view_mode))

    @QtCore.Slot(object)
    def _on_box_range_changed_manually(self, _mask) -> None:
        self._user_view = True

    def _on_view_resized(self) -> None:
        # Called by the view once its box has the new size: lay out and fit for that size.
        if not self._user_view:
            self.fit_view()

    def fit_view(self) -> None:
        """Lay the network out to fill the view and show all of it (and keep it so when the
        widget resizes, until the user zooms or pans)."""
        self._user_view = False
        if self.layout_ is None:
            return
        if self._layout_size() != self._layout_key:
            self._relayout()
        x0, y0, x1, y1 = self.layout_.bounds
        self._box.setRange(QtCore.QRectF(x0, y0, x1 - x0, y1 - y0), padding=0.0)

    def _fit_if_needed(self) -> None:
        if not self._user_view:
            self.fit_view()

    def neuron_scene_pos(self, layer: int, index: int) -> QtCore.QPointF:
        """Centre of neuron (layer, index) in scene units (layout coordinates)."""
        x, y = self.layout_.positions[layer][index]
        return QtCore.QPointF(float(x), float(y))

    def neuron_viewport_pos(self, layer: int, index: int) -> QtCore.QPoint:
        """Centre of neuron (layer, index) in ``viewport()`` pixels: send mouse events there."""
        scene_pt = self._neurons.mapToScene(self.neuron_scene_pos(layer, index))
        return self._view.mapFromScene(scene_pt)

    def neuron_widget_pos(self, layer: int, index: int) -> QtCore.QPoint:
        """Centre of neuron (layer, index) in this widget's coordinates."""
        return self._view.viewport().mapTo(self, self.neuron_viewport_pos(layer, index))

    def viewport(self) -> QtWidgets.QWidget:
        """The widget that receives the scene's mouse events."""
        return self._view.viewport()

    def fill_fraction(self) -> float:
        """How much of the shorter side of the view the neurons span (1.0: all of it)."""
        x0, y0, x1, y1 = self.layout_.neuron_extent()
        a = self._view.mapFromScene(self._neurons.mapToScene(QtCore.QPointF(x0, y0)))
        b = self._view.mapFromScene(self._neurons.mapToScene(QtCore.QPointF(x1, y1)))
        size = self._view.viewport().size()
        if size.width() <= size.height():
            return abs(b.x() - a.x()) / size.width()
        return abs(b.y() - a.y()) / size.height()

    def hint_rect(self) -> QtCore.QRectF | None:
        """Where the hint goes, in viewport pixels: the empty space above the input grid."""
        lay = self.layout_
        if lay is None or lay.grid_rect is None:
            return None
        x, y, w, _ = lay.grid_rect
        right = float(lay.positions[1][0, 0]) - lay.radii[1] - 8
        a = self._view.mapFromScene(self._neurons.mapToScene(QtCore.QPointF(x, lay.bounds[1])))
        b = self._view.mapFromScene(self._neurons.mapToScene(QtCore.QPointF(right, y - 6)))
        top = legend_height(self._view.viewport().width(), self._view_mode)
        return QtCore.QRectF(QtCore.QPointF(a.x(), max(a.y(), top)), QtCore.QPointF(b.x(), b.y()))

    def export_image(self, path) -> None:
        """Write the scene as it is on screen to ``path``: SVG for ``.svg``, else PNG/JPEG/...

        Raises OSError when the file cannot be written.
        """
        vector = str(path).lower().endswith(".svg")
        if vector:  # cached items would go into the SVG as pictures instead of lines
            for item in self._conns:
                item.set_cached(False)
        try:
            export_widget(self, path)
        finally:
            if vector:
                for item in self._conns:
                    item.set_cached(self._view_mode == "weights")
