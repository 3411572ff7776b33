"""Where weight files come from: the recent list (kept in QSettings) and the shipped ``weights/``.

``bundled_weights()`` describes every shipped file from its metadata, or else from the model card
(``weights/README.md``): the first paragraph under the heading that names the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from ...core.network import Network
from ...core.resources import weights_path
from ...core.weightfile import WeightFileError, load_weights
from ..models.settings import read_text, read_text_list

RECENT_KEY = "weights/recent"
LAST_FOLDER_KEY = "files/last_folder"
MAX_RECENT = 10
WEIGHT_SUFFIXES = (".npz", ".json", ".pkl", ".pickle", ".safetensors")


# -- recent files (QSettings, so the list survives a restart) ------------------------------------


def read_recent() -> list[Path]:
    """The remembered weight files, most recent first (at most :data:`MAX_RECENT`; entries that
    are not text are dropped)."""
    return [Path(v) for v in read_text_list(RECENT_KEY, MAX_RECENT)]


def _write_recent(paths: list[Path]) -> None:
    settings = QSettings()
    settings.setValue(RECENT_KEY, [str(p) for p in paths[:MAX_RECENT]])
    settings.sync()


def remember_recent(path) -> None:
    """Put ``path`` (made absolute) at the top of the recent list."""
    path = Path(path).expanduser().absolute()
    _write_recent([path] + [p for p in read_recent() if p != path])


def clear_recent() -> None:
    _write_recent([])


def forget_recent(path) -> None:
    path = Path(path).expanduser().absolute()
    _write_recent([p for p in read_recent() if p != path])


def read_last_folder() -> Path | None:
    """The folder the user last opened or saved a file in, if it still exists."""
    text = read_text(LAST_FOLDER_KEY)
    folder = Path(text) if text else None
    return folder if folder is not None and folder.is_dir() else None


def remember_last_folder(folder) -> None:
    QSettings().setValue(LAST_FOLDER_KEY, str(Path(folder).absolute()))


# -- bundled files and their model card ----------------------------------------------------------


@dataclass(frozen=True)
class BundledWeights:
    """A file in ``weights/``: its name and shape, its description, or why it cannot be read."""

    path: Path
    title: str
    description: str
    problem: str | None = None


def model_card_descriptions(text: str) -> dict[str, str]:
    """File name -> first paragraph under the model card heading that names that file."""
    found: dict[str, str] = {}
    current: str | None = None
    paragraph: list[str] = []
    in_fence = False
    for line in text.splitlines() + [""]:
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if stripped.startswith("#"):
            current = next(
                (w.strip("`*_:()") for w in stripped.split() if w.strip("`*_:()").endswith(WEIGHT_SUFFIXES)),
                None,
            )
            paragraph = []
            continue
        if current is None or current in found:
            continue
        if stripped and not stripped.startswith(("|", "-", "*", ">")):
            paragraph.append(stripped)
        elif paragraph:
            found[current] = " ".join(paragraph)
    return found


def bundled_weights(folder: Path | None = None) -> list[BundledWeights]:
    """Every weight file shipped in ``weights/``, sorted by name, each read once to describe it."""
    folder = weights_path() if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    card = folder / "README.md"
    described = model_card_descriptions(card.read_text(encoding="utf-8", errors="replace")) if card.is_file() else {}
    found = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in WEIGHT_SUFFIXES and p.is_file()):
        try:
            net = load_weights(path)
        except WeightFileError as exc:
            found.append(BundledWeights(path, path.name, "", exc.problem))
            continue
        description = str(net.metadata.get("description") or described.get(path.name, ""))
        found.append(BundledWeights(path, title_of(net), description))
    return found


def title_of(net: Network) -> str:
    """``name (shape), 95.7% on the MNIST test set`` as far as the file tells."""
    title = net.name if net.shape_text in net.name else f"{net.name} ({net.shape_text})"
    accuracy = net.metadata.get("test_accuracy")
    if isinstance(accuracy, (int, float)) and 0 <= accuracy <= 1:
        title += f", {100 * accuracy:.1f}% on the MNIST test set"
    return title


def menu_text(item: BundledWeights, limit: int = 80) -> str:
    """``file: name (shape), accuracy``; the description goes to the status bar and tooltip."""
    text = f"{item.path.name}: {item.title}"
    text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return text.replace("&", "&&")
