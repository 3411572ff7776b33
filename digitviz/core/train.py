"""Vectorised mini-batch training with cross-entropy and Adam.

One epoch is a loop over mini-batches; each batch is a handful of matrix products
(:meth:`Network.gradients`), never a loop over examples. Every random choice (initial weights,
shuffling, augmentation) comes from generators spawned from one seed, so the same seed gives the
same network, bit for bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from .augment import AugmentParams, augment
from .mnist import Digits
from .network import Network


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one training run.

    The learning rate follows a cosine from ``lr`` down to ``lr * final_lr_fraction`` over all
    steps, after ``warmup_epochs`` of linear warm-up. ``augment`` is None for no augmentation.
    """

    hidden: tuple[int, ...] = (16, 16)
    activation: str = "sigmoid"
    output_activation: str = "softmax"
    epochs: int = 30
    batch_size: int = 32
    lr: float = 3e-3
    final_lr_fraction: float = 0.02
    warmup_epochs: float = 0.5
    seed: int = 0
    augment: AugmentParams | None = field(default_factory=AugmentParams)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        return d


@dataclass
class EpochReport:
    """What one epoch did: mean training loss, validation accuracy (None without validation)."""

    epoch: int
    loss: float
    validation_accuracy: float | None
    lr: float


class Adam:
    """Adam (Kingma & Ba) over a list of parameter arrays.

    The parameters are copied into one flat buffer and ``params`` are views into it, so a step
    is a few whole-buffer operations rather than a few per array; use :meth:`for_network`,
    which makes the network's own arrays those views.
    """

    def __init__(self, params: list[np.ndarray], beta1=0.9, beta2=0.999, eps=1e-8):
        self.flat = np.concatenate([np.asarray(p, dtype=np.float64).ravel() for p in params])
        self.params = []
        offset = 0
        for p in params:
            self.params.append(self.flat[offset : offset + p.size].reshape(p.shape))
            offset += p.size
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros_like(self.flat)
        self.v = np.zeros_like(self.flat)
        self.t = 0

    @classmethod
    def for_network(cls, network: Network, **kwargs) -> Adam:
        """An optimizer whose buffer holds ``network``'s weights and biases (rebound as views)."""
        n = len(network.weights)
        opt = cls(network.weights + network.biases, **kwargs)
        network.weights = opt.params[:n]
        network.biases = opt.params[n:]
        return opt

    def step(self, grads: list[np.ndarray], lr: float) -> None:
        """Update ``params`` in place from gradients shaped like them."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        g = np.concatenate([gr.ravel() for gr in grads])
        self.m *= b1
        self.m += (1 - b1) * g
        self.v *= b2
        self.v += (1 - b2) * (g * g)
        # Bias corrections folded into the step size.
        step = lr * math.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        self.flat -= step * self.m / (np.sqrt(self.v) + self.eps)


def one_hot(labels: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """(n,) int labels -> (n, n_classes) float64 one-hot rows."""
    out = np.zeros((len(labels), n_classes))
    out[np.arange(len(labels)), labels] = 1.0
    return out


def learning_rate(config: TrainConfig, step: int, total_steps: int, steps_per_epoch: int) -> float:
    """Learning rate at ``step`` (0-based) of ``total_steps``: linear warm-up, then cosine decay."""
    warm = int(config.warmup_epochs * steps_per_epoch)
    if step < warm:
        return config.lr * (step + 1) / warm
    progress = (step - warm) / max(1, total_steps - warm)
    floor = config.lr * config.final_lr_fraction
    return floor + (config.lr - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def accuracy(network: Network, digits: Digits, chunk: int = 10_000) -> float:
    """Fraction of ``digits`` the network classifies correctly."""
    if len(digits) == 0:
        return float("nan")
    correct = 0
    for start in range(0, len(digits), chunk):
        part = digits.subset(slice(start, start + chunk))
        correct += int(np.sum(network.predict(part.images) == part.labels))
    return correct / len(digits)


def split_validation(digits: Digits, n_validation: int) -> tuple[Digits, Digits]:
    """(training, validation): the last ``n_validation`` images are held out."""
    if not 0 <= n_validation < len(digits):
        raise ValueError(f"cannot hold out {n_validation} of {len(digits)} images for validation")
    cut = len(digits) - n_validation
    return digits.subset(slice(0, cut)), digits.subset(slice(cut, None))


def initial_network(config: TrainConfig, n_inputs: int = 784, n_outputs: int = 10) -> Network:
    """The untrained network the run starts from (depends only on the seed and the shape)."""
    rng = _generators(config.seed)[0]
    sizes = [n_inputs, *config.hidden, n_outputs]
    return Network.random(sizes, rng, config.activation, config.output_activation)


def _generators(seed: int) -> list[np.random.Generator]:
    """Independent generators for initialisation, shuffling and augmentation."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]


def train_epoch(
    network: Network,
    optimizer: Adam,
    images: np.ndarray,
    labels: np.ndarray,
    batch_size: int,
    rng: np.random.Generator,
    lr_at: Callable[[int], float],
    on_batch: Callable[[int, int, float], None] | None = None,
) -> float:
    """One pass over (n, 784) ``images`` in shuffled mini-batches; returns the mean loss.

    ``lr_at(step)`` gives the learning rate of the optimizer's next step; ``on_batch(done,
    total, loss)`` is called after every batch (for a progress bar).
    """
    n = len(labels)
    order = rng.permutation(n)
    targets = one_hot(labels)
    total_loss = 0.0
    n_batches = math.ceil(n / batch_size)
    for b in range(n_batches):
        idx = order[b * batch_size : (b + 1) * batch_size]
        gw, gb, loss = network.gradients(images[idx], targets[idx])
        optimizer.step(gw + gb, lr_at(optimizer.t))
        total_loss += loss * len(idx)
        if on_batch is not None:
            on_batch(b + 1, n_batches, loss)
    return total_loss / max(n, 1)


def train(
    config: TrainConfig,
    training: Digits,
    validation: Digits | None = None,
    on_batch: Callable[[int, int, int, float], None] | None = None,
    on_epoch: Callable[[EpochReport], None] | None = None,
) -> tuple[Network, list[EpochReport]]:
    """Train a fresh network on ``training``; report per-epoch validation accuracy.

    ``on_batch(epoch, done, total, loss)`` and ``on_epoch(report)`` are progress callbacks.
    Returns the trained network and one :class:`EpochReport` per epoch. ``config.epochs == 0``
    returns the initial (random) network.
    """
    network = initial_network(config)
    _, shuffle_rng, augment_rng = _generators(config.seed)
    optimizer = Adam.for_network(network)
    steps_per_epoch = math.ceil(len(training) / config.batch_size)
    total = steps_per_epoch * config.epochs
    history: list[EpochReport] = []
    for epoch in range(1, config.epochs + 1):
        images = training.images
        if config.augment is not None:
            images = _augment_in_chunks(images, augment_rng, config.augment)
        batch_cb = None if on_batch is None else (lambda d, t, l, e=epoch: on_batch(e, d, t, l))
        loss = train_epoch(
            network,
            optimizer,
            images,
            training.labels,
            config.batch_size,
            shuffle_rng,
            lambda step: learning_rate(config, step, total, steps_per_epoch),
            batch_cb,
        )
        val = accuracy(network, validation) if validation is not None and len(validation) else None
        report = EpochReport(epoch, loss, val, learning_rate(config, optimizer.t - 1, total, steps_per_epoch))
        history.append(report)
        if on_epoch is not None:
            on_epoch(report)
    return network, history


def _augment_in_chunks(images: np.ndarray, rng: np.random.Generator, params: AugmentParams,
                       chunk: int = 5_000) -> np.ndarray:
    """Augment (n, 784) images in slices, to bound the memory of the intermediate arrays."""
    return np.concatenate(
        [augment(images[s : s + chunk], rng, params) for s in range(0, len(images), chunk)]
    )
