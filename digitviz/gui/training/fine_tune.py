"""Fine-tuning on the personal digits, off the GUI thread, with accuracies before and after.

The work is the core's :func:`digitviz.core.train.fine_tune` (the personal digits oversampled,
mixed with MNIST training digits so the network does not forget); this module only runs it in a
:class:`BackgroundTask` and measures the personal set and the MNIST test set around it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...core.mnist import bundled_test_set
from ...core.network import Network
from ...core.train import fine_tune

MIN_STEPS = 40
MAX_STEPS = 600
EPOCHS = 3.0


@dataclass(frozen=True)
class FineTuneResult:
    """The tuned network and accuracies (fractions) on the personal set and the MNIST test set."""

    network: Network
    personal_before: float
    personal_after: float
    test_before: float
    test_after: float
    n_personal: int
    steps: int

    def html(self) -> str:
        return (f"Fine-tuned on {self.n_personal} of your digits ({self.steps} mini-batches).<br>"
                f"Your digits: {self.personal_before:.0%} → <b>{self.personal_after:.0%}</b> · "
                f"MNIST test: {self.test_before:.1%} → <b>{self.test_after:.1%}</b> "
                f"<span style='color:gray'>(Ctrl+Z undoes)</span>")


def _accuracy(net: Network, images: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(net.predict(images) == labels)) if len(labels) else float("nan")


def steps_for(n_personal: int, oversample: int = 20, batch_size: int = 32) -> int:
    """Mini-batches of a fine-tune: about three passes over the mix, within bounds."""
    mix = 2 * n_personal * oversample  # as many MNIST digits as oversampled personal ones
    return int(np.clip(round(EPOCHS * mix / batch_size), MIN_STEPS, MAX_STEPS))


def fine_tune_job(network: Network, personal_images, personal_labels, mnist_images, mnist_labels,
                  seed: int = 0, *, progress=None, cancelled=None) -> FineTuneResult:
    """Run on a worker: accuracy before, :func:`fine_tune`, accuracy after."""
    test = bundled_test_set()
    personal_images = np.asarray(personal_images, dtype=np.float32)
    personal_labels = np.asarray(personal_labels, dtype=np.int64)
    steps = steps_for(len(personal_labels))
    before_p = _accuracy(network, personal_images, personal_labels)
    before_t = _accuracy(network, test.images, test.labels)
    tuned = fine_tune(network, personal_images, personal_labels, mnist_images, mnist_labels,
                      seed=seed, steps=steps)
    name = network.name if network.name.endswith("(fine-tuned)") else f"{network.name} (fine-tuned)"
    tuned.metadata["name"] = name
    return FineTuneResult(tuned, before_p, _accuracy(tuned, personal_images, personal_labels),
                          before_t, _accuracy(tuned, test.images, test.labels), len(personal_labels), steps)


