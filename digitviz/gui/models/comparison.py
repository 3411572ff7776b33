"""A second network beside the shown one, and what it makes of the same input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from ...core.network import Network
from .state import AppState


class Comparison(QObject):
    """The second network and what it makes of the state's current input.

    Signals
    -------
    changed() : a second network was set or cleared, or the input changed.
    """

    changed = Signal()

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(parent)
        self._state = state
        self.network: Network | None = None
        self.source: Path | None = None
        self._outputs: np.ndarray | None = None
        state.activationsChanged.connect(self._on_state_activations_changed)

    def set_network(self, network: Network | None, source=None) -> None:
        """Compare with ``network`` (None to stop); ``source`` is the file it came from."""
        self.network = network
        self.source = Path(source) if source is not None else None
        self._evaluate()
        self.changed.emit()

    @property
    def result(self) -> tuple[int, np.ndarray] | None:
        """``(digit, outputs)`` of the second network ((10,) output activations), or None."""
        if self._outputs is None:
            return None
        return int(np.argmax(self._outputs)), self._outputs.copy()

    @property
    def disagrees(self) -> bool:
        """True when both networks have an answer and the answers differ."""
        main, second = self._state.prediction, self.result
        return main is not None and second is not None and main[0] != second[0]

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        if self.network is not None:
            self._evaluate()
            self.changed.emit()

    def _evaluate(self) -> None:
        x = self._state.input
        if self.network is None or x is None:
            self._outputs = None
        else:
            self._outputs = self.network.forward(x)[-1]
