"""A :class:`Trainer` in a child process, so that training and a GUI never share Python's GIL.

A worker *thread* stepping small NumPy batches and a GUI thread painting would hand the GIL back
and forth thousands of times a second, each waiting up to the interpreter's switch interval:
the window would stall and the training would slow down. Here the trainer runs in a spawned
process; the parent sends commands over a pipe and collects what the child reports from a
queue whenever it likes (the app does so from a timer, 12 times a second). The child
never waits for the parent.

The training digits are shared, not copied: :class:`SharedDigits` puts them in one shared-memory
block that both processes map. The child reports (tuples sent over the pipe):

- ``("costs", batches, costs, seconds)``: lists of batch counts and the cost of each batch, and
  the time the steps of the current epoch took so far;
- ``("accuracy", batches, accuracy)`` on the test digits at checkpoints and snapshots;
- ``("snapshot", batches, network)`` after 0, 1, 2, 4, ... batches and at every epoch's end
  (:func:`digitviz.core.timeline.should_snapshot`);
- ``("live", batches, network)`` about every ``live_interval`` seconds while it trains;
- ``("epoch", seconds)`` the time the epoch's steps took;
- ``("stopped", batches, network, error)`` after each run (``error`` None or a message).

Everything it reports depends only on the network, the data, the seed and the settings (never
on timing, except ``live`` and ``epoch``), so the snapshots are the same bit for bit every time.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing as mp
import queue
import sys
import threading
import time
import traceback
import weakref
from multiprocessing import shared_memory

import numpy as np

from .blas import single_threaded_blas
from .network import Network
from .timeline import should_snapshot
from .trainer import Trainer

CHECKPOINTS_PER_EPOCH = 8
FINITE_CHECK_EVERY = 16  # batches between checks that every parameter is still finite
# Snapshots this early get no accuracy point: on the curve's linear axis they would all sit on
# batch 0's, and each measurement costs the training a few milliseconds.
ACCURACY_FROM = 64
DIVERGED = "The training diverged (the cost became infinite or NaN): lower the learning rate and Reset."


class SharedDigits:
    """``images`` (n, n_in) float32 and ``labels`` (n,) int64 in one shared-memory block.

    The arrays are views into the block; :meth:`close` releases it (unlinks it) for good.
    """

    def __init__(self, images, labels):
        images = np.asarray(images, dtype=np.float32)
        labels = np.asarray(labels, dtype=np.int64)
        if images.ndim != 2 or labels.shape != (len(images),):
            raise ValueError(f"need (n, n_in) images and (n,) labels, got {images.shape} and {labels.shape}")
        self._shape = images.shape
        size = images.nbytes + labels.nbytes
        self._shm = shared_memory.SharedMemory(create=True, size=max(size, 1))
        # Unlinked when closed or garbage-collected, so no block outlives its owner.
        self._release = weakref.finalize(self, _release, self._shm)
        self.images, self.labels = self._views(self._shm, self._shape)
        self.images[:] = images
        self.labels[:] = labels

    @staticmethod
    def _views(shm, shape) -> tuple[np.ndarray, np.ndarray]:
        n, n_in = shape
        images = np.ndarray((n, n_in), dtype=np.float32, buffer=shm.buf)
        labels = np.ndarray((n,), dtype=np.int64, buffer=shm.buf, offset=n * n_in * 4)
        return images, labels

    @property
    def spec(self) -> tuple[str, tuple[int, int]]:
        """What a child process needs to map the same arrays (see :func:`attach`)."""
        return self._shm.name, self._shape

    def __len__(self) -> int:
        return self._shape[0]

    def close(self) -> None:
        """Release the block; the arrays must no longer be used."""
        self.images = self.labels = None
        self._release()


def _release(shm: shared_memory.SharedMemory) -> None:
    try:
        shm.unlink()
    except FileNotFoundError:
        pass
    try:
        shm.close()
    except BufferError:  # a view is still alive somewhere: the memory goes when it does
        pass


def attach(spec) -> tuple[shared_memory.SharedMemory, np.ndarray, np.ndarray]:
    """Map the arrays of a :class:`SharedDigits` made in another process."""
    name, shape = spec
    shm = shared_memory.SharedMemory(name=name)
    images, labels = SharedDigits._views(shm, shape)
    return shm, images, labels


def _accuracy(net: Network, images: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean(net.predict(images) == labels))


def _child(commands, reports, stop, live_wanted, network, spec, seed, settings, test, live_interval) -> None:
    """The child process: build the trainer, then run what the parent asks until "quit".

    Reports go into a queue whose feeder thread writes them to the parent, so a busy parent
    never makes the training wait; live copies are sent only when the parent has taken the last.
    """
    put = reports.put
    shm = images = labels = None
    try:
        shm, images, labels = attach(spec)
        trainer = Trainer(network, images, labels, seed=seed, **settings)
        test_images, test_labels = test
        # Converted once: Network.predict would otherwise copy the subset to float64 at every checkpoint.
        test_images = np.ascontiguousarray(test_images, dtype=np.float64)
        first = trainer.snapshot()
        put(("snapshot", 0, first))
        measure = len(test_labels) > 0
        if measure:
            put(("accuracy", 0, _accuracy(first, test_images, test_labels)))
        with single_threaded_blas():  # one BLAS block for the child's life (see core/blas.py)
            _serve(commands, put, stop, live_wanted, trainer, test_images, test_labels, measure, live_interval)
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass
    except Exception as exc:  # told to the parent, which shows it
        put(("stopped", -1, None, f"Training stopped: {type(exc).__name__}: {exc}\n"
                                  f"{traceback.format_exc(limit=3)}"))
    finally:
        if shm is not None:
            images = labels = trainer = None  # the views go before the mapping
            shm.close()


def _serve(commands, put, stop, live_wanted, trainer, test_images, test_labels, measure, live_interval) -> None:
    """Run the parent's commands until "quit": each "run" trains to its target or to a stop."""
    bpe = trainer.batches_per_epoch
    every = max(1, bpe // CHECKPOINTS_PER_EPOCH)
    epoch_busy = 0.0
    while True:
        command = commands.recv()
        if command[0] != "run":
            break
        target, error = command[1], None
        costs, batches = [], []
        last_live = time.perf_counter()
        while not stop.is_set() and trainer.batches_done < target:
            t0 = time.perf_counter()
            cost = trainer.step(1)
            epoch_busy += time.perf_counter() - t0
            done = trainer.batches_done
            batches.append(done)
            costs.append(cost)
            snap = should_snapshot(done, bpe)
            checkpoint = snap or done % every == 0
            # A NaN weight almost always shows in the cost first; the weights themselves are
            # checked every few batches and before any network leaves the child.
            if not math.isfinite(cost) or ((checkpoint or done % FINITE_CHECK_EVERY == 0)
                                           and not trainer.parameters_finite()):
                error = DIVERGED
                break
            if checkpoint:
                net = trainer.snapshot()
                if snap:
                    put(("snapshot", done, net))
                if measure and (done >= ACCURACY_FROM or not snap):
                    put(("accuracy", done, _accuracy(net, test_images, test_labels)))
            if done % bpe == 0:
                put(("epoch", epoch_busy))
                epoch_busy = 0.0
            if live_wanted.value:
                now = time.perf_counter()
                if now - last_live >= live_interval and trainer.parameters_finite():
                    live_wanted.value = 0
                    put(("costs", batches, costs, epoch_busy))
                    batches, costs = [], []
                    put(("live", done, trainer.snapshot()))
                    last_live = now
        if batches:
            put(("costs", batches, costs, epoch_busy))
        if error is None and not trainer.parameters_finite():
            error = DIVERGED
        if error is None:
            put(("stopped", trainer.batches_done, trainer.snapshot(), None))
        else:  # the last finite network stays on view; only Reset helps
            put(("stopped", -1, None, error))


@contextlib.contextmanager
def _main_module_hidden():
    """Start a spawned child without re-running the parent's main script in it.

    The child needs nothing from ``__main__`` (its work lives here), and a script without an
    ``if __name__ == "__main__"`` guard that opens a window and trains would otherwise do so
    again in every child.
    """
    main = sys.modules.get("__main__")
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main is not None and k in main.__dict__}
    try:
        if main is not None:
            main.__dict__.pop("__file__", None)
            main.__spec__ = None
        yield
    finally:
        if main is not None:
            main.__dict__.update(saved)
            if "__spec__" not in saved:
                main.__dict__.pop("__spec__", None)


class TrainerProcess:
    """Runs ``Trainer(network, digits.images, digits.labels, seed=seed, **settings)`` in a child.

    Parameters
    ----------
    network : the start network (copied into the child).
    digits : :class:`SharedDigits` to train on (kept open by the caller while this lives).
    seed, settings : as for :class:`Trainer`.
    test : ``(images (m, n_in), labels (m,))`` for the accuracy at checkpoints.
    live_interval : at least this many seconds between ``live`` reports; one is sent only after
        :meth:`poll` took the previous one.
    """

    def __init__(self, network: Network, digits: SharedDigits, *, seed: int = 0, settings: dict | None = None,
                 test=None, live_interval: float = 0.08):
        settings = dict(settings or {})
        if test is None:
            test = (np.zeros((0, network.sizes[0]), np.float32), np.zeros(0, np.int64))
        ctx = mp.get_context("spawn")
        child_commands, self._commands = ctx.Pipe(duplex=False)
        self._reports = ctx.Queue()
        self._stop = ctx.Event()
        self._live_wanted = ctx.Value("b", 1, lock=False)
        self.batches_per_epoch = math.ceil(len(digits) / settings.get("batch_size", 32))
        self.digits = digits  # kept alive (and its block linked) as long as the child may map it
        self._process = ctx.Process(
            target=_child, name="digitviz-trainer", daemon=True,
            args=(child_commands, self._reports, self._stop, self._live_wanted, network, digits.spec, seed,
                  settings, test, live_interval))
        # Starting a spawned child writes its arguments into a pipe that only empties once the new
        # interpreter is up (most of a second): done on a helper thread, so the caller never waits.
        self._starter = threading.Thread(target=_start, args=(self._process, child_commands),
                                         name="digitviz-trainer-start", daemon=True)
        self._starter.start()
        self.running = False
        # A forgotten TrainerProcess still stops its child.
        self._finalizer = weakref.finalize(self, _shut, self._commands, self._reports, self._stop, self._process,
                                           self._starter)

    def run(self, target: int) -> None:
        """Train until ``target`` batches are done (or :meth:`stop`); reports arrive meanwhile."""
        self._stop.clear()  # only the parent sets and clears it, so a late stop never leaks into a run
        self._commands.send(("run", int(target)))
        self.running = True

    def stop(self, timeout: float = 30.0) -> list[tuple]:
        """Stop after the batch in flight; returns the reports up to and with ``stopped``."""
        if not self.running:
            return self.poll()
        self._stop.set()
        return self.poll(until_stopped=True, timeout=timeout)

    def poll(self, until_stopped: bool = False, timeout: float = 30.0) -> list[tuple]:
        """The reports that arrived (waiting for ``stopped`` if asked); a dead child reports it."""
        reports: list[tuple] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                report = self._reports.get(timeout=0.05) if until_stopped else self._reports.get_nowait()
            except queue.Empty:
                if not self.alive and self.running:
                    reports.append(self._died())
                    break
                if until_stopped and time.monotonic() < deadline:
                    continue
                break
            reports.append(report)
            if report[0] == "stopped":
                self.running = False
                if until_stopped:
                    break
        self._live_wanted.value = 1
        return reports

    def _died(self) -> tuple:
        self.running = False
        code = self._process.exitcode
        return ("stopped", -1, None, f"The training process ended unexpectedly (exit code {code}).")

    @property
    def alive(self) -> bool:
        """Whether the child is starting or running."""
        return self._starter.is_alive() or self._process.is_alive()

    def close(self) -> None:
        """Stop the child and wait for it (killed if it does not end within seconds)."""
        self._finalizer()


_MAIN_LOCK = threading.Lock()


def _start(process, child_commands) -> None:
    with _MAIN_LOCK, _main_module_hidden():
        process.start()
    child_commands.close()


def _shut(commands, reports, stop, process, starter, timeout: float = 5.0) -> None:
    starter.join()
    stop.set()
    try:
        commands.send(("quit",))
    except (OSError, ValueError):
        pass
    # The child flushes its reports before it exits: keep taking them so it never waits on us.
    deadline = time.monotonic() + timeout
    while process.is_alive() and time.monotonic() < deadline:
        try:
            while True:
                reports.get_nowait()
        except (queue.Empty, OSError, ValueError, EOFError):
            pass
        process.join(0.05)
    if process.is_alive():
        process.kill()
        process.join(1.0)
    commands.close()
    reports.close()
