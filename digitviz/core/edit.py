"""Editing one neuron of a network: switch it off, shift its bias, scale its incoming weights.

Every edit returns a new :class:`Network` and leaves the one it was given untouched, so an undo
stack is just a list of networks. Layers count as in ``Network.forward``: 0 is the input,
1 the first hidden layer, ``len(network.weights)`` the output layer.

"Off" means the neuron no longer influences anything downstream. For a neuron that has
outgoing weights (the input pixels and the hidden neurons) that is done by zeroing them: its
own activation is still computed, but it is multiplied by nothing. Zeroing its incoming weights
and bias instead would *not* switch a sigmoid neuron off: sigma(0) = 0.5. An output neuron has
no outgoing weights; it is switched off by zeroing its incoming weights and pushing its bias to
``OUTPUT_OFF_BIAS``, so its activation is 0 to float64 precision (sigmoid and softmax alike) and
it can no longer win.
"""

from __future__ import annotations

from dataclasses import dataclass

from .network import Network

# sigma(-1000) underflows to 0 (the sigmoid clips z at -500: 7e-218); for softmax exp(-1000 - max)
# is 0 next to any other output whose z is within a few hundred of the others.
OUTPUT_OFF_BIAS = -1000.0


@dataclass(frozen=True)
class NeuronEdit:
    """One edit of neuron ``index`` in ``layer``.

    ``kind`` is ``"off"``, ``"bias"`` (add ``amount`` to the bias) or ``"scale"`` (multiply the
    incoming weights by ``amount``).
    """

    layer: int
    index: int
    kind: str
    amount: float = 0.0

    def describe(self) -> str:
        """A short human description, e.g. ``"layer 1 neuron 5: off"``."""
        where = f"layer {self.layer} neuron {self.index}"
        if self.kind == "off":
            return f"{where}: off"
        if self.kind == "bias":
            return f"{where}: bias {self.amount:+g}"
        return f"{where}: weights x{self.amount:g}"

    def apply(self, network: Network) -> Network:
        """The edited network (a copy); raises ValueError for a neuron that does not exist."""
        if self.kind == "off":
            return switch_off(network, self.layer, self.index)
        if self.kind == "bias":
            return shift_bias(network, self.layer, self.index, self.amount)
        if self.kind == "scale":
            return scale_weights(network, self.layer, self.index, self.amount)
        raise ValueError(f"unknown edit {self.kind!r}; expected 'off', 'bias' or 'scale'")


def _check(network: Network, layer: int, index: int, first_layer: int) -> None:
    sizes = network.sizes
    last = len(sizes) - 1
    if not first_layer <= layer <= last:
        raise ValueError(f"layer must be {first_layer}..{last}, got {layer}")
    if not 0 <= index < sizes[layer]:
        raise ValueError(f"layer {layer} has neurons 0..{sizes[layer] - 1}, got {index}")


def _edited_copy(network: Network, description: str) -> Network:
    edited = network.copy()
    # Figures measured on the unedited network (test accuracy, ...) no longer describe this one.
    for key in [k for k in edited.metadata if "accuracy" in k.lower() or "confusion" in k.lower()]:
        del edited.metadata[key]
    history = list(edited.metadata.get("edits", []))
    edited.metadata["edits"] = history + [description]
    name = str(network.metadata.get("name", "") or "network")
    if not name.endswith("(edited)"):
        edited.metadata["name"] = f"{name} (edited)"
    return edited


def switch_off(network: Network, layer: int, index: int) -> Network:
    """A copy in which neuron ``index`` of ``layer`` (0..output) no longer affects anything.

    Input or hidden neuron: column ``index`` of ``weights[layer]`` (its outgoing weights) is
    zeroed. Output neuron: row ``index`` of ``weights[-1]`` is zeroed and its bias set to
    ``OUTPUT_OFF_BIAS``, so its activation is 0.
    """
    _check(network, layer, index, first_layer=0)
    edited = _edited_copy(network, NeuronEdit(layer, index, "off").describe())
    if layer < len(network.weights):
        edited.weights[layer][:, index] = 0.0
    else:
        edited.weights[-1][index, :] = 0.0
        edited.biases[-1][index] = OUTPUT_OFF_BIAS
    return edited


def shift_bias(network: Network, layer: int, index: int, delta: float) -> Network:
    """A copy with ``delta`` added to the bias of neuron ``index`` in ``layer`` (1..output)."""
    _check(network, layer, index, first_layer=1)
    edited = _edited_copy(network, NeuronEdit(layer, index, "bias", float(delta)).describe())
    edited.biases[layer - 1][index] += float(delta)
    return edited


def scale_weights(network: Network, layer: int, index: int, factor: float) -> Network:
    """A copy with the incoming weights (row ``index`` of ``weights[layer - 1]``) times ``factor``."""
    _check(network, layer, index, first_layer=1)
    edited = _edited_copy(network, NeuronEdit(layer, index, "scale", float(factor)).describe())
    edited.weights[layer - 1][index, :] *= float(factor)
    return edited
