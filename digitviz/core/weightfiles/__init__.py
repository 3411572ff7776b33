"""Reading and writing weight files, with one exception for every way a file can be bad.

Formats, recognised by their content (the file name is only a hint), one module each:

* :mod:`.npz`: native ``.npz`` (see ``weights/README.md`` for the keys);
* :mod:`.nielsen_json`: Michael Nielsen's ``network2.py`` JSON;
* :mod:`.pickle_3b1b`: the pickle of ``(weights, biases)`` made for 3Blue1Brown's videos, read
  by a small opcode interpreter (never by :mod:`pickle`);
* :mod:`.safetensors`: PyTorch ``nn.Sequential`` state dicts, parsed with NumPy.

:data:`READERS` below is the whole registry: the first ``sniff(data)`` that says yes picks the
reader. Every reader is bounded by :mod:`.limits`; :mod:`.common` holds the exception and the
checks that make a :class:`~digitviz.core.network.Network`; :mod:`.saving` writes files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..network import Network
from . import limits
from .common import N_INPUTS, N_OUTPUTS, WeightFileError, build_network, check_sizes
from .nielsen_json import looks_like_json, read_nielsen_json
from .npz import looks_like_npz, read_npz
from .pickle_3b1b import looks_like_pickle, read_pickle
from .safetensors import looks_like_safetensors, read_safetensors
from .saving import NPZ_FORMAT_VERSION, save_weights
from .source import read_bytes

Sniff = Callable[[bytes], bool]
Reader = Callable[[Path, bytes], Network]

# (sniff, reader) in the order they are tried. safetensors comes first: its 8-byte length
# prefix can begin with any byte, including a pickle's or a zip's first byte.
READERS: tuple[tuple[Sniff, Reader], ...] = (
    (looks_like_safetensors, read_safetensors),
    (looks_like_npz, read_npz),
    (looks_like_json, read_nielsen_json),
    (looks_like_pickle, read_pickle),
)

__all__ = [
    "N_INPUTS",
    "N_OUTPUTS",
    "NPZ_FORMAT_VERSION",
    "READERS",
    "WeightFileError",
    "build_network",
    "check_sizes",
    "limits",
    "load_weights",
    "save_weights",
]


def load_weights(path) -> Network:
    """Read a weight file of any supported format.

    Returns a validated :class:`Network` (784 inputs, 10 outputs, finite values, within
    :mod:`.limits`). Raises :class:`WeightFileError`, and nothing else, for any file that cannot
    be used; pipes and devices are refused without blocking.
    """
    path = Path(path)
    data = read_bytes(path)
    try:
        for sniff, reader in READERS:
            if sniff(data):
                return reader(path, data)
        raise WeightFileError(
            path,
            "not a recognised weight file (expected .npz, Nielsen JSON, a 3Blue1Brown pickle or .safetensors)",
        )
    except WeightFileError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise WeightFileError(path, f"too large or too deeply nested to read ({type(exc).__name__})") from None
    except Exception as exc:  # a reader's unforeseen failure is still a bad file, not a crash
        raise WeightFileError(path, f"could not be read ({type(exc).__name__}: {str(exc)[:200]})") from None
