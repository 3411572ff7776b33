"""Gradient-descent optimizers over one flat parameter buffer.

The parameters are copied into one flat array and ``params`` are views into it, so a step is a
few whole-buffer operations (with ``out=`` into preallocated scratch, so no temporaries) rather
than a few per array. Gradients may be given as a list shaped like ``params`` or as one flat
array of the same length (what the trainer does: its gradients are views of such a buffer).
"""

from __future__ import annotations

import math

import numpy as np

OPTIMIZERS = ("sgd", "adam")


class FlatOptimizer:
    """Common part: the flat buffer, its views, the step count ``t``."""

    def __init__(self, params: list[np.ndarray], dtype=None):
        dtype = np.result_type(*params) if dtype is None else np.dtype(dtype)
        if dtype.kind != "f":
            dtype = np.dtype(np.float64)
        self.flat = np.concatenate([np.asarray(p, dtype=dtype).ravel() for p in params])
        self.params = []
        offset = 0
        for p in params:
            self.params.append(self.flat[offset : offset + np.size(p)].reshape(np.shape(p)))
            offset += np.size(p)
        self._scratch = np.empty_like(self.flat)
        self.t = 0

    @classmethod
    def for_network(cls, network, **kwargs):
        """An optimizer whose buffer holds ``network``'s weights and biases (rebound as views)."""
        n = len(network.weights)
        opt = cls(network.weights + network.biases, **kwargs)
        network.weights = opt.params[:n]
        network.biases = opt.params[n:]
        return opt

    def _flat_grads(self, grads) -> np.ndarray:
        if isinstance(grads, np.ndarray) and grads.shape == self.flat.shape:
            return grads
        return np.concatenate([np.asarray(g).ravel() for g in grads]).astype(self.flat.dtype, copy=False)

    def step(self, grads, lr: float) -> None:
        """Update ``params`` in place from gradients (a list shaped like them, or flat)."""
        self.t += 1
        self._update(self._flat_grads(grads), lr)

    def step_flat(self, g: np.ndarray, lr: float) -> None:
        """:meth:`step` for gradients already in one flat array like ``flat`` (no checks)."""
        self.t += 1
        self._update(g, lr)

    def _update(self, g: np.ndarray, lr: float) -> None:
        raise NotImplementedError


class SGD(FlatOptimizer):
    """Plain mini-batch gradient descent, as in the video; with ``momentum`` > 0, heavy-ball
    momentum: ``v = momentum * v - lr * g; p += v``."""

    def __init__(self, params: list[np.ndarray], momentum: float = 0.0, dtype=None):
        super().__init__(params, dtype)
        self.momentum = float(momentum)
        self.velocity = np.zeros_like(self.flat) if self.momentum else None

    def _update(self, g: np.ndarray, lr: float) -> None:
        tmp = self._scratch
        np.multiply(g, lr, out=tmp)
        if self.velocity is None:
            self.flat -= tmp
            return
        self.velocity *= self.momentum
        self.velocity -= tmp
        self.flat += self.velocity


class Adam(FlatOptimizer):
    """Adam (Kingma & Ba).

    To save whole-buffer operations per step, the moments are kept unnormalised,
    ``m' = m / (1 - beta1)`` and ``v' = v / (1 - beta2)`` (so ``m' = beta1 m' + g``), and the
    normalisations and bias corrections are folded into the step size and epsilon.
    """

    def __init__(self, params: list[np.ndarray], beta1=0.9, beta2=0.999, eps=1e-8, dtype=None):
        super().__init__(params, dtype)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros_like(self.flat)
        self.v = np.zeros_like(self.flat)

    def _update(self, g: np.ndarray, lr: float) -> None:
        b1, b2 = self.beta1, self.beta2
        tmp = self._scratch
        self.m *= b1
        self.m += g
        self.v *= b2
        np.multiply(g, g, out=tmp)
        self.v += tmp
        # step = lr * m_hat / (sqrt(v_hat) + eps) with m_hat = (1 - b1) m' / (1 - b1^t) and
        # v_hat = (1 - b2) v' / (1 - b2^t): divide through by sqrt((1 - b2) / (1 - b2^t)).
        root = math.sqrt((1 - b2) / (1 - b2**self.t))
        np.sqrt(self.v, out=tmp)
        tmp += self.eps / root
        np.divide(self.m, tmp, out=tmp)
        tmp *= lr * (1 - b1) / (1 - b1**self.t) / root
        self.flat -= tmp


def make_optimizer(name: str, params: list[np.ndarray], *, momentum: float = 0.0, dtype=None) -> FlatOptimizer:
    """``"sgd"`` (with ``momentum``) or ``"adam"`` over ``params``."""
    if name == "sgd":
        return SGD(params, momentum, dtype=dtype)
    if name == "adam":
        return Adam(params, dtype=dtype)
    raise ValueError(f"unknown optimizer {name!r} (known: {', '.join(OPTIMIZERS)})")
