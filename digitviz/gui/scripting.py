"""The window's scripting interface: the names scripts, tests and the README rely on.

Each is a thin call into a part the main window built (the state, the selection, the learning
and training models, the drawing panel, the weights menu). :class:`MainWindow` inherits them;
building and wiring stay in ``main_window.py``.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Slot

from ..core.network import Network


class ScriptingInterface:
    """Mixed into :class:`~digitviz.gui.main_window.MainWindow` (see README.md, "Scripting API")."""

    @property
    def animation_enabled(self) -> bool:
        """Whether a final input propagates through the scene layer by layer (View menu)."""
        return self.scene.animation_enabled

    @animation_enabled.setter
    def animation_enabled(self, enabled: bool) -> None:
        self.scene_controller.set_animation_enabled(enabled)

    def set_target(self, label: int | None) -> None:
        """Learn toward ``label`` (0-9): the scene shows what this input wants; None leaves the mode."""
        self.learning.set_target(label)
        if label is not None:
            self.bring_forward(self.learn_dock)

    def gradient(self) -> tuple[list[np.ndarray], list[np.ndarray], float] | None:
        """``(dW, db, cost)`` of the current input toward the target (core backprop; ``dW[l]`` shaped
        like ``network.weights[l]``), or None without a target or an input."""
        return self.learning.gradient()

    def take_step(self, learning_rate: float) -> tuple[float, float] | None:
        """One gradient step on what is shown (undoable); returns the cost before and after."""
        return self.learning.take_step(learning_rate)

    def teach(self, label: int) -> bool:
        """Store the current drawing as ``label`` in the personal set (kept across restarts)."""
        return self.training_actions.teach(label)

    def personal_digits(self) -> tuple[np.ndarray, np.ndarray]:
        """The personal set: ``(images (n, 784) float32 in [0, 1], labels (n,) int64)``."""
        return self.personal.images, self.personal.labels

    def fine_tune(self) -> bool:
        """Fine-tune the network on the personal set (off the GUI thread; undoable with Ctrl+Z)."""
        return self.training_actions.fine_tune()

    @property
    def selected_neuron(self) -> tuple[int, int] | None:
        """``(layer, index)`` of the selected neuron (layer 0 = input), or None."""
        return self.selection.current

    @Slot(int, int)
    def select_neuron(self, layer: int, index: int) -> None:
        """Select a neuron as a click on it does (layer 0 = input); ValueError if it does not exist."""
        self.selection.select(layer, index)

    @Slot()
    def clear_selection(self) -> None:
        self.selection.clear()

    @property
    def network(self) -> Network:
        return self.state.network

    def set_network(self, network: Network) -> None:
        """Show ``network``: the scene re-lays out and the current input is re-evaluated."""
        self.state.set_network(network)

    def open_weights(self, path) -> bool:
        """Show the network in weight file ``path``, as File -> Open does.

        Returns False when the file was refused: a message names the file and the problem, and
        the previous network stays. The file is read off the GUI thread; the window keeps working.
        """
        return self.weights_menu.open_weights(path)

    def compare_with(self, path) -> bool:
        """Hold the network in ``path`` beside the shown one; False (with a message) if refused."""
        return self.weights_menu.compare_with(path)

    def stop_comparing(self) -> None:
        self.comparison_model.set_network(None)

    @property
    def comparison(self) -> tuple[int, np.ndarray] | None:
        """``(digit, activations)`` of the second network (10 outputs) for the current input, or None."""
        return self.comparison_model.result

    @property
    def comparison_network(self) -> Network | None:
        return self.comparison_model.network

    def edit_neuron(self, layer: int, index: int, **edit) -> Network:
        """Edit a neuron live: ``off=True``, ``bias_shift=...`` or ``weight_scale=...``; returns the new network."""
        return self.neuron_editor.apply_edit(layer, index, **edit)

    def undo_edit(self) -> Network | None:
        """Undo the last step if it is a neuron edit; returns the network restored (else None)."""
        return self.neuron_editor.undo()

    @property
    def prediction(self) -> tuple[int, np.ndarray] | None:
        """``(digit, activations)`` with the 10 output values, or None for an empty canvas."""
        return self.state.prediction

    def show_input(self, image) -> None:
        """Feed a 28x28 image (values in [0, 1]) as if it had been drawn."""
        image = np.asarray(image, dtype=np.float64)
        if image.size != 784:
            raise ValueError(f"show_input takes a 28x28 image, got shape {image.shape}")
        # The canvas shows it (upscaled, undoable); the network gets exactly this image.
        self.drawing_panel.show_input(image.reshape(28, 28))
