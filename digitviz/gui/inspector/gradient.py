"""The inspector's "learn from this" section: the chain rule of the selected neuron, with numbers.

For neuron j of layer l and the example's cost C (all numbers from the core's ``Backprop``):

    dC/dw_jk = a_k^(l-1) * f'(z_j) * dC/da_j,    dC/db_j = f'(z_j) * dC/da_j,

where dC/da_j is 2 (a_j - y_j) for a quadratic output, and for a hidden neuron the wishes of the
next layer added up, sum_i w_ij dC/dz_i. For a first-layer neuron its 784 -dC/dw are shown as a
28x28 image (blue: the step raises that weight). Hidden when the mode is off.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from ...core import activations as act
from ...core.names import grid_side, neuron_name
from ..models.learning import LearnModel
from ..models.selection import NeuronSelection
from ..models.state import AppState
from .weight_image import DivergingImage, graphics_widget

HOVER_HINT = "blue: the step raises w, red: lowers it"


def _n(v: float, digits: int = 3) -> str:
    text = f"{v:.{digits}g}" if v != 0 and abs(v) < 10 ** -digits else f"{v:.{digits}f}"
    return text.replace("-", "&minus;")


def _p(v: float) -> str:
    """A number in brackets when negative, as a factor in a product."""
    return f"({_n(v)})" if v < 0 else _n(v)


def chain_rule_html(model: LearnModel, state: AppState, layer: int, index: int) -> str:
    """The selected neuron's chain rule with its numbers, as rich text ("" without a result)."""
    r = model.result
    net = state.network
    if r is None or layer < 1:
        return ""
    j, L = index, len(net.weights)
    f = net.activation_of(layer)
    dz = r.dC_dz[layer - 1][:, j]
    if model.average is not None:
        n = model.examples
        return (f"Averaged over {n} digits (each digit's ∂C/∂w = a<sub>k</sub> · f′(z) · ∂C/∂a, then the mean):<br>"
                f"mean desired nudge &minus;∂C/∂a = <b>{_n(float(r.nudges(layer)[j]))}</b><br>"
                f"∂C/∂b = mean ∂C/∂z = <b>{_n(float(r.db[layer - 1][j]))}</b><br>"
                f"largest |∂C/∂w|: <b>{_n(float(np.max(np.abs(r.dW[layer - 1][j]))))}</b>")
    a = float(r.activations[layer][0, j])
    z = float(r.zs[layer - 1][0, j])
    da = float(r.dC_da[layer - 1][0, j])
    lines = []
    if layer == L:
        y = float(model.targets()[0, j])
        if model.cost_name == "quadratic":
            lines.append(f"∂C/∂a = 2(a &minus; y) = 2({_n(a)} &minus; {y:g}) = <b>{_n(da)}</b>")
        else:
            lines.append(f"∂C/∂a = <b>{_n(da)}</b> (cross-entropy, y = {y:g})")
    else:
        terms = net.weights[layer][:, j] * r.dC_dz[layer][0, :]
        top = np.argsort(-np.abs(terms))[:3]
        shown = " + ".join(f"{_p(float(net.weights[layer][i, j]))} · {_p(float(r.dC_dz[layer][0, i]))}" for i in top)
        more = f" + {len(terms) - len(top)} more" if len(terms) > len(top) else ""
        lines.append(f"∂C/∂a = &Sigma;<sub>i</sub> w<sub>ij</sub> ∂C/∂z<sub>i</sub> (the next layer's wishes "
                     f"added up) = {shown}{more} = <b>{_n(da)}</b>")
    if f == "softmax":
        lines.append(f"∂C/∂b = ∂C/∂z = (softmax's Jacobian) · ∂C/∂a = <b>{_n(float(dz[0]))}</b>")
        slope = None
    else:
        slope = float(act.derivative(f, np.array([z]), np.array([a]))[0])
        lines.append(f"f′(z) = {f}′({_n(z)}) = {_n(slope)};  ∂C/∂b = f′(z) · ∂C/∂a = {_p(slope)} · {_p(da)} = "
                     f"<b>{_n(float(dz[0]))}</b>")
    dw = r.dW[layer - 1][j]
    k = int(np.argmax(np.abs(dw)))
    ak = float(r.activations[layer - 1][0, k])
    factor = f"{_p(slope)} · {_p(da)}" if slope is not None else _p(float(dz[0]))
    source = neuron_name(net, layer - 1, k)
    lines.append(f"∂C/∂w<sub>k</sub> = a<sub>k</sub> · f′(z) · ∂C/∂a; the largest, from {source}: "
                 f"{_n(ak)} · {factor} = <b>{_n(float(dw[k]))}</b>")
    lines.append(f"<span style='color:gray'>desired nudge &minus;∂C/∂a = {_n(-da)}: "
                 f"{'more' if da < 0 else 'less' if da > 0 else 'no change'}</span>")
    return "<br>".join(lines)


class GradientSection(QScrollArea):
    """What the cost wants of the selected neuron; hidden unless the mode is on and a non-input
    neuron is selected. ``image()`` is the 28x28 -dC/dw on display (first hidden layer), else None.

    It scrolls, so that on a short screen it takes the room left under the inspector's pictures
    instead of making the window taller than the screen.
    """

    def __init__(self, model: LearnModel, state: AppState, selection: NeuronSelection,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(90)
        content = QWidget()
        self._model, self._state, self._selection = model, state, selection
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._view = graphics_widget()
        self.image_view = DivergingImage("&minus;∂C/∂w of its 784 weights")
        self._view.addItem(self.image_view)
        self._view.setFixedSize(170, 150)
        self.image_view.item.pixelHovered.connect(self._on_image_pixel_hovered)
        self.hover = QLabel(HOVER_HINT)
        self.hover.setStyleSheet("color: gray")
        left = QVBoxLayout()
        left.addWidget(self._view)
        left.addWidget(self.hover)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left)
        row.addWidget(self.text, 1)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(row)
        self.setWidget(content)
        self._image: np.ndarray | None = None
        model.gradientChanged.connect(self._on_model_gradient_changed)
        model.targetChanged.connect(self._on_model_target_changed)
        selection.selectionChanged.connect(self._refresh)
        self._refresh()

    def image(self) -> np.ndarray | None:
        return self._image

    @Slot(bool)
    def _on_model_gradient_changed(self, final: bool) -> None:
        self._refresh()

    @Slot(object)
    def _on_model_target_changed(self, target) -> None:
        self._refresh()

    @Slot()
    def _refresh(self) -> None:
        current = self._selection.current
        net = self._state.network
        if self._model.result is None or current is None or current[0] == 0:
            self._image = None
            self.setVisible(False)
            return
        layer, index = current
        self.title.setText(f"<b>Learning toward {self._model.target}</b>: what the cost wants of "
                           f"{neuron_name(net, layer, index)}")
        self.text.setText(chain_rule_html(self._model, self._state, layer, index))
        side = grid_side(net.sizes[0])
        if layer == 1 and side:
            self._image = -self._model.result.dW[0][index].reshape(side, side)
            self.image_view.set_image(self._image)
            self._view.setVisible(True)
        else:
            self._image = None
            self._view.setVisible(False)
        self.hover.setVisible(self._image is not None)
        self.setVisible(True)

    @Slot(int, int)
    def _on_image_pixel_hovered(self, row: int, col: int) -> None:
        value = self.image_view.value_at(row, col)
        self.hover.setText(HOVER_HINT if value is None else f"row {row}, col {col}: −∂C/∂w = {value:+.4g}")
