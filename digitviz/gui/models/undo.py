"""The window's one undo history: strokes, neuron edits, training steps, on one QUndoStack.

Ctrl+Z undoes whichever came last, and the Edit menu names it ("Undo stroke", "Undo switch-off
of neuron 3"). Parts push commands onto the stack they are handed; a part used on its own (a
canvas in a test) makes its own stack.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

from ...core.edit import NeuronEdit
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
        # A network opened since (a file, a training run) is not taken back by an older step:
        # the step is dropped from the history instead.
        if self._state.network is not self._after:
            self.setObsolete(True)
            return
        self._state.set_network(self._before)


class NeuronEditCommand(SetNetworkCommand):
    """A neuron edit (:class:`~digitviz.core.edit.NeuronEdit`) as an undo step:
    "switch-off of neuron 3 (layer 2)"."""

    KINDS = {"off": "switch-off", "bias": "bias shift", "scale": "weight scaling"}

    def __init__(self, state: AppState, edit: NeuronEdit):
        self.edit = edit
        text = f"{self.KINDS.get(edit.kind, edit.kind)} of neuron {edit.index} (layer {edit.layer})"
        super().__init__(state, edit.apply(state.network), text)


def make_undo_actions(stack: QUndoStack, parent) -> tuple[QAction, QAction]:
    """Undo and Redo for ``stack``, named after what comes back, with the platform's keys:
    Ctrl+Shift+Z everywhere for Redo, plus the platform's own (Ctrl+Y on Windows)."""
    undo = stack.createUndoAction(parent, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = stack.createRedoAction(parent, "&Redo")
    shift_z = QKeySequence("Ctrl+Shift+Z")
    redo.setShortcuts([shift_z] + [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo) if k != shift_z])
    return undo, redo


def network_chain(stack: QUndoStack, current: Network) -> list[SetNetworkCommand]:
    """The network steps that led to ``current``, oldest first, back to the first step that is
    not a network step of this chain (other steps, such as strokes, are passed over)."""
    chain: list[SetNetworkCommand] = []
    if not shiboken6.isValid(stack):  # a stack being destroyed still announces its clear()
        return chain
    for i in range(stack.index() - 1, -1, -1):
        command = stack.command(i)
        if not isinstance(command, SetNetworkCommand):
            continue
        if command.after is not current:
            break
        chain.append(command)
        current = command.before
    return chain[::-1]
