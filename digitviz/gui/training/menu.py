"""The Train menu and the two questions training asks: where to save, where the MNIST files are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from ...core.network import Network
from ..models.training import TrainingSession


def fill_train_menu(menu: QMenu, session: TrainingSession, fine_tune: Callable, show_personal: Callable,
                    show_panel: Callable) -> QAction:
    """Start/Pause (Ctrl+T), Step (Ctrl+Shift+T), Reset, the panel, fine-tuning, my digits.

    Returns the Start/Pause action (its text follows the session).
    """
    start = menu.addAction("&Start training")
    start.setShortcut(QKeySequence("Ctrl+T"))
    start.triggered.connect(lambda: session.pause() if session.is_running() else session.start())
    session.runningChanged.connect(
        lambda running: start.setText("&Pause training" if running else "&Start training"))
    step = menu.addAction("S&tep one mini-batch", session.step)
    step.setShortcut(QKeySequence("Ctrl+Shift+T"))
    menu.addAction("&Reset training", session.reset)
    menu.addSeparator()
    menu.addAction("Show the training &panel", show_panel)
    menu.addAction("&Fine-tune on my digits", fine_tune)
    menu.addAction("&My digits…", show_personal)
    return start


def ask_save_path(parent: QWidget, session: TrainingSession, network: Network, save: Callable[[str], object]) -> None:
    """Ask where to save the trained network, then ``save(path)``."""
    name = f"trained-{network.shape_text}-seed{session.settings.seed}.npz"
    path, _ = QFileDialog.getSaveFileName(parent, "Save trained network", str(Path.home() / name),
                                          "digitviz weights (*.npz)")
    if path:
        save(path)


def ask_data_folder(parent: QWidget, session: TrainingSession) -> None:
    """Ask for the folder with the four MNIST .gz files, and read it (off the GUI thread)."""
    folder = QFileDialog.getExistingDirectory(parent, "The folder with the four MNIST .gz files",
                                              session.data_folder())
    if folder:
        session.load_data_folder(folder)
