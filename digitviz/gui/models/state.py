"""The application's model: the loaded network, the current input and what the network makes of it.

Views listen to its signals and read its properties; they never write back except through
``set_network`` and ``set_input``. All network maths is ``Network.forward_full``.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from ...core.network import Network


class AppState(QObject):
    """Holds ``network``, ``input`` ((784,) float64 in [0, 1], or None) and its activations.

    Signals
    -------
    networkChanged() : a different network was set (possibly another shape).
    parametersChanged() : the weights changed but not the shape: arrays edited in place
        (:meth:`refresh`) or a same-shape network shown (:meth:`update_parameters`); views that
        cache anything derived from the weights rebuild it. ``activationsChanged`` follows.
    activationsChanged(bool final) : new activations; ``final`` is False while the pen is still
        moving (views follow live, without animation) and True when an input is complete (a
        stroke ended, a test digit was fed, the network changed): views may animate it.
    """

    networkChanged = Signal()
    parametersChanged = Signal()
    activationsChanged = Signal(bool)

    def __init__(self, network: Network, parent: QObject | None = None):
        super().__init__(parent)
        self._network = network
        self._input: np.ndarray | None = None
        self._zs: list[np.ndarray] | None = None
        self._activations: list[np.ndarray] | None = None

    @property
    def network(self) -> Network:
        return self._network

    @property
    def input(self) -> np.ndarray | None:
        """(784,) float64 in [0, 1], or None when nothing is drawn."""
        return self._input

    @property
    def activations(self) -> list[np.ndarray] | None:
        """Every layer's activations for the current input, the input first; None when empty."""
        return self._activations

    @property
    def weighted_inputs(self) -> list[np.ndarray] | None:
        """z of every layer after the input (``zs[l - 1]`` belongs to layer l); None when empty."""
        return self._zs

    @property
    def prediction(self) -> tuple[int, np.ndarray] | None:
        """``(digit, outputs)`` with the 10 output activations, or None for an empty input."""
        if self._activations is None:
            return None
        out = self._activations[-1]
        return int(np.argmax(out)), out.copy()

    def set_network(self, network: Network) -> None:
        """Switch networks; the current input is re-evaluated and announced as final."""
        self._network = network
        self._evaluate()
        self.networkChanged.emit()
        self.activationsChanged.emit(True)

    def update_parameters(self, network: Network, final: bool = True) -> None:
        """Show ``network`` in place of one of the same shape (a training step, a snapshot).

        Views keep their layout: ``parametersChanged`` (not ``networkChanged``), then
        ``activationsChanged(final)``. A network of another shape or activation is shown with
        :meth:`set_network` instead.
        """
        old = self._network
        if (network.sizes != old.sizes or network.hidden_activation != old.hidden_activation
                or network.output_activation != old.output_activation):
            self.set_network(network)
            return
        self._network = network
        self._evaluate()
        self.parametersChanged.emit()
        self.activationsChanged.emit(final)

    def set_input(self, image, final: bool = True) -> None:
        """Feed an input: (28, 28) or (784,) values in [0, 1], or None / all zeros for empty."""
        if image is None:
            self._input = None
        else:
            x = np.asarray(image, dtype=np.float64).reshape(-1)
            if x.size != self._network.sizes[0]:
                raise ValueError(f"expected {self._network.sizes[0]} input values, got {x.size}")
            self._input = None if not np.any(x > 0) else np.clip(x, 0.0, 1.0)
        self._evaluate()
        self.activationsChanged.emit(final)

    def refresh(self) -> None:
        """Re-evaluate after the network's arrays were edited in place, and say so."""
        self._evaluate()
        self.parametersChanged.emit()
        self.activationsChanged.emit(True)

    def _evaluate(self) -> None:
        if self._input is None:
            self._zs = self._activations = None
        else:
            self._zs, self._activations = self._network.forward_full(self._input)
