"""What excites a neuron: an input image found by gradient ascent.

Start from a blank image (plus a whisper of seeded noise, so ties break the same way every
time) and repeatedly step along the gradient of the neuron's weighted input z
(``Network.input_gradient(..., of="weighted_input")``, exact backprop), keeping pixels in
[0, 1]. Climbing z rather than the activation a = f(z) goes the same way for a sigmoid or tanh
neuron, but still finds a way up where a is flat: a ReLU that is silent on a blank image, or a
softmax output that saturates after a few faint strokes (its probability can also rise by
silencing the other digits; its z only by looking more like its own). Two penalties keep the picture readable rather than a speckle of
extreme pixels: a smoothness term pulls each pixel toward its neighbours (the discrete
Laplacian, i.e. the gradient of half the summed squared neighbour differences), and an ink
cost keeps pixels that barely matter dark.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .network import Network


def laplacian(image: np.ndarray) -> np.ndarray:
    """Sum of the 4 neighbours minus 4 times the pixel, edges replicated: (h, w) -> (h, w).

    It is minus the gradient of ``0.5 * sum of squared differences between neighbours``, so
    adding it to an image smooths it.
    """
    padded = np.pad(image, 1, mode="edge")
    return (
        padded[:-2, 1:-1] + padded[2:, 1:-1] + padded[1:-1, :-2] + padded[1:-1, 2:] - 4.0 * image
    )


def roughness(image: np.ndarray) -> float:
    """Summed squared differences between horizontal and vertical neighbours of an (h, w) image."""
    return float(np.sum(np.diff(image, axis=0) ** 2) + np.sum(np.diff(image, axis=1) ** 2))


def excite(
    network: Network,
    layer: int,
    index: int,
    *,
    steps: int = 200,
    step_size: float = 0.05,
    smoothness: float = 0.6,
    ink_cost: float = 0.3,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> np.ndarray:
    """An input that drives neuron ``index`` of ``layer`` (1 = first hidden layer) high.

    Each step moves every pixel by at most ``step_size`` along the normalised ascent direction
    ``g / rms(g) - ink_cost + smoothness * laplacian(x)`` and clips to [0, 1]. Normalising by
    the gradient's RMS makes the penalties mean the same thing for saturated neurons (tiny
    gradients) as for lively ones. Deterministic for a given ``seed``.

    ``progress(done, total)`` and ``cancelled()`` let a background task report and stop early.
    Returns (n_in,) float64 in [0, 1]; (784,) reshapes to the 28x28 picture.
    """
    n_in = network.sizes[0]
    side = math.isqrt(n_in)
    square = side * side == n_in
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1e-3, n_in)
    for step in range(steps):
        if cancelled is not None and cancelled():
            break
        g = network.input_gradient(x, layer, index, of="weighted_input")
        rms = float(np.sqrt(np.mean(g * g)))
        direction = g / rms - ink_cost if rms > 0.0 else -ink_cost * np.ones_like(x)
        if square and smoothness:
            direction = direction + smoothness * laplacian(x.reshape(side, side)).reshape(-1)
        x = np.clip(x + step_size * np.clip(direction, -1.0, 1.0), 0.0, 1.0)
        if progress is not None and (step + 1) % 20 == 0:
            progress(step + 1, steps)
    return x
