"""Reading a weight file without freezing the window.

The file is read and validated on a worker thread (:class:`BackgroundTask`) while a local
``QEventLoop`` keeps the window painting and answering input; the caller still gets a plain
return value or a :class:`WeightFileError`, so ``window.open_weights(path) -> bool`` can stay a
simple call for scripts and tests. Why not read synchronously: the size limit admits files of
hundreds of MiB (20 million parameters), which take seconds to unpack and check (see
``benchmarks/bench_load_weights.py``); a frozen window for that long looks like a crash.

A network is either fully read and checked, or refused: the worker builds it completely and the
GUI thread only swaps it in. A file that disappears or changes while it is read is refused too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from PySide6.QtCore import QEventLoop

from ...core.network import Network
from ...core.weightfile import WeightFileError, load_weights
from .background import BackgroundTask


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    """What changes when a file is replaced or rewritten: device, inode, size, mtime (ns)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _refuse_special_file(path: Path) -> None:
    # Opening a FIFO blocks until someone writes to it, and /dev/zero never ends: only regular
    # files (or what load_weights reports on itself: missing, directories) go further.
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device or socket"
        raise WeightFileError(path, f"is {kind}, not a regular file")


def read_network(path) -> Network:
    """Read ``path`` with :func:`load_weights`, refusing a file that changed while being read.

    Runs on any thread. Returns a complete, validated Network; raises :class:`WeightFileError`
    (and nothing else) otherwise.
    """
    path = Path(path)
    _refuse_special_file(path)
    before = _identity(path)
    try:
        network = load_weights(path)
    except WeightFileError:
        raise
    except Exception as exc:  # load_weights promises WeightFileError; a slip must not crash the app
        raise WeightFileError(path, f"could not be read ({type(exc).__name__}: {exc})") from exc
    after = _identity(path)
    if after is None:
        raise WeightFileError(path, "the file disappeared while it was being read")
    if after != before:
        raise WeightFileError(
            path, "the file changed while it was being read; try again once it is completely written"
        )
    return network


def _read_outcome(path: Path, *, progress, cancelled) -> tuple[Network | None, WeightFileError | None]:
    # Errors travel back as values: BackgroundTask.failed only carries text.
    try:
        return read_network(path), None
    except WeightFileError as exc:
        return None, exc


def read_network_responsively(path) -> Network:
    """Read ``path`` on a worker thread, running a local event loop until it is done.

    Returns the Network; raises :class:`WeightFileError`. The window keeps repainting and
    handling input meanwhile: callers must guard against being re-entered.
    """
    path = Path(path)
    task = BackgroundTask(_read_outcome, path)
    loop = QEventLoop()
    outcome: list = []

    def finish(result) -> None:
        outcome.append(result)
        loop.quit()

    def fail(message: str) -> None:
        outcome.append((None, WeightFileError(path, f"could not be read ({message.splitlines()[0]})")))
        loop.quit()

    task.finished.connect(finish)
    task.failed.connect(fail)
    task.start()
    # Results arrive as queued signals, so they cannot be delivered before exec() starts.
    loop.exec()
    if not outcome:  # the application quit (which ends every event loop) before the read finished
        task.cancel()
        raise WeightFileError(path, "reading was interrupted because the application is closing")
    network, error = outcome[0]
    if error is not None:
        raise error
    return network
