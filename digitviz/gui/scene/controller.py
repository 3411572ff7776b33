"""The network scene inside the main window: wiring to the model, View-menu and File actions.

``install_scene(window)`` builds the :class:`NetworkScene`, follows ``window.state`` (live while
the pen moves, animated when an input is final) and adds the menu actions. Settings (animation
on/off, view mode) persist in QSettings.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QFileDialog

from .network_scene import NetworkScene


class SceneController(QObject):
    """Keeps a :class:`NetworkScene` in step with an ``AppState`` and owns the scene's actions."""

    def __init__(self, window, scene: NetworkScene) -> None:
        super().__init__(window)
        self.window = window
        self.scene = scene
        self.state = window.state
        settings = QSettings()
        scene.animation_enabled = _as_bool(settings.value("scene/animate", True))
        mode = str(settings.value("scene/view_mode", "signal"))
        scene.view_mode = mode if mode in ("signal", "weights") else "signal"
        self._make_actions()
        self.state.networkChanged.connect(self._on_state_network_changed)
        self.state.parametersChanged.connect(self._on_state_parameters_changed)
        self.state.activationsChanged.connect(self._on_state_activations_changed)
        scene.set_network(self.state.network)
        scene.show_activations(self.state.activations, animate=False)

    def _make_actions(self) -> None:
        w, scene = self.window, self.scene
        self.export_action = QAction("&Export scene image...", w)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self._on_export_triggered)
        quit_action = getattr(w, "quit_action", None)
        if quit_action is not None:
            w.file_menu.insertAction(quit_action, self.export_action)
            w.file_menu.insertSeparator(quit_action)
        else:
            w.file_menu.addAction(self.export_action)

        menu = w.view_menu
        first = menu.actions()[0] if menu.actions() else None
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
        for action, mode in ((self.signal_action, "signal"), (self.weights_action, "weights")):
            group.addAction(action)
            action.setChecked(scene.view_mode == mode)
            action.triggered.connect(lambda checked=False, m=mode: self._set_view_mode(m))
        self.signal_action.setShortcut(QKeySequence("Ctrl+1"))
        self.weights_action.setShortcut(QKeySequence("Ctrl+2"))
        self.fit_action = QAction("&Fit network to view", w)
        self.fit_action.setShortcut(QKeySequence("Ctrl+0"))
        self.fit_action.triggered.connect(scene.fit_view)
        actions = [self.animate_action, self.replay_action, None, self.signal_action,
                   self.weights_action, None, self.fit_action, None]
        for action in actions:
            if action is None:
                menu.insertSeparator(first) if first else menu.addSeparator()
            elif first:
                menu.insertAction(first, action)
            else:
                menu.addAction(action)
        for action in (self.replay_action, self.signal_action, self.weights_action, self.fit_action):
            w.addAction(action)  # shortcuts work with the menu closed

    # -- model -> scene -----------------------------------------------------------------------

    @Slot()
    def _on_state_network_changed(self) -> None:
        self.scene.set_network(self.state.network)

    @Slot()
    def _on_state_parameters_changed(self) -> None:
        # Same shape, new weights: rebuild what is derived from them, once, here (not per frame).
        self.scene.update_parameters(self.state.network)

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

    def _set_view_mode(self, mode: str) -> None:
        self.scene.view_mode = mode
        (self.signal_action if mode == "signal" else self.weights_action).setChecked(True)
        QSettings().setValue("scene/view_mode", mode)

    @Slot()
    def _on_export_triggered(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self.window, "Export scene image", "digitviz-scene.png",
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
            self.window.report_error(str(exc), "Export scene image")
            return False
        self.window.statusBar().showMessage(f"Scene written to {path}", 5000)
        return True


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)


def install_scene(window) -> NetworkScene:
    """Create the scene for ``window`` (which has ``state``, ``file_menu``, ``view_menu``)."""
    scene = NetworkScene(window)
    scene.setMinimumSize(480, 320)
    window.scene_controller = SceneController(window, scene)
    return scene
