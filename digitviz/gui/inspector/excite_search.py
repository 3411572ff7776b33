"""The inspector's "what excites it" search (``core.excite``), run on the thread pool and cached.

One search runs at a time, for the neuron on display; it starts once the weights hold still a
moment. Results are kept per generation of the weights: the owner bumps its generation and calls
``clear()`` when the weights change.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ...core.excite import excite
from ..models.state import AppState
from ..workers.background import BackgroundTask

EXCITE_DELAY_MS = 150  # the weights must hold still this long before "what excites it" is searched


class ExciteSearch(QObject):
    """Searches and caches "what excites it" for keys ``(generation, layer, index)``.

    Signals
    -------
    found(tuple key) : the search for ``key``, the one asked for last, has ended; ``result(key)``
        holds its (784,) image in [0, 1], or None if it failed.
    """

    found = Signal(object)

    def __init__(self, state: AppState, parent: QObject | None = None):
        super().__init__(parent)
        self._state = state
        self._cache: dict[tuple, np.ndarray | None] = {}
        self._task: BackgroundTask | None = None
        self._key: tuple | None = None
        # The search starts once the weights hold still a moment: training changes them ten times
        # a second, and a search begun for each change would only be cancelled by the next.
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(EXCITE_DELAY_MS)
        self._delay.timeout.connect(self._on_delay_timeout)

    def has(self, key: tuple | None) -> bool:
        """Whether the search for ``key`` has ended (successfully or not)."""
        return key in self._cache

    def result(self, key: tuple | None) -> np.ndarray | None:
        """The (784,) image found for ``key``; None if it failed or was never searched."""
        return self._cache.get(key)

    def clear(self) -> None:
        """Forget every result: the weights changed."""
        self._cache.clear()

    def is_pending(self, key: tuple) -> bool:
        """Whether ``key`` is being searched, or about to be."""
        return self._key == key and (self._task is not None or self._delay.isActive())

    def search(self, key: tuple) -> None:
        """Search for ``key`` once the weights hold still, dropping any other search."""
        self.cancel()
        self._key = key
        self._delay.start()

    def cancel(self) -> None:
        self._delay.stop()
        if self._task is not None:
            self._task.cancel()  # its late result is dropped; the worker sees cancelled()
            self._task.deleteLater()
            self._task = None
        self._key = None

    @Slot()
    def _on_delay_timeout(self) -> None:
        key = self._key
        if key is None or self._task is not None:
            return
        _, layer, index = key
        # A copy: the search runs on another thread while the model's arrays may be edited.
        task = BackgroundTask(excite, self._state.network.copy(), layer, index, parent=self)
        task.finished.connect(lambda result, key=key: self._on_task_done(key, result))
        task.failed.connect(lambda message, key=key: self._on_task_done(key, None))
        self._task = task.start()

    def _on_task_done(self, key: tuple, image: np.ndarray | None) -> None:
        self._cache[key] = image
        if self._key == key:
            self._task.deleteLater()
            self._task = None
            self._key = None
            self.found.emit(key)
