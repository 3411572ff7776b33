"""Showing a training run's networks: a live one in the next event-loop turn, a final one at once.

The poll that receives a live network from the worker does not also show it: the views update
in the next event-loop turn and paint in the one after, so input and timers get their turn in
between, where one long event would have held them up. A live network still waiting when
another is shown at once (a reset, a snapshot, the end of a run) is dropped, never shown over it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ...core.network import Network


class LiveRelay(QObject):
    """Signals
    -------
    networkUpdated(object network, bool final) : show this network (final=False for a live one).
    """

    networkUpdated = Signal(object, bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pending: Network | None = None  # received by the last poll, shown by _timer
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)

    def show_later(self, net: Network) -> None:
        """Show the live ``net`` in the next event-loop turn (unless something is shown before)."""
        self._pending = net
        self._timer.start()

    def show_now(self, net: Network, final: bool) -> None:
        """Show ``net`` now, dropping any live network still waiting to be shown."""
        self._pending = None
        self.networkUpdated.emit(net, final)

    def drop(self) -> None:
        """Forget the live network still waiting, if any."""
        self._pending = None

    @Slot()
    def _on_timer_timeout(self) -> None:
        """Show the live network the last poll received (a zero timer after that poll)."""
        live, self._pending = self._pending, None
        if live is not None:  # None: something newer was shown meanwhile
            self.networkUpdated.emit(live, False)
