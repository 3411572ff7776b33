"""Reading and writing weight files, with one exception for every way a file can be bad.

Formats, recognised by their content (the file name is only a hint):

* native ``.npz`` (see ``weights/README.md`` for the keys), read with ``allow_pickle=False``;
* Michael Nielsen's ``network2.py`` JSON: ``{"sizes", "weights", "biases", "cost"}``;
* the protocol-0 pickle of ``(weights, biases)`` used for 3Blue1Brown's videos, read by an
  unpickler that admits NumPy's array reconstruction and refuses every other global;
* further formats registered with :func:`register_reader` (``.safetensors`` is registered by
  the top-level package, so that this module needs nothing beyond NumPy).
"""

from __future__ import annotations

import io
import json
import os
import pickle
import stat
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import activations as act
from .network import Network

N_INPUTS = 784
N_OUTPUTS = 10
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_PARAMETERS = 20_000_000
NPZ_FORMAT_VERSION = 1


class WeightFileError(ValueError):
    """A weight file that cannot be used; the message names the file and the problem."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


# A reader takes (path, raw bytes) and returns a Network or raises WeightFileError.
Reader = Callable[[Path, bytes], Network]
_EXTRA_READERS: list[tuple[Callable[[bytes], bool], Reader]] = []


def register_reader(sniff: Callable[[bytes], bool], reader: Reader) -> None:
    """Add a format: ``sniff(data)`` says whether ``reader(path, data)`` should read it."""
    _EXTRA_READERS.append((sniff, reader))


# -- loading ------------------------------------------------------------------------------------


def load_weights(path) -> Network:
    """Read a weight file of any supported format.

    Returns a validated :class:`Network` (784 inputs, 10 outputs, finite values). Raises
    :class:`WeightFileError`, and nothing else, for any file that cannot be used.
    """
    path = Path(path)
    data = _read_bytes(path)
    try:
        for sniff, reader in _EXTRA_READERS:
            if sniff(data):
                return reader(path, data)
        if data[:4] == b"PK\x03\x04":
            return _read_npz(path, data)
        head = data.lstrip()[:1]
        if head in (b"{", b"["):
            return _read_nielsen_json(path, data)
        # Last resort: the restricted unpickler, which runs nothing, decides whether it is a pickle.
        return _read_pickle(path, data)
    except WeightFileError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise WeightFileError(path, f"too large or too deeply nested to read ({type(exc).__name__})")
    except Exception as exc:  # a reader's unforeseen failure is still a bad file, not a crash
        raise WeightFileError(path, f"could not be read ({type(exc).__name__}: {exc})") from exc


def _read_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise WeightFileError(path, "is a directory, not a weight file")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A pipe would block the read forever, a device could stream without end.
            raise WeightFileError(path, "is not a regular file (a pipe, socket or device?)")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise WeightFileError(
                path, f"is {size / 2**20:.0f} MiB, more than the {MAX_FILE_BYTES // 2**20} MiB limit"
            )
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise WeightFileError(path, "file not found") from None
    except PermissionError:
        raise WeightFileError(path, "permission denied: the file cannot be read") from None
    except IsADirectoryError:
        raise WeightFileError(path, "is a directory, not a weight file") from None
    except OSError as exc:
        raise WeightFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    if not data:
        raise WeightFileError(path, "the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise WeightFileError(path, "grew past the size limit while it was being read")
    return data


def _read_npz(path: Path, data: bytes) -> Network:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(info.file_size for info in zf.infolist())
            if total > 4 * MAX_FILE_BYTES:
                raise WeightFileError(path, "the archive unpacks to more than the size limit")
            bad = zf.testzip()
            if bad is not None:
                raise WeightFileError(path, f"the archive is corrupt (member {bad!r})")
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except WeightFileError:
        raise
    except zipfile.BadZipFile as exc:
        raise WeightFileError(path, f"not a valid .npz archive (truncated or corrupt: {exc})") from None
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise WeightFileError(path, "holds object arrays, which are refused (they would need pickle)")
        raise WeightFileError(path, f"an array in the archive cannot be read ({exc})") from None
    except (OSError, EOFError) as exc:
        raise WeightFileError(path, f"the archive is truncated or corrupt ({exc})") from None

    if "sizes" not in arrays:
        raise WeightFileError(path, f"not a digitviz weight archive: no 'sizes' key (keys: {_keys(arrays)})")
    n_layers = len(np.atleast_1d(arrays["sizes"])) - 1
    missing = [
        k for i in range(n_layers) for k in (f"weight_{i}", f"bias_{i}") if k not in arrays
    ]
    if n_layers < 1 or missing:
        raise WeightFileError(path, f"missing arrays {missing or ['weight_0', 'bias_0']}")
    weights = [arrays[f"weight_{i}"] for i in range(n_layers)]
    biases = [arrays[f"bias_{i}"] for i in range(n_layers)]
    hidden = _string_field(path, arrays, "hidden_activation", "sigmoid")
    output = _string_field(path, arrays, "output_activation", "sigmoid")
    metadata = {}
    if "metadata" in arrays:
        try:
            metadata = json.loads(str(arrays["metadata"]))
        except (ValueError, TypeError):
            raise WeightFileError(path, "the 'metadata' entry is not valid JSON") from None
        if not isinstance(metadata, dict):
            raise WeightFileError(path, "the 'metadata' entry is not a JSON object")
    network = build_network(path, weights, biases, hidden, output, metadata)
    declared = [int(s) for s in np.atleast_1d(arrays["sizes"])]
    if declared != network.sizes:
        raise WeightFileError(path, f"'sizes' says {declared} but the arrays are {network.sizes}")
    return network


def _keys(arrays: dict) -> str:
    return ", ".join(sorted(arrays)) or "none"


def _string_field(path: Path, arrays: dict, key: str, default: str) -> str:
    if key not in arrays:
        return default
    value = arrays[key]
    if value.dtype.kind != "U" or value.size != 1:
        raise WeightFileError(path, f"'{key}' must be a text entry")
    return str(value.reshape(()))


def _read_nielsen_json(path: Path, data: bytes) -> Network:
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise WeightFileError(path, "not valid JSON: the text is not UTF-8") from None
    except ValueError as exc:
        raise WeightFileError(path, f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise WeightFileError(path, "the JSON is not an object with 'sizes', 'weights' and 'biases'")
    missing = [k for k in ("sizes", "weights", "biases") if k not in doc]
    if missing:
        raise WeightFileError(path, f"the JSON lacks {', '.join(repr(k) for k in missing)}")
    if not isinstance(doc["weights"], list) or not isinstance(doc["biases"], list):
        raise WeightFileError(path, "'weights' and 'biases' must be lists of matrices")
    weights = [_json_array(path, w, f"weights[{i}]") for i, w in enumerate(doc["weights"])]
    biases = [_json_array(path, b, f"biases[{i}]") for i, b in enumerate(doc["biases"])]
    hidden = doc.get("hidden_activation", "sigmoid")
    output = doc.get("output_activation", "sigmoid")
    metadata = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    metadata.setdefault("format", f"Nielsen network2 JSON (cost: {doc.get('cost', 'unknown')})")
    network = build_network(path, weights, biases, hidden, output, metadata)
    sizes = doc["sizes"]
    if not isinstance(sizes, list) or [s for s in sizes] != network.sizes:
        raise WeightFileError(path, f"'sizes' says {sizes!r} but the matrices are {network.sizes}")
    return network


def _json_array(path: Path, value, what: str) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (ValueError, TypeError):
        raise WeightFileError(path, f"{what} is not a rectangular array of numbers") from None
    return array


def _latin1_bytes(text: str, encoding: str = "latin1") -> bytes:
    """What Python 3 pickles of arrays use to carry raw bytes; only the latin-1 codec is admitted."""
    if not isinstance(text, str) or encoding.lower().replace("-", "") != "latin1":
        raise pickle.UnpicklingError("only latin-1 text may be turned into bytes")
    return text.encode("latin1")


def _numpy_core():
    return getattr(np, "_core", None) or np.core


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Admits exactly the globals that NumPy's array pickles need; anything else is refused."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): lambda: _numpy_core().multiarray._reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): lambda: _numpy_core().multiarray._reconstruct,
        ("numpy.core.numeric", "_frombuffer"): lambda: _numpy_core().numeric._frombuffer,
        ("numpy._core.numeric", "_frombuffer"): lambda: _numpy_core().numeric._frombuffer,
        ("numpy", "ndarray"): lambda: np.ndarray,
        ("numpy", "dtype"): lambda: np.dtype,
        ("_codecs", "encode"): lambda: _latin1_bytes,
    }

    def __init__(self, file, path: Path):
        super().__init__(file, encoding="latin1")
        self._path = path

    def find_class(self, module: str, name: str):
        make = self.ALLOWED.get((module, name))
        if make is None:
            raise WeightFileError(
                self._path,
                f"the pickle asks for {module}.{name}, which is refused: only NumPy arrays are allowed "
                "(nothing in the file was run)",
            )
        return make()

    def persistent_load(self, pid):
        raise WeightFileError(self._path, "the pickle uses persistent ids, which are refused")


def _read_pickle(path: Path, data: bytes) -> Network:
    try:
        obj = _NumpyOnlyUnpickler(io.BytesIO(data), path).load()
    except WeightFileError:
        raise
    except Exception as exc:
        if data[:1] in (b"(", b"\x80", b"c", b"]", b"}"):
            raise WeightFileError(
                path, f"not a readable pickle of NumPy arrays ({type(exc).__name__}: {exc})"
            ) from None
        raise WeightFileError(
            path,
            "not a recognised weight file (expected .npz, Nielsen JSON, a 3Blue1Brown pickle "
            "or .safetensors)",
        ) from None
    if not (isinstance(obj, (tuple, list)) and len(obj) == 2):
        raise WeightFileError(path, "the pickle does not hold a (weights, biases) pair")
    weights, biases = obj
    if not (isinstance(weights, (list, tuple)) and isinstance(biases, (list, tuple))):
        raise WeightFileError(path, "the pickle's weights and biases must be lists of arrays")
    for what, items in (("weights", weights), ("biases", biases)):
        for i, item in enumerate(items):
            if not isinstance(item, np.ndarray):
                raise WeightFileError(path, f"{what}[{i}] is a {type(item).__name__}, not an array")
    return build_network(path, list(weights), list(biases), "sigmoid", "sigmoid",
                         {"format": "3Blue1Brown video pickle (weights, biases)"})


# -- validation ---------------------------------------------------------------------------------


def build_network(path, weights, biases, hidden: str, output: str, metadata: dict) -> Network:
    """Check arrays read from ``path`` and make a Network; raises WeightFileError on any flaw."""
    path = Path(path)
    if not isinstance(hidden, str) or hidden not in act.HIDDEN_ACTIVATIONS:
        known = ", ".join(act.HIDDEN_ACTIVATIONS)
        raise WeightFileError(path, f"unknown hidden activation {hidden!r} (known: {known})")
    if not isinstance(output, str) or output not in act.OUTPUT_ACTIVATIONS:
        known = ", ".join(act.OUTPUT_ACTIVATIONS)
        raise WeightFileError(path, f"unknown output activation {output!r} (known: {known})")
    if not weights:
        raise WeightFileError(path, "holds no layers")
    if len(weights) != len(biases):
        raise WeightFileError(path, f"{len(weights)} weight matrices but {len(biases)} bias vectors")
    total = 0
    checked_w, checked_b = [], []
    for i, (w, b) in enumerate(zip(weights, biases)):
        w = np.asarray(w)
        b = np.asarray(b)
        for what, a in (("weights", w), ("biases", b)):
            if a.dtype.kind not in "fiu":
                raise WeightFileError(path, f"layer {i + 1} {what} have dtype {a.dtype}, not numbers")
        total += w.size + b.size
        if total > MAX_PARAMETERS:
            raise WeightFileError(path, f"more than {MAX_PARAMETERS:,} parameters: too large to show")
        if w.ndim != 2:
            raise WeightFileError(path, f"layer {i + 1} weights are shaped {w.shape}, not a matrix")
        if b.ndim == 2 and b.shape[1] == 1:
            b = b[:, 0]  # Nielsen and 3Blue1Brown keep biases as (n, 1) columns
        if b.ndim != 1 or b.shape[0] != w.shape[0]:
            raise WeightFileError(
                path, f"layer {i + 1} biases are shaped {b.shape} but the layer has {w.shape[0]} neurons"
            )
        if i and w.shape[1] != checked_w[-1].shape[0]:
            raise WeightFileError(
                path,
                f"layer {i + 1} takes {w.shape[1]} inputs but layer {i} has {checked_w[-1].shape[0]} "
                "neurons: the shapes do not chain",
            )
        w = w.astype(np.float64)
        b = b.astype(np.float64)
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
            raise WeightFileError(path, f"layer {i + 1} holds NaN or infinite values")
        checked_w.append(w)
        checked_b.append(b)
    if checked_w[0].shape[1] != N_INPUTS:
        raise WeightFileError(path, f"the network takes {checked_w[0].shape[1]} inputs, not 784 (28x28 pixels)")
    if checked_w[-1].shape[0] != N_OUTPUTS:
        raise WeightFileError(path, f"the network has {checked_w[-1].shape[0]} outputs, not 10 digits")
    if any(w.shape[0] == 0 for w in checked_w):
        raise WeightFileError(path, "a layer has no neurons")
    metadata = dict(metadata or {})
    metadata.setdefault("name", path.stem)
    return Network(checked_w, checked_b, hidden, output, metadata)


# -- saving -------------------------------------------------------------------------------------


def save_weights(network: Network, path) -> Path:
    """Write ``network`` to ``path``: Nielsen JSON if the name ends in ``.json``, else ``.npz``.

    The file is written beside its target and renamed into place, so an interrupted save never
    leaves a half-written file. Returns the path written.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        payload = _nielsen_json_bytes(network)
    else:
        payload = _npz_bytes(network)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        # mkstemp makes the file private (0600); give it the mode a plain open() would have.
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or 0666 less the process umask for a new file."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _npz_bytes(network: Network) -> bytes:
    arrays = {
        "format_version": np.array(NPZ_FORMAT_VERSION),
        "sizes": np.array(network.sizes, dtype=np.int64),
        "hidden_activation": np.array(network.hidden_activation),
        "output_activation": np.array(network.output_activation),
        "metadata": np.array(json.dumps(network.metadata, sort_keys=True, default=str)),
    }
    for i, (w, b) in enumerate(zip(network.weights, network.biases)):
        arrays[f"weight_{i}"] = w
        arrays[f"bias_{i}"] = b
    # Written member by member with a fixed timestamp, so the same network gives the same bytes.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)
    return buf.getvalue()


def _nielsen_json_bytes(network: Network) -> bytes:
    doc = {
        "sizes": network.sizes,
        "weights": [w.tolist() for w in network.weights],
        "biases": [b.reshape(-1, 1).tolist() for b in network.biases],
        "cost": "CrossEntropyCost",
        "hidden_activation": network.hidden_activation,
        "output_activation": network.output_activation,
        "metadata": network.metadata,
    }
    return json.dumps(doc, default=str).encode("utf-8")
