"""Words and filled-in formulas for the inspector: names of neurons, ``a = f(w . x + b)`` with numbers."""

from __future__ import annotations

from ...core.names import grid_side, layer_name
from ...core.network import Network


def source_symbol(layer: int) -> str:
    """The vector a neuron of ``layer`` reads: x for the first hidden layer, a<sup>(l-1)</sup> after."""
    return "x" if layer == 1 else f"a<sup>({layer - 1})</sup>"


def _signed(v: float) -> str:
    return f"&minus; {abs(v):.3f}" if v < 0 else f"+ {v:.3f}"


def _num(v: float) -> str:
    return f"&minus;{abs(v):.3f}" if v < 0 else f"{v:.3f}"


def formula_html(network: Network, layer: int, index: int, wx: float, bias: float, z: float, a: float,
                 blank: bool) -> str:
    """The neuron's computation with its numbers, as rich text.

    ``wx`` is the weighted sum w . x (without the bias), ``z = wx + bias``, ``a`` the activation.
    """
    f = network.activation_of(layer)
    src = source_symbol(layer)
    lines = []
    if f == "softmax":
        lines.append(f"z<sub>{index}</sub> = w &middot; {src} + b = {_num(wx)} {_signed(bias)} = <b>{_num(z)}</b>")
        lines.append(f"a = softmax(z)<sub>{index}</sub> = e<sup>z<sub>{index}</sub></sup> / &Sigma; "
                     f"e<sup>z<sub>k</sub></sup> = <b>{a:.3f}</b>")
    else:
        lines.append(f"a = {f}(w &middot; {src} + b) = {f}({_num(wx)} {_signed(bias)}) = "
                     f"{f}(<b>{_num(z)}</b>) = <b>{a:.3f}</b>")
    lines.append(f"<span style='color:gray'>bias b = {_num(bias)}, weighted input z = {_num(z)}, "
                 f"activation a = {a:.3f}" + (" (nothing drawn: x = 0)" if blank else "") + "</span>")
    return "<br>".join(lines)


def pixel_html(network: Network, index: int, value: float, blank: bool) -> str:
    """An input pixel: its position, value and where it sends it."""
    side = grid_side(network.sizes[0])
    where = f"row {index // side}, col {index % side}" if side else f"input {index}"
    n1 = network.sizes[1]
    return (f"x = <b>{value:.3f}</b> at {where}" + (" (nothing drawn)" if blank else "") +
            f"<br><span style='color:gray'>It sends x &times; w to each of the {n1} neurons of "
            f"{layer_name(network, 1)}: pale bars are the weights w, dark bars x &times; w.</span>")
