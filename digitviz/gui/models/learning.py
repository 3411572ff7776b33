""""Learn from this": what the current drawing wants each neuron and each weight to do.

:class:`LearnModel` holds the target label (None: the mode is off), the cost's name and an optional
averaging over N test digits, and keeps the backpropagation result of the core
(:meth:`Network.backprop`, a :class:`digitviz.core.backprop.Backprop`) up to date with the
:class:`AppState`. It never differentiates anything itself. ``take_step`` applies one gradient
step through the window's undo stack.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoStack

from ...core.backprop import COSTS, Backprop, one_hot
from ...core.blas import single_threaded_blas
from ...core.mnist import Digits
from ...core.network import Network
from .state import AppState
from .undo import SetNetworkCommand

AVERAGE_KINDS = ("label", "batch")  # N test digits of the target label, or a mini-batch of any
MAX_AVERAGE = 500  # 25 ms on the GUI thread, measured on a busy 2-core machine


def default_cost(network: Network) -> str:
    """The video's quadratic cost for a sigmoid output, cross-entropy for a softmax one."""
    return "cross_entropy" if network.output_activation == "softmax" else "quadratic"


class LearnModel(QObject):
    """The state of "Learn from this" and the gradient the views show.

    Parameters
    ----------
    state : the window's AppState (network and current input).
    undo_stack : where :meth:`take_step` pushes its "gradient step".
    digits : a callable returning the test digits to average over (called when first needed; it
        may raise ``DataError``, which :meth:`set_average` lets through).
    seed : seed of the random choice of digits to average over.

    Signals
    -------
    targetChanged(object) : the target label (int) or None (the mode is off).
    gradientChanged(bool final) : :attr:`result` changed; ``final`` is False while the pen is
        still moving (views follow without animation).
    stepTaken(float before, float after) : a gradient step was taken; the cost of the examples
        shown, before and after it.
    """

    targetChanged = Signal(object)
    gradientChanged = Signal(bool)
    stepTaken = Signal(float, float)

    def __init__(self, state: AppState, undo_stack: QUndoStack, digits: Callable[[], Digits] | None = None,
                 seed: int = 0, parent: QObject | None = None):
        super().__init__(parent)
        self._state = state
        self._stack = undo_stack
        self._digits_source = digits
        self._rng = np.random.default_rng(seed)
        self._target: int | None = None
        self._cost = default_cost(state.network)
        self._cost_chosen = False  # the user picked a cost: a new network does not reset it
        self._average: tuple[str, int] | None = None
        self._batch: tuple[np.ndarray, np.ndarray] | None = None  # (x (n, 784), labels (n,))
        self._result: Backprop | None = None
        self._average_result: Backprop | None = None  # cached: it does not depend on the input
        self._input_result: Backprop | None = None
        self._true_label: tuple[np.ndarray, int] | None = None  # (the input array fed, its label)
        state.networkChanged.connect(self._on_state_network_changed)
        state.parametersChanged.connect(self._on_state_parameters_changed)
        state.activationsChanged.connect(self._on_state_activations_changed)

    # -- settings ---------------------------------------------------------------------------------

    @property
    def target(self) -> int | None:
        """The digit the network should answer (0..n_out-1), or None: the mode is off."""
        return self._target

    def set_target(self, label: int | None) -> None:
        """Learn toward ``label`` (None leaves the mode); ValueError for a label the network lacks."""
        if label is not None:
            label = int(label)
            n = self._state.network.sizes[-1]
            if not 0 <= label < n:
                raise ValueError(f"the target must be a label 0..{n - 1}, got {label}")
        if label == self._target:
            return
        self._target = label
        if self._average is not None and self._average[0] == "label":
            self._batch = None  # digits of another label
        self._average_result = None
        self._recompute(final=True)
        self.targetChanged.emit(label)

    @property
    def cost_name(self) -> str:
        """``"quadratic"`` (sum of (a_j - y_j)^2, as in the video) or ``"cross_entropy"``."""
        return self._cost

    def set_cost(self, name: str) -> None:
        if name not in COSTS:
            raise ValueError(f"unknown cost {name!r} (known: {', '.join(COSTS)})")
        self._cost_chosen = True
        if name != self._cost:
            self._cost = name
            self._average_result = None
            self._recompute(final=True)

    @property
    def average(self) -> tuple[str, int] | None:
        """``(kind, n)`` while averaging over n test digits (kind "label" or "batch"), else None."""
        return self._average

    def set_average(self, kind: str | None, n: int = 10) -> None:
        """Average the gradient over ``n`` test digits: of the target label (``"label"``) or a
        random mini-batch of all digits, each with its own label (``"batch"``); None: this input.

        A new call draws new digits. Raises ``DataError`` when there are no test digits.
        """
        if kind is None:
            self._average, self._batch = None, None
        else:
            if kind not in AVERAGE_KINDS:
                raise ValueError(f"average over one of {AVERAGE_KINDS}, got {kind!r}")
            self._digits()  # fail now, not at the next drawing
            self._average, self._batch = (kind, int(np.clip(n, 1, MAX_AVERAGE))), None
        self._average_result = None
        self._recompute(final=True)

    def set_true_label(self, label: int | None) -> None:
        """The current input is a test digit labelled ``label`` (None: a drawing). While the mode
        is on, the target follows it; it stays the true label until the input changes."""
        self._true_label = None if label is None else (self._state.input, int(label))
        if label is not None and self._target is not None:
            self.set_target(label)

    @property
    def true_label(self) -> int | None:
        """The label of the test digit on show, or None when the input is a drawing."""
        if self._true_label is None or self._true_label[0] is not self._state.input:
            return None
        return self._true_label[1]

    # -- results ----------------------------------------------------------------------------------

    @property
    def result(self) -> Backprop | None:
        """What the views show: the backpropagation of the current input (or of the averaged
        digits) toward the target; None when the mode is off or there is nothing to learn from."""
        return self._result

    @property
    def input_result(self) -> Backprop | None:
        """The backpropagation of the current input alone toward the target, or None."""
        return self._input_result

    @property
    def examples(self) -> int:
        """How many examples :attr:`result` averages (0 when there is none)."""
        return 0 if self._result is None else len(self._result.costs)

    def targets(self) -> np.ndarray | None:
        """(n, n_out) target rows of :attr:`result`'s examples, or None."""
        if self._result is None or self._target is None:
            return None
        if self._average is not None and self._average[0] == "batch" and self._batch is not None:
            return one_hot(self._batch[1], self._state.network.sizes[-1])
        return one_hot([self._target] * self.examples, self._state.network.sizes[-1])

    def gradient(self) -> tuple[list[np.ndarray], list[np.ndarray], float] | None:
        """``(dW, db, cost)`` for the current input and target (dW[l] shaped like
        ``network.weights[l]``), or None when there is no target or no input."""
        r = self._input_result
        return None if r is None else (r.dW, r.db, r.cost)

    # -- the step ---------------------------------------------------------------------------------

    def take_step(self, learning_rate: float) -> tuple[float, float] | None:
        """Move every weight and bias by ``-learning_rate * dC/dw`` of :attr:`result` (one undoable
        "gradient step" on the undo stack). Returns the cost of the same examples before and after,
        or None when there is nothing to learn from."""
        r = self._result
        if r is None:
            return None
        before_cost = r.cost
        net = self._state.network.gradient_step(r.dW, r.db, learning_rate)
        self._stack.push(SetNetworkCommand(self._state, net, "gradient step"))
        after = self._result.cost if self._result is not None else float("nan")
        self.stepTaken.emit(before_cost, after)
        return before_cost, after

    # -- model -> model ---------------------------------------------------------------------------

    @Slot()
    def _on_state_network_changed(self) -> None:
        net = self._state.network
        if not self._cost_chosen:
            self._cost = default_cost(net)
        self._average_result = None  # activationsChanged follows and recomputes
        if self._target is not None and self._target >= net.sizes[-1]:
            self._target = None
            self._result = self._input_result = None
            self.targetChanged.emit(None)

    @Slot()
    def _on_state_parameters_changed(self) -> None:
        self._average_result = None

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        self._recompute(final)

    def _digits(self) -> Digits:
        if self._digits_source is None:
            from ...core.mnist import bundled_test_set

            self._digits_source = bundled_test_set
        return self._digits_source()

    def _average_batch(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The digits to average over, drawn once per :meth:`set_average` (and target)."""
        if self._batch is None:
            kind, n = self._average
            digits = self._digits()
            pool = np.flatnonzero(digits.labels == self._target) if kind == "label" else np.arange(len(digits))
            if not len(pool):
                return None
            pick = np.sort(self._rng.choice(pool, size=min(n, len(pool)), replace=False))
            self._batch = (np.asarray(digits.images[pick], dtype=np.float64), digits.labels[pick].copy())
        return self._batch

    def _recompute(self, final: bool) -> None:
        # One BLAS thread: on a busy machine, BLAS threads waiting for each other made averaging
        # over 100 digits take 67 ms instead of 0.7 ms (the GUI thread must not stall).
        shown = self._result is not None or self._input_result is not None
        with single_threaded_blas():
            self._backprop()
        if shown or self._result is not None or self._input_result is not None:
            self.gradientChanged.emit(final)  # without a target there was and is nothing to show

    def _backprop(self) -> None:
        net, x = self._state.network, self._state.input
        if self._target is None:
            self._input_result = self._result = None
        else:
            y = one_hot([self._target], net.sizes[-1])
            self._input_result = None if x is None else net.backprop(x, y, self._cost)
            if self._average is None:
                self._result = self._input_result
            else:
                if self._average_result is None:
                    batch = self._average_batch()
                    if batch is not None:
                        images, labels = batch
                        ys = one_hot(labels if self._average[0] == "batch" else [self._target] * len(labels),
                                     net.sizes[-1])
                        self._average_result = net.backprop(images, ys, self._cost)
                self._result = self._average_result
