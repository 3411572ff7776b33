"""What network is shown: name, description, shape, parameters, file, and its test accuracy.

The accuracy on the bundled MNIST test set is computed on a worker thread in chunks, so the
progress bar moves and the window never waits. Results are cached by a hash of the network's
arrays and activations: reopening a file, or the same network from another file, costs nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import QFormLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from ..core.mnist import Digits, bundled_test_set
from ..core.network import Network
from .background import BackgroundTask
from .state import AppState

# Images per progress step: about 50 million multiply-adds, so a huge network still reports
# progress (and notices cancellation) several times a second, and a small one is not slowed.
WORK_PER_CHUNK = 50_000_000

_cache: dict[str, float] = {}
_test_set: Digits | None = None
_test_set_lock = threading.Lock()


def fingerprint(network: Network) -> str:
    """A hash of the shape, activations, weights and biases: equal networks, equal fingerprints."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{network.sizes}|{network.hidden_activation}|{network.output_activation}".encode())
    for w, b in zip(network.weights, network.biases):
        h.update(np.ascontiguousarray(w, dtype=np.float64).tobytes())
        h.update(np.ascontiguousarray(b, dtype=np.float64).tobytes())
    return h.hexdigest()


def test_set() -> Digits:
    """The bundled MNIST test set (10,000 digits), read once, from any thread."""
    global _test_set
    with _test_set_lock:
        if _test_set is None:
            _test_set = bundled_test_set()
        return _test_set


def cached_accuracy(network: Network) -> float | None:
    return _cache.get(fingerprint(network))


def clear_accuracy_cache() -> None:
    _cache.clear()


def count_correct(network: Network, images: np.ndarray, labels: np.ndarray) -> int:
    """How many of ``images`` ((n, 784) in [0, 1]) ``network`` reads as ``labels`` ((n,))."""
    return int(np.count_nonzero(network.predict(images) == labels))


def chunk_size(network: Network) -> int:
    """Test images per step for ``network``: between 10 and 2,000."""
    return int(np.clip(WORK_PER_CHUNK // max(network.n_parameters, 1), 10, 2000))


def compute_accuracy(network: Network, *, progress: Callable[[int, int], None],
                     cancelled: Callable[[], bool]) -> float | None:
    """Fraction of the bundled test set read correctly; None if cancelled. Runs on a worker."""
    key = fingerprint(network)
    if key in _cache:
        return _cache[key]
    digits = test_set()
    n = len(digits)
    chunk = chunk_size(network)
    correct = 0
    progress(0, n)
    for start in range(0, n, chunk):
        if cancelled():
            return None
        stop = min(start + chunk, n)
        correct += count_correct(network, digits.images[start:stop], digits.labels[start:stop])
        progress(stop, n)
    accuracy = correct / n
    _cache[key] = accuracy
    return accuracy


class AccuracyJob(QWidget):
    """A label and a progress bar that show one network's accuracy as it is computed.

    Signals
    -------
    accuracyReady(float) : the accuracy of the network last given to :meth:`start`.
    """

    accuracyReady = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel("—")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.setFormat("testing %v / %m digits")
        self.bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self._task: BackgroundTask | None = None
        self.accuracy: float | None = None
        # Stop measuring when the application quits, or the thread pool would wait for it.
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.cancel)

    @Slot()
    def cancel(self) -> None:
        """Stop the running measurement, if any; its result will not be shown."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
            self.bar.hide()

    @property
    def is_running(self) -> bool:
        return self._task is not None

    def start(self, network: Network | None) -> None:
        """Forget the previous job and measure ``network`` (None: show nothing)."""
        self.cancel()
        self.accuracy = None
        if network is None:
            self.label.setText("—")
            self.bar.hide()
            return
        self.label.setText("measuring on the 10,000 MNIST test digits…")
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.bar.show()
        task = BackgroundTask(compute_accuracy, network, parent=self)
        task.progress.connect(self._on_task_progress)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self._task = task
        task.start()

    @Slot(int, int)
    def _on_task_progress(self, done: int, total: int) -> None:
        if self.sender() is self._task:
            self.bar.setRange(0, total)
            self.bar.setValue(done)

    @Slot(object)
    def _on_task_finished(self, accuracy) -> None:
        if self.sender() is not self._task or accuracy is None:
            return
        self._task = None
        self.bar.hide()
        self.accuracy = float(accuracy)
        self.label.setText(f"<b>{100 * self.accuracy:.2f}%</b> of the 10,000 MNIST test digits")
        self.accuracyReady.emit(self.accuracy)

    @Slot(str)
    def _on_task_failed(self, message: str) -> None:
        if self.sender() is not self._task:
            return
        self._task = None
        self.bar.hide()
        self.label.setText(f"could not be measured: {message.splitlines()[0]}")


class NetworkInfoPanel(QWidget):
    """Name, description, shape, parameter count, activations, file and test accuracy.

    ``source()`` gives the file the shown network came from, or None.
    """

    def __init__(self, state: AppState, source: Callable[[], Path | None], parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._source = source
        self.name_label = QLabel()
        self.name_label.setTextFormat(Qt.TextFormat.RichText)
        self.description_label = QLabel()
        self.description_label.setWordWrap(True)
        self.shape_label = QLabel()
        self.parameters_label = QLabel()
        self.activation_label = QLabel()
        self.file_label = QLabel()  # the name; the whole path in its tooltip
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.accuracy = AccuracyJob()

        form = QFormLayout()
        form.addRow("Shape", self.shape_label)
        form.addRow("Parameters", self.parameters_label)
        form.addRow("Activations", self.activation_label)
        form.addRow("File", self.file_label)
        form.addRow("Accuracy", self.accuracy)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name_label)
        layout.addWidget(self.description_label)
        layout.addLayout(form)
        layout.addStretch(1)

        state.networkChanged.connect(self._on_state_network_changed)
        self._on_state_network_changed()

    @Slot()
    def _on_state_network_changed(self) -> None:
        net = self._state.network
        self.name_label.setText(f"<b>{_escape(net.name)}</b>")
        description = str(net.metadata.get("description", "") or net.metadata.get("format", ""))
        self.description_label.setText(description)
        self.description_label.setVisible(bool(description))
        self.shape_label.setText(net.shape_text)
        self.parameters_label.setText(f"{net.n_parameters:,}")
        self.activation_label.setText(f"{net.hidden_activation} hidden, {net.output_activation} output")
        self.refresh_source()
        self.accuracy.start(net)

    @Slot()
    def refresh_source(self) -> None:
        """Show the file the network came from again (after Save as, say)."""
        path = self._source()
        self.file_label.setText(path.name if path is not None else "(not from a file)")
        self.file_label.setToolTip(str(path) if path is not None else "")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
