"""Teach it your handwriting: "Wrong? It is a: 0 1 ... 9", the personal set and "Fine-tune".

:class:`TeachPanel` sits under the prediction; :class:`PersonalDigitsDialog` browses and deletes
the stored digits. Both are built from the models they show (AppState, PersonalDigits) and emit
what the user asks for; the main window stores, deletes and fine-tunes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..models.personal import PersonalDigits
from ..models.state import AppState


class TeachPanel(QWidget):
    """The row under the prediction.

    Signals
    -------
    labelChosen(int digit) : store the current input as this digit.
    browseRequested() : show the personal digits.
    fineTuneRequested() : fine-tune the network on them.
    """

    labelChosen = Signal(int)
    browseRequested = Signal()
    fineTuneRequested = Signal()

    def __init__(self, state: AppState, personal: PersonalDigits, parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._personal = personal
        self._busy = False

        self.digit_buttons: list[QToolButton] = []
        top = QHBoxLayout()
        top.setSpacing(2)
        top.addWidget(QLabel("Wrong? It is a:"))
        for d in range(10):
            button = QToolButton()
            button.setText(str(d))
            button.setToolTip(f"Store this drawing as a {d} in your personal digits")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(18)
            button.clicked.connect(lambda _=False, d=d: self.labelChosen.emit(d))
            top.addWidget(button)
            self.digit_buttons.append(button)

        self.count_label = QLabel()
        self.browse_button = QToolButton()
        self.browse_button.setText("Browse…")
        self.browse_button.setToolTip("See and delete your stored digits")
        self.browse_button.clicked.connect(self.browseRequested)
        self.fine_tune_button = QPushButton("Fine-tune on my digits")
        self.fine_tune_button.setToolTip("A short training run on your digits (mixed with MNIST training "
                                         "digits so it does not forget the others); undoable")
        self.fine_tune_button.clicked.connect(self.fineTuneRequested)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.browse_button)
        bottom.addStretch(1)
        bottom.addWidget(self.fine_tune_button)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 4)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addLayout(bottom)
        layout.addWidget(self.result_label)
        state.activationsChanged.connect(self._on_state_activations_changed)
        personal.changed.connect(self._on_personal_changed)
        self._on_state_activations_changed(True)
        self._on_personal_changed()

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        drawn = self._state.input is not None
        for button in self.digit_buttons:
            button.setEnabled(drawn)

    @Slot()
    def _on_personal_changed(self) -> None:
        n = len(self._personal)
        self.count_label.setText(f"My digits: {n}")
        self.browse_button.setEnabled(n > 0)
        self.fine_tune_button.setEnabled(n > 0 and not self._busy)

    def set_busy(self, busy: bool, text: str = "") -> None:
        """While fine-tuning: the button is disabled and ``text`` says what happens."""
        self._busy = busy
        self._on_personal_changed()
        self.fine_tune_button.setText("Fine-tuning…" if busy else "Fine-tune on my digits")
        if text:
            self.show_result(text)

    def show_result(self, html: str) -> None:
        self.result_label.setText(html)
        self.result_label.setVisible(bool(html))


def digit_pixmap(image: np.ndarray, scale: int = 2) -> QPixmap:
    """A (784,) image in [0, 1] as a white-on-black pixmap, ``scale`` x 28 pixels square."""
    grey = np.ascontiguousarray((np.clip(image.reshape(28, 28), 0, 1) * 255).astype(np.uint8))
    qimage = QImage(grey.data, 28, 28, 28, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage).scaled(28 * scale, 28 * scale)


class PersonalDigitsDialog(QDialog):
    """Browse the personal digits (each with its label) and delete some.

    Signals
    -------
    deleteRequested(object indices) : a list of entry indices to delete.
    """

    deleteRequested = Signal(object)

    def __init__(self, personal: PersonalDigits, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("My digits")
        self._personal = personal
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(56, 56))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setSpacing(4)
        self.summary = QLabel()
        self.path_label = QLabel()
        self.path_label.setStyleSheet("color: gray")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.delete_button = QPushButton("Delete selected")
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.list.itemSelectionChanged.connect(self._on_list_selection_changed)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.path_label)
        layout.addLayout(buttons)
        self.resize(460, 360)
        personal.changed.connect(self._on_personal_changed)
        self._on_personal_changed()

    @Slot()
    def _on_personal_changed(self) -> None:
        images, labels = self._personal.images, self._personal.labels
        self.list.clear()
        for i, (image, label) in enumerate(zip(images, labels)):
            item = QListWidgetItem(QIcon(digit_pixmap(image)), str(label))
            item.setData(Qt.ItemDataRole.UserRole, i)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.list.addItem(item)
        counts = self._personal.counts()
        per_digit = ", ".join(f"{d}: {c}" for d, c in enumerate(counts) if c)
        self.summary.setText(f"{len(labels)} digits" + (f" ({per_digit})" if per_digit else ""))
        self.path_label.setText(str(self._personal.path))
        self._on_list_selection_changed()

    @Slot()
    def _on_list_selection_changed(self) -> None:
        self.delete_button.setEnabled(bool(self.list.selectedItems()))

    def selected_indices(self) -> list[int]:
        return sorted(int(item.data(Qt.ItemDataRole.UserRole)) for item in self.list.selectedItems())

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        indices = self.selected_indices()
        if indices:
            self.deleteRequested.emit(indices)
