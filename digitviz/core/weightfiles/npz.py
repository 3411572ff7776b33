"""The native ``.npz`` format (see ``weights/README.md`` for its keys).

Not read with ``np.load``: each member's ``.npy`` header is parsed first, and its shape, dtype and
size are checked against the limits before a byte of its data is unpacked, so an archive of a
few KiB cannot ask for gigabytes. Only the members a network needs are unpacked.
"""

from __future__ import annotations

import io
import json
import math
import struct
import zipfile
from pathlib import Path

import numpy as np

from ..network import Network
from . import limits
from .common import WeightFileError, brief, build_network, check_sizes

MAGIC = b"PK\x03\x04"
_CHUNK = 4 * 1024 * 1024


def looks_like_npz(data: bytes) -> bool:
    return data[:4] == MAGIC


def read_npz(path: Path, data: bytes) -> Network:
    """A Network from the bytes of a native ``.npz``; WeightFileError for anything else."""
    _check_directory(path, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return _read_archive(path, zf)
    except WeightFileError:
        raise
    except zipfile.BadZipFile as exc:
        raise WeightFileError(path, f"not a valid .npz archive (truncated or corrupt: {exc})") from None
    except (OSError, EOFError) as exc:
        raise WeightFileError(path, f"the archive is truncated or corrupt ({exc})") from None


def _check_directory(path: Path, data: bytes) -> None:
    """Refuse a central directory too large to list: ``zipfile`` builds an object per entry."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return  # not a complete archive: zipfile says so
    entries, directory_size = struct.unpack("<HL", data[end + 10 : end + 16])
    locator = end - 20
    if (entries == 0xFFFF or directory_size == 0xFFFFFFFF) and locator >= 56:
        if data[locator : locator + 4] == b"PK\x06\x07" and data[locator - 56 : locator - 52] == b"PK\x06\x06":
            entries, directory_size = struct.unpack("<QQ", data[locator - 24 : locator - 8])
    if directory_size > limits.MAX_ZIP_DIRECTORY_BYTES or entries > limits.MAX_ZIP_MEMBERS:
        raise WeightFileError(
            path, f"the archive lists {entries:,} members ({directory_size:,} bytes of directory); "
            f"a weight file has at most {limits.MAX_ZIP_MEMBERS}"
        )


def _read_archive(path: Path, zf: zipfile.ZipFile) -> Network:
    infos = zf.infolist()
    if len(infos) > limits.MAX_ZIP_MEMBERS:
        raise WeightFileError(path, f"the archive has {len(infos):,} members; a weight file has a few")
    if sum(info.file_size for info in infos) > 4 * limits.MAX_FILE_BYTES:
        raise WeightFileError(path, "the archive unpacks to more than the size limit")
    members = {info.filename[:-4]: info for info in infos if info.filename.endswith(".npy")}
    if "sizes" not in members:
        keys = brief(sorted(members)) if members else "none"
        raise WeightFileError(path, f"not a digitviz weight archive: no 'sizes' key (keys: {keys})")
    sizes = _member(path, zf, members["sizes"], "sizes", limits.MAX_LAYERS + 1, "iu",
                    f"at most {limits.MAX_LAYERS} layers are supported", "integers")
    declared = [int(s) for s in np.atleast_1d(sizes)]
    check_sizes(path, declared, what=f"'sizes' {brief(declared)}")
    n_layers = len(declared) - 1
    weights, biases, missing = [], [], []
    budget = limits.MAX_PARAMETERS
    for i in range(n_layers):  # a bad member is named before a missing one
        for key, out in ((f"weight_{i}", weights), (f"bias_{i}", biases)):
            if key not in members:
                missing.append(key)
                continue
            array = _member(path, zf, members[key], key, budget, "iuf",
                            f"more than {limits.MAX_PARAMETERS:,} parameters in all", "numbers")
            budget -= array.size
            out.append(array)
    if missing:
        raise WeightFileError(path, f"missing arrays {brief(missing)}")
    hidden = _text(path, zf, members, "hidden_activation", "sigmoid", limits.MAX_TEXT_FIELD_CHARS)
    output = _text(path, zf, members, "output_activation", "sigmoid", limits.MAX_TEXT_FIELD_CHARS)
    metadata = {}
    text = _text(path, zf, members, "metadata", None, limits.MAX_METADATA_CHARS)
    if text is not None:
        try:
            metadata = json.loads(text)
        except (ValueError, TypeError):
            raise WeightFileError(path, "the 'metadata' entry is not valid JSON") from None
        if not isinstance(metadata, dict):
            raise WeightFileError(path, "the 'metadata' entry is not a JSON object")
    network = build_network(path, weights, biases, hidden, output, metadata)
    if declared != network.sizes:
        raise WeightFileError(path, f"'sizes' says {brief(declared)} but the arrays are {brief(network.sizes)}")
    return network


def _text(path: Path, zf, members: dict, key: str, default, max_chars: int):
    if key not in members:
        return default
    value = _member(path, zf, members[key], key, 1, "U", "it must be a single text entry", "text",
                    max_bytes=4 * max_chars)
    return str(value.reshape(()))


def _member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, key: str, max_elements: int,
            kinds: str, too_many: str, expected: str, max_bytes: int | None = None) -> np.ndarray:
    """One member's array, its header checked before its data is unpacked.

    The data is unpacked in chunks of ``_CHUNK`` bytes, so that a reader thread never holds
    the GIL for long (the GUI reads files on a worker thread).
    """
    with zf.open(info) as f:
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise WeightFileError(path, f"'{key}' uses .npy format version {version}, which is not supported")
        except WeightFileError:
            raise
        except (ValueError, SyntaxError, TypeError) as exc:
            raise WeightFileError(path, f"an array in the archive cannot be read ({exc})") from None
        if dtype.hasobject:
            raise WeightFileError(path, "holds object arrays, which are refused (they would need pickle)")
        if dtype.names is not None or dtype.subdtype is not None or dtype.kind not in kinds:
            raise WeightFileError(path, f"'{key}' has dtype {brief(str(dtype))}, not {expected}")
        if any(d < 0 for d in shape):
            raise WeightFileError(path, f"'{key}' declares a negative shape {brief(shape)}")
        count = math.prod(shape)
        if count > max_elements:
            raise WeightFileError(path, f"'{key}' holds {count:,} values; {too_many}")
        nbytes = count * dtype.itemsize
        if nbytes > (max_bytes if max_bytes is not None else 8 * max(max_elements, 1)):
            if dtype.kind == "U":
                raise WeightFileError(
                    path, f"the '{key}' entry is {dtype.itemsize // 4:,} characters long, more than the "
                    f"{(max_bytes or 0) // 4:,} allowed"
                )
            raise WeightFileError(path, f"'{key}' holds {nbytes:,} bytes, too many for {count:,} values")
        held = info.file_size - f.tell()
        if held == nbytes:
            buffer = np.empty(nbytes, np.uint8)
            filled = 0
            while filled < nbytes:
                chunk = f.read(min(_CHUNK, nbytes - filled))
                if not chunk:
                    break
                buffer[filled : filled + len(chunk)] = np.frombuffer(chunk, np.uint8)
                filled += len(chunk)
            held = filled + len(f.read(1))  # reading to the end also checks the CRC
    if held != nbytes:
        raise WeightFileError(
            path, f"'{key}' holds {'more' if held > nbytes else 'fewer'} bytes than its header promises "
            f"({nbytes:,}): the archive is corrupt"
        )
    array = buffer.view(dtype) if count else np.zeros(0, dtype)
    return array.reshape(shape, order="F" if fortran else "C")
