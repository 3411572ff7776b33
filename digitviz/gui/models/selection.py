"""Which neuron is selected, and how the arrow keys move the selection.

Layer 0 is the input layer (its neurons are pixels, row-major), 1 the first hidden layer, the last
the output. The selection outlives new drawings and networks of the same shape; a network of
another shape clears it (the old (layer, index) may no longer exist or mean anything).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot

from ...core.names import grid_side
from .state import AppState


class NeuronSelection(QObject):
    """The selected neuron, ``current`` = ``(layer, index)`` or None.

    Signals
    -------
    selectionChanged() : ``current`` changed (to another neuron, or to None).
    """

    selectionChanged = Signal()

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(parent)
        self._state = state
        self._current: tuple[int, int] | None = None
        self._sizes = list(state.network.sizes)
        state.networkChanged.connect(self._on_state_network_changed)

    @property
    def current(self) -> tuple[int, int] | None:
        return self._current

    def select(self, layer: int, index: int) -> None:
        """Select neuron ``index`` of ``layer`` (0 = input); ValueError if there is no such neuron."""
        sizes = self._state.network.sizes
        layer, index = int(layer), int(index)
        if not 0 <= layer < len(sizes):
            raise ValueError(f"layer must be 0..{len(sizes) - 1}, got {layer}")
        if not 0 <= index < sizes[layer]:
            raise ValueError(f"layer {layer} has {sizes[layer]} neurons; index {index} is out of range")
        if self._current != (layer, index):
            self._current = (layer, index)
            self.selectionChanged.emit()

    def clear(self) -> None:
        if self._current is not None:
            self._current = None
            self.selectionChanged.emit()

    # -- keyboard ---------------------------------------------------------------------------------

    def neighbour(self, key: Qt.Key) -> tuple[int, int] | None:
        """Where an arrow key leads from the current neuron (None if nowhere).

        Up/Down move within a layer (index -1/+1; in the square input grid, one row). Left/Right
        cross layers keeping the relative height: the input grid's rightmost column borders the
        first hidden layer, so Right walks along a row of pixels and then into the hidden layer.
        """
        if self._current is None:
            return None
        sizes = self._state.network.sizes
        layer, index = self._current
        side = grid_side(sizes[0])
        if layer == 0 and side:
            row, col = divmod(index, side)
            if key == Qt.Key.Key_Up:
                return (0, index - side) if row > 0 else None
            if key == Qt.Key.Key_Down:
                return (0, index + side) if row < side - 1 else None
            if key == Qt.Key.Key_Left:
                return (0, index - 1) if col > 0 else None
            if key == Qt.Key.Key_Right:
                return (0, index + 1) if col < side - 1 else (1, _rescale(row, side, sizes[1]))
            return None
        if key == Qt.Key.Key_Up:
            return (layer, index - 1) if index > 0 else None
        if key == Qt.Key.Key_Down:
            return (layer, index + 1) if index < sizes[layer] - 1 else None
        if key == Qt.Key.Key_Left and layer > 0:
            if layer == 1 and side:
                return (0, _rescale(index, sizes[1], side) * side + side - 1)
            return (layer - 1, _rescale(index, sizes[layer], sizes[layer - 1]))
        if key == Qt.Key.Key_Right and layer < len(sizes) - 1:
            return (layer + 1, _rescale(index, sizes[layer], sizes[layer + 1]))
        return None

    def handle_key(self, key: Qt.Key) -> bool:
        """Esc clears, arrows move; True if the key was used."""
        if key == Qt.Key.Key_Escape and self._current is not None:
            self.clear()
            return True
        target = self.neighbour(key)
        if target is not None:
            self.select(*target)
            return True
        return key in _ARROWS and self._current is not None

    # -- network ----------------------------------------------------------------------------------

    @Slot()
    def _on_state_network_changed(self) -> None:
        sizes = list(self._state.network.sizes)
        if sizes != self._sizes:
            self._sizes = sizes
            self.clear()


_ARROWS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Right)


def _rescale(index: int, n_from: int, n_to: int) -> int:
    """The index at the same relative height in a column of ``n_to`` (both columns centred)."""
    if n_from <= 1:
        return (n_to - 1) // 2
    return min(n_to - 1, max(0, round(index * (n_to - 1) / (n_from - 1))))


class SelectionKeys(QObject):
    """Event filter: Esc and the arrow keys on a watched widget drive a :class:`NeuronSelection`.

    Installed on the network scene and the inspector, so arrows move the selection there but
    keep their usual meaning in other widgets (lists, spin boxes).
    """

    def __init__(self, selection: NeuronSelection, parent: QObject | None = None):
        super().__init__(parent)
        self._selection = selection

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            and event.key() in (*_ARROWS, Qt.Key.Key_Escape)
        ):
            return self._selection.handle_key(Qt.Key(event.key()))
        return False
