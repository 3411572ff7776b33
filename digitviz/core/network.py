"""A plain multilayer perceptron: ``a' = f(W a + b)`` layer after layer.

Weights are stored (n_out, n_in), as in Nielsen's book: row j of the first matrix,
reshaped to 28x28, is hidden neuron j's weight image.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from . import activations as act
from .backprop import Backprop, backprop, delta_through


@dataclass
class Network:
    """A fully connected feed-forward network.

    Parameters
    ----------
    weights : list of (n_out, n_in) float arrays, one per layer after the input.
    biases : list of (n_out,) float arrays.
    hidden_activation : ``"sigmoid"``, ``"relu"`` or ``"tanh"``.
    output_activation : ``"sigmoid"`` or ``"softmax"``.
    metadata : free-form record (name, description, training, test accuracy).
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    hidden_activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    metadata: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.weights = [np.asarray(w, dtype=np.float64) for w in self.weights]
        self.biases = [np.asarray(b, dtype=np.float64).reshape(-1) for b in self.biases]
        if not self.weights or len(self.weights) != len(self.biases):
            raise ValueError("need one bias vector per weight matrix, and at least one layer")
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            if w.ndim != 2 or w.shape[0] != b.shape[0]:
                raise ValueError(f"layer {i + 1}: weights {w.shape} do not match biases {b.shape}")
            if i and w.shape[1] != self.weights[i - 1].shape[0]:
                raise ValueError(
                    f"layer {i + 1}: takes {w.shape[1]} inputs but layer {i} has "
                    f"{self.weights[i - 1].shape[0]} neurons"
                )
        if self.hidden_activation not in act.HIDDEN_ACTIVATIONS:
            raise ValueError(f"unknown hidden activation {self.hidden_activation!r}")
        if self.output_activation not in act.OUTPUT_ACTIVATIONS:
            raise ValueError(f"unknown output activation {self.output_activation!r}")
        self.metadata = dict(self.metadata or {})

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def random(
        cls,
        sizes: Sequence[int],
        rng: np.random.Generator,
        hidden_activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        metadata: dict | None = None,
    ) -> Network:
        """A freshly initialised network: Gaussian weights scaled by fan-in, zero biases.

        He scaling (sqrt(2 / n_in)) for ReLU, Glorot-like (sqrt(1 / n_in)) otherwise.
        """
        gain = 2.0 if hidden_activation == "relu" else 1.0
        weights = [
            rng.standard_normal((n_out, n_in)) * np.sqrt(gain / n_in)
            for n_in, n_out in zip(sizes[:-1], sizes[1:])
        ]
        biases = [np.zeros(n_out) for n_out in sizes[1:]]
        return cls(weights, biases, hidden_activation, output_activation, dict(metadata or {}))

    def copy(self) -> Network:
        return Network(
            [w.copy() for w in self.weights],
            [b.copy() for b in self.biases],
            self.hidden_activation,
            self.output_activation,
            dict(self.metadata),
        )

    # -- shape --------------------------------------------------------------------------------

    @property
    def sizes(self) -> list[int]:
        """Neurons per layer, the input first: e.g. ``[784, 16, 16, 10]``."""
        return [self.weights[0].shape[1]] + [w.shape[0] for w in self.weights]

    @property
    def n_parameters(self) -> int:
        """Weights plus biases: 13,002 for 784-16-16-10."""
        return int(sum(w.size + b.size for w, b in zip(self.weights, self.biases)))

    @property
    def shape_text(self) -> str:
        """``"784-16-16-10"``."""
        return "-".join(str(n) for n in self.sizes)

    @property
    def name(self) -> str:
        return str(self.metadata.get("name", "") or "unnamed network")

    def fingerprint(self) -> str:
        """A hash of everything that decides the outputs (shape, activations, arrays).

        Equal networks have equal fingerprints; editing an array in place changes it. Caches of
        per-network results (test accuracy, evaluations) are keyed by it.
        """
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{self.sizes}|{self.hidden_activation}|{self.output_activation}".encode())
        for w, b in zip(self.weights, self.biases):
            h.update(np.ascontiguousarray(w, dtype=np.float64).tobytes())
            h.update(np.ascontiguousarray(b, dtype=np.float64).tobytes())
        return h.hexdigest()

    def activation_of(self, layer: int) -> str:
        """Activation name of ``layer`` (1 = first hidden layer; 0, the input, has none)."""
        return self.output_activation if layer == len(self.weights) else self.hidden_activation

    # -- inference ----------------------------------------------------------------------------

    def _as_batch(self, x) -> tuple[np.ndarray, bool]:
        x = np.asarray(x, dtype=np.float64)
        single = x.ndim == 1
        x2 = x.reshape(1, -1) if single else x.reshape(x.shape[0], -1)
        if x2.shape[1] != self.sizes[0]:
            raise ValueError(f"expected {self.sizes[0]} input values per sample, got {x2.shape[1]}")
        return x2, single

    def forward_full(self, x) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Weighted inputs and activations of every layer.

        Returns ``(zs, activations)``: ``activations[0]`` is the input, ``activations[l]`` and
        ``zs[l - 1]`` belong to layer l. Shapes are (n_l,) for one sample, (n, n_l) for a batch.
        """
        a, single = self._as_batch(x)
        acts, zs = [a], []
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ w.T + b
            a = act.FUNCTIONS[self.output_activation if i == last else self.hidden_activation](z)
            zs.append(z)
            acts.append(a)
        if single:
            return [z[0] for z in zs], [a[0] for a in acts]
        return zs, acts

    def forward(self, x) -> list[np.ndarray]:
        """Every layer's activations, the input first.

        ``x`` is (784,) or (n, 784) in [0, 1]; each returned array is (n_l,) or (n, n_l).
        """
        return self.forward_full(x)[1]

    def predict(self, x):
        """The digit with the highest output: an int for one sample, an (n,) int array for a batch."""
        out = self.forward(x)[-1]
        return int(np.argmax(out)) if out.ndim == 1 else np.argmax(out, axis=1)

    # -- gradients ----------------------------------------------------------------------------

    def _delta_through(self, layer: int, z: np.ndarray, a: np.ndarray, upstream: np.ndarray):
        """d L / d z of ``layer`` given d L / d a (the chain rule's step, shared with backprop)."""
        return delta_through(self.activation_of(layer), z, a, upstream)

    def backprop(self, x, y, cost: str = "cross_entropy", *, input_gradient: bool = False) -> Backprop:
        """Cost, nudges and gradients of a batch: see :func:`digitviz.core.backprop.backprop`.

        ``x`` is (n, n_in) or one (n_in,) sample (then treated as a batch of one); ``y`` is
        (n, n_out) or (n_out,) targets. ``cost`` is ``"quadratic"`` or ``"cross_entropy"``.
        """
        x2, _ = self._as_batch(x)
        y2 = np.asarray(y, dtype=np.float64).reshape(x2.shape[0], -1)
        if y2.shape[1] != self.sizes[-1]:
            raise ValueError(f"expected {self.sizes[-1]} target values per sample, got {y2.shape[1]}")
        return backprop(self.weights, self.biases, self.hidden_activation, self.output_activation,
                        x2, y2, cost, input_gradient=input_gradient)

    def gradients(self, x: np.ndarray, y: np.ndarray, cost: str = "cross_entropy") -> tuple[list, list, float]:
        """Gradients of the batch's mean cost (cross-entropy unless ``cost`` says otherwise).

        ``x`` is (n, n_in), ``y`` is (n, n_out) one-hot. The cross-entropy is categorical for a
        softmax output and binary per output for a sigmoid output; with either, d C / d z of the
        output layer is simply ``a - y``.
        Returns ``(grad_weights, grad_biases, mean_cost)`` shaped like the parameters.
        """
        result = self.backprop(x, y, cost)
        return result.dW, result.db, result.cost

    def gradient_step(self, dW: Sequence[np.ndarray], db: Sequence[np.ndarray], learning_rate: float) -> Network:
        """A new network one plain gradient-descent step away: ``w - learning_rate * dW`` (and b).

        ``dW`` and ``db`` are shaped like the parameters, e.g. from :meth:`backprop`. This one is
        not changed; the metadata is copied.
        """
        if len(dW) != len(self.weights) or len(db) != len(self.biases):
            raise ValueError("need one gradient per weight matrix and per bias vector")
        weights = [w - learning_rate * np.asarray(g, dtype=np.float64).reshape(w.shape)
                   for w, g in zip(self.weights, dW)]
        biases = [b - learning_rate * np.asarray(g, dtype=np.float64).reshape(b.shape)
                  for b, g in zip(self.biases, db)]
        return Network(weights, biases, self.hidden_activation, self.output_activation, dict(self.metadata))

    def input_gradient(self, x, layer: int, index: int, of: str = "activation") -> np.ndarray:
        """d a[layer][index] / d x for one input: how each pixel now influences that neuron.

        ``x`` is (n_in,); returns (n_in,). ``layer`` counts from 1 (first hidden layer).
        With ``of="weighted_input"`` it is d z[layer][index] / d x instead (z = w . a + b, before
        the activation): what gradient ascent climbs when a saturated sigmoid, a silent ReLU or
        a softmax would flatten the activation's gradient.
        """
        if not 1 <= layer <= len(self.weights):
            raise ValueError(f"layer must be 1..{len(self.weights)}, got {layer}")
        if of not in ("activation", "weighted_input"):
            raise ValueError(f"of must be 'activation' or 'weighted_input', got {of!r}")
        zs, acts = self.forward_full(np.asarray(x, dtype=np.float64).reshape(-1))
        upstream = np.zeros_like(acts[layer])
        upstream[index] = 1.0
        if of == "weighted_input":
            grad = upstream
        else:
            grad = self._delta_through(layer, zs[layer - 1], acts[layer], upstream)
        for i in range(layer - 1, -1, -1):
            g = grad @ self.weights[i]
            if i == 0:
                return g
            grad = self._delta_through(i, zs[i - 1], acts[i], g)
        raise AssertionError("unreachable")
