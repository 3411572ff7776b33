"""The window's one undo history: strokes, neuron edits, training steps, on one QUndoStack.

Ctrl+Z undoes whichever came last, and the Edit menu names it ("Undo stroke", "Undo switch-off
of neuron 3"). Parts push commands onto the stack they are handed; a part used on its own (a
canvas in a test) makes its own stack.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack

from ...core.network import Network
from .state import AppState

UNDO_LIMIT = 200


def make_undo_stack(parent=None) -> QUndoStack:
    """A QUndoStack keeping the last :data:`UNDO_LIMIT` steps."""
    stack = QUndoStack(parent)
    stack.setUndoLimit(UNDO_LIMIT)
    return stack


class SetNetworkCommand(QUndoCommand):
    """Replace the shown network by ``network``; undo brings the previous one back.

    ``text`` names the step in the Edit menu ("switch-off of neuron 3", "gradient step").
    The first redo (when pushed) shows ``network``, as QUndoStack.push does for every command.
    """

    def __init__(self, state: AppState, network: Network, text: str):
        super().__init__(text)
        self._state = state
        self._before = state.network
        self._after = network

    @property
    def before(self) -> Network:
        return self._before

    @property
    def after(self) -> Network:
        return self._after

    def redo(self) -> None:
        self._state.set_network(self._after)

    def undo(self) -> None:
        self._state.set_network(self._before)
