"""Where the bundled files (MNIST test set, shipped weights) live, installed or in a checkout.

The wheel maps the repository's top-level ``resources/`` and ``weights/`` folders to the
packages ``digitviz.resources`` and ``digitviz.weights``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def _folder(package: str, checkout_name: str) -> Path:
    local = _CHECKOUT / checkout_name
    if (_CHECKOUT / "pyproject.toml").is_file() and local.is_dir():
        return local
    return Path(str(resources.files(package)))


def resource_path(*parts: str) -> Path:
    """A path under the bundled ``resources/`` folder."""
    return _folder("digitviz.resources", "resources").joinpath(*parts)


def weights_path(*parts: str) -> Path:
    """A path under the shipped ``weights/`` folder."""
    return _folder("digitviz.weights", "weights").joinpath(*parts)


def default_weights_path() -> Path:
    """The network the application opens with: ``weights/default.npz``."""
    return weights_path("default.npz")
