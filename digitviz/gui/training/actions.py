"""What the Training dock's and the teach row's buttons do, on the models (no widgets, no window).

:class:`TrainingActions` uses the network trained, saves it, stores a labelled drawing in the
personal set and fine-tunes on that set off the GUI thread. Changes of the window's network go
through the one undo stack (:class:`SetNetworkCommand`); problems go to :class:`Messages`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QUndoStack

from ...core.network import Network
from ...core.weightfiles import save_weights
from ..models.messages import Messages
from ..models.personal import PersonalDigits
from ..models.state import AppState
from ..models.training import TrainingSession
from ..models.undo import SetNetworkCommand
from ..workers.background import BackgroundTask
from .fine_tune import FineTuneResult, fine_tune_job


class TrainingActions(QObject):
    """Signals
    -------
    fineTuneStarted() : a fine-tune runs on a worker.
    fineTuneFinished(object FineTuneResult or None) : it ended (None: it failed, a message said why).
    saved(str path) : a trained network was written (the window adds it to Open recent).
    """

    fineTuneStarted = Signal()
    fineTuneFinished = Signal(object)
    saved = Signal(str)

    def __init__(self, state: AppState, session: TrainingSession, personal: PersonalDigits,
                 undo_stack: QUndoStack, messages: Messages, parent: QObject | None = None):
        super().__init__(parent)
        self._state = state
        self._session = session
        self._personal = personal
        self._stack = undo_stack
        self._messages = messages
        self._task: BackgroundTask | None = None
        self._fine_tune_waiting = False
        session.dataChanged.connect(self._on_session_data_changed)

    # -- the trained network ------------------------------------------------------------------------

    @Slot()
    def use_shown(self) -> None:
        """Make the network shown the window's network, undoably (undo: the one before training)."""
        self._session.pause()
        chosen = self._state.network
        before = self._session.network_before
        if before is not None and before is not chosen:
            # Back to what the window showed before training took it over, silently: the command
            # then records that network as the one undo brings back.
            self._state.set_network(before)
        chosen = chosen.copy()
        chosen.metadata = self._session.run_metadata(chosen) if self._session.has_run else chosen.metadata
        self._stack.push(SetNetworkCommand(self._state, chosen, "use trained network"))
        # Training on from here and using again undoes to this one.
        self._session.network_before = chosen
        self._messages.show_status(f"Now using {chosen.name} ({chosen.shape_text})")

    def save_shown(self, path) -> bool:
        """Write the network shown, with the run's settings and accuracy, to ``path`` (.npz)."""
        path = Path(path).expanduser()
        if path.suffix.lower() != ".npz":
            path = path.with_name(path.name + ".npz")
        network = self._state.network.copy()
        if self._session.has_run:
            network.metadata = self._session.run_metadata(network)
        try:
            save_weights(network, path)
        except (OSError, ValueError, TypeError) as exc:
            self._messages.report_error(f"Could not save the trained network to {path}: {exc}")
            return False
        self._messages.show_status(f"Saved {network.name} to {path}")
        self.saved.emit(str(path))
        return True

    # -- the personal set ---------------------------------------------------------------------------

    def teach(self, label: int) -> bool:
        """Store the current input as ``label``; False (with a message) if nothing is drawn or not saved."""
        if self._state.input is None:
            self._messages.report_error("Draw a digit first: there is nothing to store.")
            return False
        if not self._personal.add(self._state.input, int(label)):
            return False
        self._messages.show_status(f"Stored as a {int(label)}: {len(self._personal)} digits in your set")
        return True

    @Slot(object)
    def delete_personal(self, indices) -> None:
        self._personal.remove(indices)

    # -- fine-tuning --------------------------------------------------------------------------------

    @property
    def is_fine_tuning(self) -> bool:
        return self._task is not None or self._fine_tune_waiting

    @Slot()
    def fine_tune(self) -> bool:
        """Fine-tune the window's network on the personal set off the GUI thread (undoable)."""
        if self.is_fine_tuning:
            return False
        if len(self._personal) == 0:
            self._messages.report_error("Your personal set is empty: draw a digit and click its label first.")
            return False
        self._session.pause()
        if not self._session.has_data:
            # Mixing in MNIST training digits keeps it from forgetting; read them first.
            if self._session.is_loading or self._session.load_data_folder():
                self._fine_tune_waiting = True
                self.fineTuneStarted.emit()
                return True
            return False
        images, labels = self._session.training_data()
        task = BackgroundTask(fine_tune_job, self._state.network, self._personal.images,
                              self._personal.labels, images, labels, 0, parent=self)
        task.finished.connect(self._on_task_finished)
        task.failed.connect(self._on_task_failed)
        self._task = task.start()
        self.fineTuneStarted.emit()
        return True

    @Slot()
    def _on_session_data_changed(self) -> None:
        if self._fine_tune_waiting and not self._session.is_loading:
            self._fine_tune_waiting = False
            if self._session.has_data:
                self.fine_tune()
            else:
                self.fineTuneFinished.emit(None)

    @Slot(object)
    def _on_task_finished(self, result: FineTuneResult) -> None:
        self._task = None
        network: Network = result.network
        self._stack.push(SetNetworkCommand(self._state, network, "fine-tune on my digits"))
        self.fineTuneFinished.emit(result)

    @Slot(str)
    def _on_task_failed(self, message: str) -> None:
        self._task = None
        self._messages.report_error(f"Fine-tuning failed: {message.splitlines()[0]}")
        self.fineTuneFinished.emit(None)

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
