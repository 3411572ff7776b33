"""Backpropagation: the one place where the core computes the gradient of a cost.

Training (:class:`digitviz.core.trainer.Trainer`), :meth:`Network.gradients` and the window's
"learn from this" view all call :func:`backprop`; nothing else differentiates the cost.

Costs, per example, for an output ``a`` (n_out,) and a target ``y`` (n_out,):

- ``"quadratic"``: ``C = sum_j (a_j - y_j)^2``, as in 3Blue1Brown's video (no factor 1/2);
- ``"cross_entropy"``: categorical ``-sum_j y_j log a_j`` for a softmax output, binary
  ``-sum_j [y_j log a_j + (1 - y_j) log(1 - a_j)]`` per output for a sigmoid output. With either,
  dC/dz of the output layer is simply ``a - y`` (for a softmax, when each target row sums to 1).
  Note that for a one-hot target the categorical cross-entropy looks at the target output only:
  its dC/da is zero for every other output (they move through the softmax, via dC/dz).

The cost of a batch is the mean of its examples' costs, and so are ``dW`` and ``db``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import activations as act

COSTS = ("quadratic", "cross_entropy")

# Outputs are kept this far from 0 and 1 inside the logarithms, so a saturated output gives a
# large but finite cost.
_EPS = 1e-12


@dataclass
class Backprop:
    """Everything one backward pass computes, for a batch of n examples.

    Layers count from 1 (the first hidden layer) to L (the output), as in
    :meth:`Network.input_gradient`; per-layer lists are indexed ``layer - 1`` like the ``zs`` of
    :meth:`Network.forward_full`.

    Attributes
    ----------
    cost : float, the batch's mean cost.
    costs : (n,) each example's own cost.
    zs : list of (n, n_l) weighted inputs of layers 1..L.
    activations : list of (n, n_l), ``activations[0]`` the input, ``activations[l]`` layer l.
    dC_da : list of (n, n_l): for each example, d C_x / d a of layers 1..L, where C_x is that
        example's own cost. The "desired nudges" are ``-dC_da`` (see :meth:`nudges`).
    dC_dz : list of (n, n_l): d C_x / d z of layers 1..L, per example.
    dW : list shaped like the weights (n_out, n_in): d C / d W, averaged over the batch.
    db : list shaped like the biases (n_out,): d C / d b, averaged over the batch.
    dC_dx : (n, n_in) d C_x / d input, or None unless asked for.
    """

    cost: float
    costs: np.ndarray
    zs: list[np.ndarray]
    activations: list[np.ndarray]
    dC_da: list[np.ndarray]
    dC_dz: list[np.ndarray]
    dW: list[np.ndarray]
    db: list[np.ndarray]
    dC_dx: np.ndarray | None = None

    def nudges(self, layer: int) -> np.ndarray:
        """The desired nudges of ``layer`` (1..L), ``-dC/da`` averaged over the batch: (n_l,)."""
        return -np.mean(self.dC_da[layer - 1], axis=0)


def one_hot(labels, n_classes: int = 10, dtype=np.float64) -> np.ndarray:
    """(n,) integer labels (or one int) -> (n, n_classes) one-hot target rows (or (n_classes,))."""
    labels = np.asarray(labels)
    out = np.zeros((*labels.shape, n_classes), dtype=dtype)
    np.put_along_axis(out, labels[..., None].astype(np.intp), 1, axis=-1)
    return out


def check_cost(cost: str) -> str:
    if cost not in COSTS:
        raise ValueError(f"unknown cost {cost!r} (known: {', '.join(COSTS)})")
    return cost


def _eps(dtype: np.dtype) -> float:
    # float32 cannot hold 1 - 1e-12: keep it 1e-7 from the ends there.
    return 1e-7 if dtype.char == "f" else _EPS


def example_costs(a: np.ndarray, y: np.ndarray, cost: str, output_activation: str) -> np.ndarray:
    """Each example's cost: (n,) from outputs ``a`` and targets ``y``, both (n, n_out)."""
    return output_layer(a, y, check_cost(cost), output_activation)[0]


def output_layer(a: np.ndarray, y: np.ndarray, cost: str, output_activation: str, nudges: bool = True):
    """``(costs, dC_da, dC_dz)`` of the output layer: (n,), (n, n_out), (n, n_out) per example.

    ``dC_da`` is None when ``nudges`` is False (training needs only ``dC_dz``).
    """
    if cost == "quadratic":
        d = a - y
        costs = np.einsum("ij,ij->i", d, d)
        d *= 2.0
        return costs, d, delta_through(output_activation, None, a, d)
    eps = _eps(a.dtype)
    if output_activation == "softmax":
        out = np.maximum(a, eps)  # softmax never exceeds 1
        dC_da = None
        if nudges:
            dC_da = np.divide(y, out)
            np.negative(dC_da, out=dC_da)
        costs = np.einsum("ij,ij->i", y, np.log(out, out=out))
        np.negative(costs, out=costs)
        # For targets that are distributions (rows summing to 1, as one-hot rows do) d C / d z is
        # simply a - y: no 0/0 at a saturated output.
        return costs, dC_da, a - y
    out = np.clip(a, eps, 1 - eps)
    costs = -np.sum(y * np.log(out) + (1 - y) * np.log(1 - out), axis=1)
    return costs, (out - y) / (out * (1 - out)) if nudges else None, a - y


def backprop(
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    hidden_activation: str,
    output_activation: str,
    x: np.ndarray,
    y: np.ndarray,
    cost: str = "cross_entropy",
    *,
    input_gradient: bool = False,
    out: tuple[Sequence[np.ndarray], Sequence[np.ndarray]] | None = None,
    mean: bool = True,
    nudges: bool = True,
) -> Backprop:
    """Forward and backward pass of a batch through the layers ``weights`` / ``biases``.

    Parameters
    ----------
    weights, biases : (n_out, n_in) and (n_out,) arrays per layer, as in :class:`Network`.
    hidden_activation, output_activation : activation names (see ``activations``).
    x : (n, n_in) inputs; y : (n, n_out) targets: one-hot rows for classification; with
        a softmax output and cross-entropy, rows must sum to 1.
    cost : ``"quadratic"`` or ``"cross_entropy"``.
    input_gradient : also compute ``dC_dx`` (one more (n, n_in) matrix product).
    out : optional ``(dW, db)`` lists of preallocated arrays shaped like the parameters; the
        gradients are written into them (the trainer keeps them as views of one flat buffer).
    mean : False leaves ``dW`` and ``db`` summed over the batch instead of averaged (the
        trainer then scales its whole flat buffer in one operation).
    nudges : False skips the output layer's ``dC_da`` (left None), which training does not use.

    Everything is computed in the dtype of ``x`` and the weights (float32 stays float32).
    """
    check_cost(cost)
    n_layers = len(weights)
    a = x
    zs, acts = [], [x]
    for i, (w, b) in enumerate(zip(weights, biases)):
        z = a @ w.T
        z += b
        a = act.FUNCTIONS[output_activation if i == n_layers - 1 else hidden_activation](z)
        zs.append(z)
        acts.append(a)
    n = x.shape[0]
    dC_da: list = [None] * n_layers
    dC_dz: list = [None] * n_layers
    costs, dC_da[-1], dC_dz[-1] = output_layer(a, y, cost, output_activation, nudges)
    dW, db = (list(out[0]), list(out[1])) if out is not None else ([None] * n_layers, [None] * n_layers)
    dC_dx = None
    for i in range(n_layers - 1, -1, -1):
        delta = dC_dz[i]
        if out is not None:
            np.matmul(delta.T, acts[i], out=dW[i])
            np.add.reduce(delta, axis=0, out=db[i])
        else:
            dW[i] = delta.T @ acts[i]
            db[i] = np.add.reduce(delta, axis=0)
        if mean and n:
            dW[i] *= 1.0 / n
            db[i] *= 1.0 / n
        if i:
            dC_da[i - 1] = delta @ weights[i]
            dC_dz[i - 1] = delta_through(hidden_activation, zs[i - 1], acts[i], dC_da[i - 1])
        elif input_gradient:
            dC_dx = delta @ weights[0]
    return Backprop(float(costs.sum()) / n if n else 0.0, costs, zs, acts, dC_da, dC_dz, dW, db, dC_dx)


def delta_through(name: str, z, a: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    """d C / d z of a layer with activation ``name``, given d C / d a (the chain rule's step)."""
    if name == "softmax":
        return act.softmax_vjp(a, upstream)
    slope = act.derivative(name, z, a)
    slope *= upstream
    return slope
