"""The cost of an example with its formula filled in, as rich text (numbers from the core).

Quadratic, as in the video: ``C = sum_j (a_j - y_j)^2``; cross-entropy: ``-log a_y`` for a
softmax output, ``-sum_j [y_j log a_j + (1 - y_j) log(1 - a_j)]`` for sigmoid outputs. The
result shown is the core's ``Backprop.cost``; the terms only show where it comes from.
"""

from __future__ import annotations

import numpy as np


def _n(v: float, digits: int = 2) -> str:
    """A number with a real minus sign."""
    text = f"{v:.{digits}f}"
    return text.replace("-", "&minus;")


def _y(v: float) -> str:
    return "1" if v == 1 else "0" if v == 0 else _n(v)


def cost_formula_html(cost: str, output_activation: str, outputs: np.ndarray, targets: np.ndarray,
                      value: float) -> str:
    """``C = ...`` for one example: ``outputs`` and ``targets`` (n_out,), ``value`` its cost.

    The target's term is in bold, so that the digit the network should say stands out.
    """
    a, y = np.asarray(outputs, dtype=float), np.asarray(targets, dtype=float)
    want = int(np.argmax(y))
    if cost == "quadratic":
        terms = []
        for j, (aj, yj) in enumerate(zip(a.tolist(), y.tolist())):
            term = f"({_n(aj)} &minus; {_y(yj)})²"
            terms.append(f"<b>{term}</b>" if j == want else term)
        head = "C = &Sigma;<sub>j</sub> (a<sub>j</sub> &minus; y<sub>j</sub>)² = "
        return head + " + ".join(terms) + f" = <b>{_n(value, 3)}</b>"
    if output_activation == "softmax":
        return (f"C = &minus;&Sigma;<sub>j</sub> y<sub>j</sub> log a<sub>j</sub> = &minus;log a<sub>{want}</sub>"
                f" = &minus;log {_n(a[want], 3)} = <b>{_n(value, 3)}</b>")
    terms = []
    for j, aj in enumerate(a.tolist()):
        term = f"log {_n(aj)}" if y[j] == 1 else f"log(1 &minus; {_n(aj)})"
        terms.append(f"<b>{term}</b>" if j == want else term)
    head = ("C = &minus;&Sigma;<sub>j</sub> [y<sub>j</sub> log a<sub>j</sub> + (1 &minus; y<sub>j</sub>) "
            "log(1 &minus; a<sub>j</sub>)] = &minus;(")
    return head + " + ".join(terms) + f") = <b>{_n(value, 3)}</b>"


def average_formula_html(cost: str, n: int, value: float, kind: str, target: int | None) -> str:
    """The averaged cost: ``C = (1/n) sum_x C_x`` over the n digits."""
    what = f"test digits labelled {target}" if kind == "label" else "test digits (each toward its own label)"
    per = "&Sigma;<sub>j</sub> (a<sub>j</sub> &minus; y<sub>j</sub>)²" if cost == "quadratic" else "cross-entropy"
    return (f"C = (1/{n}) &Sigma;<sub>x</sub> C<sub>x</sub>, C<sub>x</sub> = {per}, over {n} {what}"
            f" = <b>{_n(value, 3)}</b>")
