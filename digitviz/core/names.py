"""What to call things on screen: layers, neurons, the input grid."""

from __future__ import annotations

import math

from .network import Network


def grid_side(n: int) -> int:
    """28 for 784 inputs; 0 if the input is not a square picture."""
    side = math.isqrt(n)
    return side if side * side == n and side > 1 else 0


def layer_name(network: Network, layer: int) -> str:
    """``"input"``, ``"hidden layer 2"`` or ``"output"``."""
    if layer == 0:
        return "input"
    if layer == len(network.sizes) - 1:
        return "output"
    return f"hidden layer {layer}"


def neuron_name(network: Network, layer: int, index: int) -> str:
    """What to call a neuron: "pixel (row 5, col 13)", "hidden layer 1, neuron 3", "output 7"."""
    if layer == 0:
        side = grid_side(network.sizes[0])
        if side:
            row, col = divmod(index, side)
            return f"input pixel (row {row}, col {col})"
        return f"input {index}"
    if layer == len(network.sizes) - 1:
        return f"output {index}" + (f' (digit "{index}")' if network.sizes[-1] == 10 else "")
    return f"{layer_name(network, layer)}, neuron {index}"
