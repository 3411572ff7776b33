"""The settings of a training run in the app, and a small growing series for its curves.

Plain Python (no Qt): :class:`TrainingSettings` is what the Training panel edits and what
:class:`digitviz.gui.models.training.TrainingSession` trains with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ...core.trainer import TrainerSettings

STARTS = ("fresh", "untrained", "current")
MAX_HIDDEN_LAYERS = 4
MAX_HIDDEN_NEURONS = 128


@dataclass(frozen=True)
class TrainingSettings:
    """What the Training panel sets: the start network, its shape and how it is trained.

    ``start`` is ``"fresh"`` (random weights drawn from ``seed``), ``"untrained"`` (the shipped
    ``weights/untrained.npz``) or ``"current"`` (the window's network). ``hidden`` and
    ``activation`` shape a fresh network; the other two keep their own shape. A fresh network
    gets a softmax output with the cross-entropy cost and sigmoid outputs with the quadratic
    cost of the video. ``learning_rate`` None takes the core's default for the optimizer and cost.
    """

    start: str = "fresh"
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "sigmoid"
    cost: str = "cross_entropy"
    optimizer: str = "adam"
    learning_rate: float | None = None
    momentum: float = 0.0
    batch_size: int = 32
    epochs: int = 1
    augment: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden", tuple(int(n) for n in self.hidden))
        if self.start not in STARTS:
            raise ValueError(f"start must be one of {', '.join(STARTS)}, got {self.start!r}")
        if not 1 <= len(self.hidden) <= MAX_HIDDEN_LAYERS:
            raise ValueError(f"1 to {MAX_HIDDEN_LAYERS} hidden layers, got {len(self.hidden)}")
        if any(not 1 <= n <= MAX_HIDDEN_NEURONS for n in self.hidden):
            raise ValueError(f"hidden layers hold 1 to {MAX_HIDDEN_NEURONS} neurons, got {list(self.hidden)}")
        if self.activation not in ("sigmoid", "relu"):
            raise ValueError(f"activation must be sigmoid or relu, got {self.activation!r}")
        if not 1 <= int(self.epochs) <= 1000:
            raise ValueError(f"epochs must be 1 to 1000, got {self.epochs}")
        # The core checks the rest (cost, optimizer, rates, batch size) and names what is wrong.
        TrainerSettings(**self.trainer_settings())

    def trainer_settings(self) -> dict:
        """The keywords for :class:`digitviz.core.trainer.Trainer`."""
        return {"cost": self.cost, "optimizer": self.optimizer, "learning_rate": self.learning_rate,
                "momentum": self.momentum if self.optimizer == "sgd" else 0.0,
                "batch_size": int(self.batch_size), "augment": bool(self.augment)}

    def as_dict(self) -> dict:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        return d
