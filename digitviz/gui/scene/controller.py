"""The network scene's controller: it keeps the scene in step with the model and owns its actions.

:class:`SceneController` follows an ``AppState`` (live while the pen moves, animated when an
input is final; weights re-read when they change) and makes the View-menu and File actions; the
main window puts them in its menus. Settings (animation on/off, view mode) persist in QSettings.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog

from ..models.messages import Messages
from ..models.settings import read_bool, read_choice
from ..models.state import AppState
from .network_scene import VIEW_MODES, NetworkScene


class SceneController(QObject):
    """Keeps a :class:`NetworkScene` in step with an ``AppState`` and owns the scene's actions.

    ``view_actions`` (None = separator) are for the View menu, ``export_action`` for File; the
    window also adds ``shortcut_actions`` to itself so their keys work with the menus closed.
    """

    def __init__(self, scene: NetworkScene, state: AppState, messages: Messages, parent: QObject | None = None):
        super().__init__(parent)
        self.scene = scene
        self.state = state
        self._messages = messages
        scene.animation_enabled = read_bool("scene/animate", True)
        scene.view_mode = read_choice("scene/view_mode", VIEW_MODES, "signal")
        self._make_actions()
        self.state.networkChanged.connect(self._on_state_network_changed)
        self.state.parametersChanged.connect(self._on_state_parameters_changed)
        self.state.activationsChanged.connect(self._on_state_activations_changed)
        scene.set_network(self.state.network)
        scene.show_activations(self.state.activations, animate=False)

    def _make_actions(self) -> None:
        w, scene = self, self.scene
        self.export_action = QAction("&Export scene image...", w)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self._on_export_triggered)

        self.animate_action = QAction("&Animate propagation", w, checkable=True)
        self.animate_action.setChecked(scene.animation_enabled)
        self.animate_action.toggled.connect(self._on_animate_toggled)
        self.animate_action.triggered.connect(self._on_animate_triggered)
        self.replay_action = QAction("&Replay propagation", w)
        self.replay_action.setShortcut(QKeySequence("Space"))
        self.replay_action.triggered.connect(scene.replay)
        group = QActionGroup(w)
        self.signal_action = QAction("Lines show the &signal |w·a|", w, checkable=True)
        self.weights_action = QAction("Lines show the &weights |w|", w, checkable=True)
        self.gradient_action = QAction("Lines show the &gradient |dC/dw|", w, checkable=True)
        self._mode_actions = {"signal": self.signal_action, "weights": self.weights_action,
                              "gradient": self.gradient_action}
        for mode, action in self._mode_actions.items():
            group.addAction(action)
            action.setChecked(scene.view_mode == mode)
            action.triggered.connect(lambda checked=False, m=mode: self._set_view_mode(m))
        self.signal_action.setShortcut(QKeySequence("Ctrl+1"))
        self.weights_action.setShortcut(QKeySequence("Ctrl+2"))
        self.gradient_action.setShortcut(QKeySequence("Ctrl+3"))
        self.fit_action = QAction("&Fit network to view", w)
        self.fit_action.setShortcut(QKeySequence("Ctrl+0"))
        self.fit_action.triggered.connect(scene.fit_view)
        self.view_actions = [self.animate_action, self.replay_action, None, self.signal_action,
                             self.weights_action, self.gradient_action, None, self.fit_action, None]
        self.shortcut_actions = [self.replay_action, *self._mode_actions.values(), self.fit_action]

    # -- model -> scene -----------------------------------------------------------------------

    @Slot()
    def _on_state_network_changed(self) -> None:
        # Another network of the same shape (undo, a snapshot) keeps the picture on screen, and
        # the new activations that follow animate from it; another shape is laid out afresh.
        self.scene.update_parameters(self.state.network)

    @Slot()
    def _on_state_parameters_changed(self) -> None:
        # Same shape, new weights: rebuild what is derived from them, once, here (not per frame);
        # the activations the state announces next level the lines.
        self.scene.update_parameters(self.state.network, show=False)

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        self.scene.show_activations(self.state.activations, animate=final)

    # -- actions ------------------------------------------------------------------------------

    @Slot(bool)
    def _on_animate_toggled(self, on: bool) -> None:
        self.scene.animation_enabled = on

    @Slot(bool)
    def _on_animate_triggered(self, on: bool) -> None:
        QSettings().setValue("scene/animate", bool(on))  # remembered when the user chooses it

    def set_animation_enabled(self, on: bool) -> None:
        self.animate_action.setChecked(bool(on))  # toggled -> scene
        self.scene.animation_enabled = bool(on)

    def set_view_mode(self, mode: str) -> None:
        """Switch the lines' view as the View menu does (and remember it)."""
        self._set_view_mode(mode)

    def _set_view_mode(self, mode: str) -> None:
        self.scene.view_mode = mode
        self._mode_actions[mode].setChecked(True)
        QSettings().setValue("scene/view_mode", mode)

    @Slot()
    def _on_export_triggered(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self.scene, "Export scene image", "digitviz-scene.png",
            "PNG image (*.png);;SVG drawing (*.svg)")
        if not path:
            return
        if not path.lower().endswith((".png", ".svg")):
            path += ".svg" if chosen.startswith("SVG") else ".png"
        self.export(path)

    def export(self, path) -> bool:
        """Write the scene to ``path`` (PNG or SVG); a failure is reported, never raised."""
        try:
            self.scene.export_image(path)
        except OSError as exc:
            self._messages.report_error(str(exc), "Export scene image")
            return False
        self._messages.show_status(f"Scene written to {path}", 5000)
        return True
