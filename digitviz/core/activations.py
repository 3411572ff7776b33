"""Activation functions and their derivatives, by name.

Each function maps an (n, k) or (k,) array of weighted inputs ``z`` to activations of the
same shape. Derivatives are written in terms of the activation ``a`` (and ``z`` where the
activation alone does not determine it), because backpropagation has both at hand.
"""

from __future__ import annotations

import numpy as np

HIDDEN_ACTIVATIONS = ("sigmoid", "relu", "tanh")
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax")


def sigmoid(z: np.ndarray) -> np.ndarray:
    # Clipping keeps exp() from overflowing for very negative z: sigma(-500) is 0 to float64
    # anyway, and sigma(-80) to float32 (whose exp overflows past 88).
    z = np.asarray(z)
    limit = 80.0 if z.dtype == np.float32 else 500.0
    e = np.negative(z.reshape(z.shape or (1,)), dtype=z.dtype if z.dtype.kind == "f" else np.float64)
    np.minimum(e, limit, out=e)  # exp(-z) only overflows for very negative z
    np.exp(e, out=e)
    e += 1.0
    np.reciprocal(e, out=e)
    return e if z.ndim else e[0]


def relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def softmax(z: np.ndarray) -> np.ndarray:
    e = z - z.max(axis=-1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=-1, keepdims=True)
    return e


FUNCTIONS = {"sigmoid": sigmoid, "relu": relu, "tanh": tanh, "softmax": softmax}


def derivative(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Elementwise d a / d z for an elementwise activation; same shape as ``z``."""
    if name == "sigmoid":
        slope = 1.0 - a
        slope *= a
        return slope
    if name == "relu":
        return (z > 0).astype(a.dtype)
    if name == "tanh":
        slope = a * a
        np.subtract(1.0, slope, out=slope)
        return slope
    raise ValueError(f"{name!r} is not an elementwise activation")


def softmax_vjp(a: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    """Vector-Jacobian product of softmax: given d L / d a, return d L / d z (same shape)."""
    return a * (upstream - np.sum(upstream * a, axis=-1, keepdims=True))
