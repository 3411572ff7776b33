"""Browsing the bundled MNIST test set: next, previous, random, by digit, only the mistakes.

Choosing a digit emits ``digitChosen(image, label)``; the main window feeds it to the network
(the scene animates it), and the browser shows its true label beside the network's answer. The
browsing list is always in test-set order and the random walk uses a seeded generator, so the
same clicks show the same digits.
Filters that need the network's answers wait for the :class:`Evaluator`'s result.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.mnist import DataError, Digits
from ..models.evaluator import Evaluator
from ..models.state import AppState
from ..widgets.docks import is_covered
from ..widgets.images import digit_pixmap

ANY = "any"


def browse_indices(labels: np.ndarray, predictions: np.ndarray | None, true_class: int | None = None,
                   predicted: int | None = None, only_wrong: bool = False) -> np.ndarray | None:
    """Test-set indices that pass the filters, ascending; None if answers are needed but missing.

    ``labels`` and ``predictions`` are (n,) ints; ``true_class`` keeps one true digit,
    ``predicted`` one answer of the network, ``only_wrong`` the digits it gets wrong.
    """
    keep = np.ones(len(labels), dtype=bool)
    if true_class is not None:
        keep &= labels == true_class
    if predicted is not None or only_wrong:
        if predictions is None:
            return None
        if predicted is not None:
            keep &= predictions == predicted
        if only_wrong:
            keep &= predictions != labels
    return np.flatnonzero(keep)


class DigitBrowser(QWidget):
    """The test-digit browser (a dock's widget).

    Parameters
    ----------
    state : what the network answers for the digit shown.
    evaluator : the test digits, and the network's answers for the "only mistakes" and
        "answered as" filters.
    seed : seed of the random walk.

    Signals
    -------
    digitChosen(object image, int label) : show this (28, 28) test digit (true label ``label``).
    digitShown(int index) : test digit ``index`` was chosen and fed.
    """

    digitChosen = Signal(object, int)
    digitShown = Signal(int)

    def __init__(self, state: AppState, evaluator: Evaluator, seed: int = 0, parent: QWidget | None = None):
        super().__init__(parent)
        self._stale = False  # the answer changed while covered: shown by catch_up
        self._state = state
        self._evaluator = evaluator
        self._rng = np.random.default_rng(seed)
        self._true_class: int | None = None
        self._predicted: int | None = None
        self._only_wrong = False
        self._indices: np.ndarray | None = None
        self._current: int | None = None
        self._pending_first = False  # show the first digit once the answers arrive
        # Read when first needed (the evaluator's worker reads them soon after start-up), so
        # the window's first picture never waits for 10,000 digits.
        self._digits: Digits | None = None
        self._problem: str | None = None
        self._fed = None  # the array AppState holds for the digit we fed, to know it is still shown

        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(84, 84)
        self.thumbnail.setStyleSheet("background: black;")
        self.title = QLabel("No test digit shown yet: press N")
        self.verdict = QLabel("")
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.position_label = QLabel("")
        # Wrapping, so a long verdict never widens the left column (and the window past the screen).
        for label in (self.title, self.verdict, self.position_label):
            label.setWordWrap(True)
        info = QVBoxLayout()
        for label in (self.title, self.verdict, self.position_label):
            info.addWidget(label)
        info.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.thumbnail)
        top.addLayout(info, 1)

        self.prev_button = QPushButton("◀ Previous")
        self.random_button = QPushButton("Random")
        self.next_button = QPushButton("Next ▶")
        self.prev_button.clicked.connect(self.show_previous)
        self.random_button.clicked.connect(self.show_random)
        self.next_button.clicked.connect(self.show_next)
        buttons = QHBoxLayout()
        for button in (self.prev_button, self.random_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(button)

        self.class_combo = QComboBox()
        self.answer_combo = QComboBox()
        for combo in (self.class_combo, self.answer_combo):
            combo.addItems([ANY] + [str(d) for d in range(10)])
            combo.currentIndexChanged.connect(self._on_filter_widgets_changed)
        self.wrong_check = QCheckBox("Only mistakes")
        self.wrong_check.toggled.connect(self._on_filter_widgets_changed)
        filters = QGridLayout()
        filters.addWidget(QLabel("Digit:"), 0, 0)
        filters.addWidget(self.class_combo, 0, 1)
        filters.addWidget(QLabel("Answer:"), 0, 2)
        filters.addWidget(self.answer_combo, 0, 3)
        filters.addWidget(self.wrong_check, 1, 0, 1, 4)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addLayout(filters)
        layout.addStretch(1)

        self._make_actions()
        evaluator.currentChanged.connect(self._on_evaluator_current_changed)
        evaluator.failed.connect(self._on_evaluator_failed)
        state.activationsChanged.connect(self._on_state_activations_changed)
        self._update_labels()

    # -- public -------------------------------------------------------------------------------

    @property
    def digits(self) -> Digits:
        """The bundled MNIST test set (empty if it could not be read)."""
        if self._digits is None:
            try:
                self._digits = self._evaluator.digits
            except DataError as exc:  # no test set to browse: an empty one, and say why
                self._digits = Digits(np.zeros((0, 784), dtype=np.float32), np.zeros(0, dtype=np.int64))
                self._problem = str(exc)
        return self._digits

    @property
    def indices(self) -> np.ndarray | None:
        """The browsing list (ascending test-set indices), or None while waiting for answers."""
        return None if self._indices is None else self._indices.copy()

    @property
    def current_index(self) -> int | None:
        """The test-set index of the digit last shown, or None."""
        return self._current

    @property
    def filters(self) -> dict:
        return {"true_class": self._true_class, "predicted": self._predicted, "only_wrong": self._only_wrong}

    def set_filter(self, true_class: int | None = None, predicted: int | None = None,
                   only_wrong: bool = False, show_first: bool = True) -> None:
        """Browse only these digits (None = any); shows the first of them unless told not to."""
        self._true_class, self._predicted, self._only_wrong = true_class, predicted, bool(only_wrong)
        self._sync_filter_widgets()
        self._update_indices()
        if show_first and self._indices is not None and len(self._indices):
            self.show_index(int(self._indices[0]))
        elif show_first:
            self._pending_first = True
        self._update_labels()

    @Slot(int, int)
    def browse_confusion(self, true_digit: int, predicted: int) -> None:
        """Browse exactly the digits whose true label is ``true_digit`` and answer ``predicted``."""
        self.set_filter(true_class=true_digit, predicted=predicted, only_wrong=False)

    @Slot(int)
    def show_mistake(self, index: int) -> None:
        """Show test digit ``index`` while browsing the mistakes."""
        self.set_filter(only_wrong=True, show_first=False)
        self.show_index(index)

    def show_index(self, index: int) -> None:
        """Feed test digit ``index`` to the window (whether or not it passes the filters)."""
        index = int(index)
        if not 0 <= index < len(self.digits):
            raise ValueError(f"the test set has digits 0..{len(self.digits) - 1}, got {index}")
        self._pending_first = False
        self._current = index
        image = self.digits.images[index].reshape(28, 28)
        self.thumbnail.setPixmap(digit_pixmap(image, 84))
        self.digitChosen.emit(image, int(self.digits.labels[index]))
        self._fed = self._state.input  # the main window fed it (a direct connection)
        self._update_labels()
        self.digitShown.emit(index)

    @Slot()
    def show_next(self) -> None:
        """The next digit of the list after the current one, wrapping to the first."""
        self._step(+1)

    @Slot()
    def show_previous(self) -> None:
        """The digit of the list before the current one, wrapping to the last."""
        self._step(-1)

    @Slot()
    def show_random(self) -> None:
        """A random digit of the list (never the current one when there is a choice)."""
        if self._indices is None:
            self._update_indices()
        idx = self._indices
        if idx is None or not len(idx):
            return
        here = np.flatnonzero(idx == self._current)
        if len(idx) > 1 and len(here):
            k = int(self._rng.integers(len(idx) - 1))
            k += k >= here[0]
        else:
            k = int(self._rng.integers(len(idx)))
        self.show_index(int(idx[k]))

    # -- browsing -----------------------------------------------------------------------------

    def _step(self, direction: int) -> None:
        if self._indices is None:
            self._update_indices()
        idx = self._indices
        if idx is None or not len(idx):
            return
        if self._current is None:
            k = 0 if direction > 0 else len(idx) - 1
        elif direction > 0:
            k = int(np.searchsorted(idx, self._current, side="right")) % len(idx)
        else:
            k = int(np.searchsorted(idx, self._current, side="left")) - 1  # -1 wraps to the last
        self.show_index(int(idx[k]))

    def _update_indices(self, wait: bool = False) -> None:
        """The browsing list for the filters; with ``wait``, None while the test digits are still
        being read on the worker (reading them here would stall the window just after start-up)."""
        evaluation = self._evaluator.current
        if wait and evaluation is None and self._digits is None and not self._evaluator.digits_ready:
            self._indices = None
        else:
            predictions = None if evaluation is None else evaluation.predictions
            self._indices = browse_indices(self.digits.labels, predictions, self._true_class,
                                           self._predicted, self._only_wrong)
        ready = self._indices is not None and len(self._indices) > 0
        for button in (self.prev_button, self.random_button, self.next_button):
            button.setEnabled(ready)

    @Slot(object)
    def _on_evaluator_current_changed(self, evaluation) -> None:
        self._update_indices(wait=True)
        if self._pending_first and self._indices is not None and len(self._indices):
            self.show_index(int(self._indices[0]))
        self._update_labels()

    @Slot(str)
    def _on_evaluator_failed(self, message: str) -> None:
        self._update_indices()  # reads the digits, or learns why they cannot be read
        self._update_labels()

    @Slot(bool)
    def _on_state_activations_changed(self, final: bool) -> None:
        # Training shows ten networks a second; a browser in a covered tab catches up when shown.
        if is_covered(self):
            self._stale = True
            return
        self._update_labels()

    def catch_up(self) -> None:
        """Show what changed while the browser was covered (the window calls this)."""
        if self._stale:
            self._update_labels()

    # -- widgets ------------------------------------------------------------------------------

    def _sync_filter_widgets(self) -> None:
        widgets = (self.class_combo, self.answer_combo, self.wrong_check, self.only_wrong_action)
        for w in widgets:
            w.blockSignals(True)
        self.class_combo.setCurrentIndex(0 if self._true_class is None else self._true_class + 1)
        self.answer_combo.setCurrentIndex(0 if self._predicted is None else self._predicted + 1)
        self.wrong_check.setChecked(self._only_wrong)
        self.only_wrong_action.setChecked(self._only_wrong)
        for w in widgets:
            w.blockSignals(False)

    @Slot()
    def _on_filter_widgets_changed(self) -> None:
        true_class = self.class_combo.currentIndex() - 1
        predicted = self.answer_combo.currentIndex() - 1
        self.set_filter(None if true_class < 0 else true_class, None if predicted < 0 else predicted,
                        self.wrong_check.isChecked())

    def _describe_filter(self) -> str:
        parts = []
        if self._true_class is not None:
            parts.append(f"true {self._true_class}")
        if self._predicted is not None:
            parts.append(f"answered {self._predicted}")
        if self._only_wrong:
            parts.append("mistakes only")
        return ", ".join(parts) or "all test digits"

    def _update_labels(self) -> None:
        self._stale = False
        idx = self._indices
        if self._digits is None:
            self.position_label.setText("10,000 MNIST test digits")
        elif self._problem is not None:
            self.title.setText("No test digits to browse")
            self.position_label.setText(self._problem)
        elif idx is None:
            self.position_label.setText(f"{self._describe_filter()}: waiting for the network's answers…")
        elif not len(idx):
            self.position_label.setText(f"{self._describe_filter()}: no such digits")
        else:
            here = np.flatnonzero(idx == self._current)
            where = f"{here[0] + 1:,}" if len(here) else "–"
            self.position_label.setText(f"{where} of {len(idx):,} ({self._describe_filter()})")
        if self._current is None:
            return
        truth = int(self.digits.labels[self._current])
        self.title.setText(f"Test digit #{self._current}")
        state = self._state
        prediction = state.prediction if state.input is self._fed and self._fed is not None else None
        if prediction is None:
            self.verdict.setText(f"True label <b>{truth}</b>")
            return
        answer, outputs = prediction
        right = answer == truth
        mark = '<span style="color:#16a34a">✓ right</span>' if right else '<span style="color:#dc2626">✗ wrong</span>'
        self.verdict.setText(f"True label <b>{truth}</b> · network says <b>{answer}</b> "
                             f"({100 * float(outputs[answer]):.0f}%) {mark}")

    # -- keys ---------------------------------------------------------------------------------

    def _make_actions(self) -> None:
        def action(text, shortcuts, slot, tip):
            a = QAction(text, self)
            a.setShortcuts([QKeySequence(s) for s in shortcuts])
            a.setStatusTip(tip)
            a.triggered.connect(slot)
            return a

        self.next_action = action("&Next test digit", ["N", "PgDown"], self.show_next, "Show the next test digit")
        self.previous_action = action("&Previous test digit", ["P", "PgUp"], self.show_previous,
                                      "Show the previous test digit")
        self.random_action = action("&Random test digit", ["R"], self.show_random, "Show a random test digit")
        self.only_wrong_action = QAction("Only &mistakes", self)
        self.only_wrong_action.setCheckable(True)
        self.only_wrong_action.setShortcut(QKeySequence("M"))
        self.only_wrong_action.toggled.connect(self._on_only_wrong_action_toggled)
        self.class_actions = []
        for d in range(10):
            a = action(f"Only {d}s", [f"Alt+{d}"], lambda _c=False, d=d: self._jump_to_class(d),
                       f"Browse the test digits labelled {d} (keeps 'only mistakes')")
            self.class_actions.append(a)
        self.all_action = action("&All digits", ["Alt+A"], lambda: self.set_filter(), "Browse every test digit")

    def fill_menu(self, menu: QMenu) -> None:
        """Put the browsing actions (with their keys) in ``menu``."""
        menu.addAction(self.next_action)
        menu.addAction(self.previous_action)
        menu.addAction(self.random_action)
        menu.addSeparator()
        menu.addAction(self.only_wrong_action)
        jump = menu.addMenu("&Jump to digit")
        for a in self.class_actions:
            jump.addAction(a)
        menu.addAction(self.all_action)

    def _jump_to_class(self, digit: int) -> None:
        self.set_filter(true_class=digit, only_wrong=self._only_wrong)

    @Slot(bool)
    def _on_only_wrong_action_toggled(self, checked: bool) -> None:
        if checked != self._only_wrong:
            self.set_filter(self._true_class, self._predicted, checked)
