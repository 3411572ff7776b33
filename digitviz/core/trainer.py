"""A mini-batch trainer that can be stepped one batch at a time: the app's and the CLI's.

``Trainer(network, images, labels, seed=0, **settings)`` copies the network and trains the copy;
``step(n)`` runs n mini-batches. Each epoch's order is one permutation drawn when the epoch
starts, and the images are gathered (and augmented) in fixed chunks of that order, so the
result depends only on how many batches were run, never on how they were grouped into calls:
``step(1)`` a hundred times equals ``step(100)``, bit for bit. Shuffling and augmentation use
generators spawned from the seed.

The arithmetic is float32 (the big matrix products run about twice as fast); the parameters
live in one flat buffer that the optimizer updates in place; batches are contiguous slices of
chunks gathered (and augmented) once per few thousand images, not gathered batch by batch; the
gradients are written into preallocated views of one flat buffer. A worker thread may call
``step`` while other threads call :meth:`snapshot`: a lock makes each snapshot a consistent copy
taken between two batches.
"""

from __future__ import annotations

import math
import threading
from dataclasses import asdict, dataclass

import numpy as np

from .augment import AugmentParams, augment
from .backprop import COSTS, backprop
from .blas import single_threaded_blas
from .network import Network
from .optimizers import OPTIMIZERS, make_optimizer

# Default learning rates, by optimizer and cost (the quadratic cost of the video has no 1/2),
# chosen for batches of 32 and one epoch of MNIST (50,000 training, 10,000 validation images)
# from a fresh 784-16-16-10 sigmoid network; validation accuracy after that epoch:
# Adam + cross-entropy 92.7% (softmax output) / 91.6% (sigmoid), Adam + quadratic 91.4%
# (sigmoid), SGD + quadratic 91.6% (sigmoid), SGD + cross-entropy 92.5% (sigmoid).
DEFAULT_LEARNING_RATES = {
    ("adam", "cross_entropy"): 5e-3,
    ("adam", "quadratic"): 5e-3,
    ("sgd", "cross_entropy"): 0.5,
    ("sgd", "quadratic"): 3.0,
}
# Images gathered per chunk of the epoch's order (rounded to whole batches).
CHUNK_IMAGES = 4096
MAX_BATCH_SIZE = 60_000


def spawn_generators(seed: int) -> list[np.random.Generator]:
    """Independent generators for initialisation, shuffling and augmentation, from one seed."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]


@dataclass(frozen=True)
class TrainerSettings:
    """How a :class:`Trainer` trains; every field can be given to it as a keyword.

    ``learning_rate`` None takes :data:`DEFAULT_LEARNING_RATES` for the optimizer and cost.
    ``momentum`` applies to SGD only. The learning rate rises linearly over ``warmup_batches``,
    then, if ``decay_batches`` is set, follows a cosine down to ``learning_rate *
    final_lr_fraction`` over that many batches (and stays there); otherwise it stays constant.
    ``augment`` distorts the training images with ``AugmentParams().scaled(augment_strength,
    augment_probability)``.
    """

    cost: str = "cross_entropy"
    optimizer: str = "adam"
    learning_rate: float | None = None
    momentum: float = 0.0
    batch_size: int = 32
    augment: bool = False
    augment_strength: float = 1.0
    augment_probability: float = 0.75
    warmup_batches: int = 0
    decay_batches: int | None = None
    final_lr_fraction: float = 0.02

    def __post_init__(self) -> None:
        if self.cost not in COSTS:
            raise ValueError(f"unknown cost {self.cost!r} (known: {', '.join(COSTS)})")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r} (known: {', '.join(OPTIMIZERS)})")
        if self.learning_rate is None:
            object.__setattr__(self, "learning_rate", DEFAULT_LEARNING_RATES[self.optimizer, self.cost])
        _check(self.learning_rate, "learning_rate", lo=0.0, lo_open=True)
        _check(self.momentum, "momentum", lo=0.0, hi=1.0, hi_open=True)
        _check(self.augment_strength, "augment_strength", lo=0.0)
        _check(self.augment_probability, "augment_probability", lo=0.0, hi=1.0)
        _check(self.final_lr_fraction, "final_lr_fraction", lo=0.0, hi=1.0)
        for name in ("batch_size", "warmup_batches", "decay_batches"):
            value = getattr(self, name)
            if value is None and name == "decay_batches":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise ValueError(f"{name} must be an integer, got {value!r}")
            low = 1 if name in ("batch_size", "decay_batches") else 0
            if not low <= value <= (MAX_BATCH_SIZE if name == "batch_size" else 10**12):
                raise ValueError(f"{name} must be at least {low}, got {value}")

    def as_dict(self) -> dict:
        return asdict(self)

    def augment_params(self) -> AugmentParams | None:
        if not self.augment:
            return None
        return AugmentParams().scaled(self.augment_strength, self.augment_probability)

    def learning_rate_at(self, batch: int) -> float:
        """The learning rate of the ``batch``-th mini-batch (0-based)."""
        lr = self.learning_rate
        if batch < self.warmup_batches:
            return lr * (batch + 1) / self.warmup_batches
        if self.decay_batches is None:
            return lr
        progress = min(1.0, (batch - self.warmup_batches) / self.decay_batches)
        floor = lr * self.final_lr_fraction
        return floor + (lr - floor) * 0.5 * (1 + math.cos(math.pi * progress))


def _check(value, name, lo=None, hi=None, lo_open=False, hi_open=False) -> None:
    ok = isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool)
    ok = ok and math.isfinite(value)
    ok = ok and (lo is None or (value > lo if lo_open else value >= lo))
    ok = ok and (hi is None or (value < hi if hi_open else value <= hi))
    if not ok:
        lo_text = "" if lo is None else f"{'>' if lo_open else '>='} {lo}"
        hi_text = "" if hi is None else f"{'<' if hi_open else '<='} {hi}"
        rule = " and ".join(t for t in (lo_text, hi_text) if t)
        raise ValueError(f"{name} must be a finite number {rule}, got {value!r}")


class Trainer:
    """Trains a copy of ``network`` on ``images`` (n, n_in) in [0, 1] and ``labels`` (n,) ints.

    Parameters
    ----------
    network : the starting point; never modified.
    images : (n, n_in) floats in [0, 1], ink high (as MNIST). Read, never written; not copied
        when already float32 and contiguous (so do not modify it while training).
    labels : (n,) integers in [0, n_out).
    seed : seeds the shuffling and the augmentation.
    **settings : fields of :class:`TrainerSettings` (cost, optimizer, learning_rate, momentum,
        batch_size, augment, augment_strength, augment_probability, ...).
    """

    def __init__(self, network: Network, images, labels, *, seed: int = 0, **settings):
        self.settings = TrainerSettings(**settings)
        self.seed = seed
        images = np.asarray(images)
        labels = np.asarray(labels)
        n_in, n_out = network.sizes[0], network.sizes[-1]
        if images.ndim != 2 or images.shape[1] != n_in:
            raise ValueError(f"images must be shaped (n, {n_in}), got {images.shape}")
        if labels.shape != (len(images),):
            raise ValueError(f"labels must be shaped ({len(images)},), got {labels.shape}")
        if len(labels) == 0:
            raise ValueError("no training images")
        if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() >= n_out:
            raise ValueError(f"labels must be integers in 0..{n_out - 1}")
        self._images = np.ascontiguousarray(images, dtype=np.float32)
        low, high = float(self._images.min()), float(self._images.max())
        if not (math.isfinite(low) and math.isfinite(high)) or low < 0 or high > 1:
            raise ValueError(f"images must hold values in [0, 1], found {low:g} to {high:g}")
        self._labels = labels.astype(np.intp)
        self._hidden, self._output = network.hidden_activation, network.output_activation
        self._metadata = dict(network.metadata)
        self._n_layers = len(network.weights)

        params = [p.astype(np.float32) for p in network.weights + network.biases]
        self._optimizer = make_optimizer(self.settings.optimizer, params, momentum=self.settings.momentum,
                                         dtype=np.float32)
        views = self._optimizer.params
        self._weights, self._biases = views[: self._n_layers], views[self._n_layers :]
        self._grad_flat = np.zeros_like(self._optimizer.flat)
        grads, offset = [], 0
        for p in views:
            grads.append(self._grad_flat[offset : offset + p.size].reshape(p.shape))
            offset += p.size
        self._grads = (grads[: self._n_layers], grads[self._n_layers :])

        _, self._shuffle_rng, self._augment_rng = spawn_generators(seed)
        self._augment = self.settings.augment_params()
        bs = self.settings.batch_size
        self._chunk = bs * max(1, CHUNK_IMAGES // bs)
        self._batches_per_epoch = math.ceil(len(labels) / bs)
        self._x = self._y = np.empty((0, 0), dtype=np.float32)  # the chunk of the epoch's order in use
        self._eye = np.eye(n_out, dtype=np.float32)
        self._order = np.arange(0)
        self._order_epoch = -1
        self._loaded_chunk = -1
        self._batches_done = 0
        self._lock = threading.Lock()
        self.last_learning_rate = float("nan")
        self.last_epoch_cost = float("nan")

    # -- progress -----------------------------------------------------------------------------

    @property
    def n_images(self) -> int:
        return len(self._labels)

    @property
    def batches_per_epoch(self) -> int:
        return self._batches_per_epoch

    @property
    def batches_done(self) -> int:
        return self._batches_done

    @property
    def epoch(self) -> int:
        """Whole epochs completed."""
        return self._batches_done // self.batches_per_epoch

    @property
    def epoch_progress(self) -> float:
        """Epochs completed, with the fraction of the current one: 2.5 halfway through the third."""
        return self._batches_done / self.batches_per_epoch

    # -- the network --------------------------------------------------------------------------

    def snapshot(self) -> Network:
        """An independent float64 :class:`Network` holding the current parameters.

        Safe to call from another thread while ``step`` runs: it waits for the batch in flight.
        """
        with self._lock:
            weights = [w.astype(np.float64) for w in self._weights]
            biases = [b.astype(np.float64) for b in self._biases]
            done = self._batches_done
        metadata = dict(self._metadata)
        metadata["training"] = {**self.settings.as_dict(), "seed": self.seed, "batches": done,
                                "images": self.n_images}
        return Network(weights, biases, self._hidden, self._output, metadata)

    @property
    def network(self) -> Network:
        """The current network, as a new copy (see :meth:`snapshot`)."""
        return self.snapshot()

    def parameters_finite(self) -> bool:
        """False once a too-large learning rate has made any weight NaN or infinite."""
        return bool(np.all(np.isfinite(self._optimizer.flat)))

    # -- training -----------------------------------------------------------------------------

    def step(self, n: int = 1) -> float:
        """Train ``n`` mini-batches; returns their mean cost (per image, before each update)."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        total, count = 0.0, 0
        with single_threaded_blas():  # see core/blas.py: BLAS threads only wait here
            for _ in range(n):
                x, y = self._next_batch()
                lr = self.settings.learning_rate_at(self._batches_done)
                result = backprop(self._weights, self._biases, self._hidden, self._output, x, y,
                                  self.settings.cost, out=self._grads, mean=False, nudges=False)
                self._grad_flat *= 1.0 / len(x)  # the batch's mean, in one operation
                with self._lock:  # the only writes to the parameters; snapshot() reads under it
                    self._optimizer.step_flat(self._grad_flat, lr)
                    self._batches_done += 1
                self.last_learning_rate = lr
                total += result.cost * len(x)
                count += len(x)
        return total / count

    def run_epoch(self, on_batch=None) -> float:
        """Train to the end of the current epoch; returns the mean cost per image of its batches.

        ``on_batch(done, total, cost)`` is called after each batch (for a progress bar). The
        result is also kept as ``last_epoch_cost``.
        """
        bpe, bs = self.batches_per_epoch, self.settings.batch_size
        total, images = 0.0, 0
        with single_threaded_blas():  # once for the epoch rather than once per step
            while True:
                k = self._batches_done % bpe
                size = min(bs, self.n_images - k * bs)
                cost = self.step()
                total += cost * size
                images += size
                if on_batch is not None:
                    on_batch(k + 1, bpe, cost)
                if k + 1 == bpe:
                    break
        self.last_epoch_cost = total / images
        return self.last_epoch_cost

    def _next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        bs, n = self.settings.batch_size, self.n_images
        epoch, k = divmod(self._batches_done, self.batches_per_epoch)
        if epoch != self._order_epoch:
            # A new epoch: its order is drawn now, whatever happened before.
            self._order = self._shuffle_rng.permutation(n)
            self._order_epoch = epoch
            self._loaded_chunk = -1
        start = k * bs
        chunk = start // self._chunk
        if chunk != self._loaded_chunk:
            self._load_chunk(chunk)
        lo = start - chunk * self._chunk
        hi = min(lo + bs, n - chunk * self._chunk)
        return self._x[lo:hi], self._y[lo:hi]

    def _load_chunk(self, chunk: int) -> None:
        idx = self._order[chunk * self._chunk : (chunk + 1) * self._chunk]
        # Fancy indexing into a new array is about twice as fast as np.take(..., out=) here.
        x = self._images[idx]
        if self._augment is not None:
            x = augment(x, self._augment_rng, self._augment)
        self._x = x
        self._y = self._eye[self._labels[idx]]
        self._loaded_chunk = chunk
