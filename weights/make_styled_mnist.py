"""Write a training folder: MNIST's training set plus 1s and 7s written the continental way.

    python weights/make_styled_mnist.py ../shared/mnist build/mnist-styled [--fraction 0.5 --seed 14]

The new folder holds the standard four files. Its training file is MNIST's first 55,000 training
images, then the restyled copies of some of their 1s and 7s (``digitviz.core.augment.add_styles``:
a flag and sometimes a base added to a 1, a crossbar to a 7), then MNIST's last 5,000 training
images, so that ``digitviz train --validation 5000`` still holds out exactly those. The test files
are copied unchanged (``digitviz train`` reads them only to report the final test accuracy).
Seeded: the same arguments give the same files. The folder is derived from MNIST's training set,
so it is never committed (``build/`` is ignored).
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import struct
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digitviz.core.augment import add_styles
from digitviz.core.mnist import TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS, load_mnist

VALIDATION = 5000


def write_idx(path: Path, array: np.ndarray) -> None:
    """An IDX file of unsigned bytes, gzip-compressed without a timestamp (reproducible bytes)."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(header + np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="folder with the four MNIST files")
    parser.add_argument("out", type=Path, help="folder to write")
    parser.add_argument("--fraction", type=float, default=0.5, help="share of the 1s and 7s restyled")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    train = load_mnist(args.source, "train")
    cut = len(train) - VALIDATION
    extra, extra_labels = add_styles(train.images[:cut], train.labels[:cut], np.random.default_rng(args.seed),
                                     args.fraction)
    images = np.concatenate([train.images[:cut], extra, train.images[cut:]])
    labels = np.concatenate([train.labels[:cut], extra_labels, train.labels[cut:]])
    args.out.mkdir(parents=True, exist_ok=True)
    write_idx(args.out / TRAIN_IMAGES, np.round(images * 255).reshape(-1, 28, 28))
    write_idx(args.out / TRAIN_LABELS, labels)
    for name in (TEST_IMAGES, TEST_LABELS):
        shutil.copyfile(args.source / name, args.out / name)
    print(f"wrote {args.out}: {len(images)} training images ({len(extra)} restyled: "
          f"{np.sum(extra_labels == 1)} 1s, {np.sum(extra_labels == 7)} 7s), the last {VALIDATION} "
          "being MNIST's own held-out ones")


if __name__ == "__main__":
    main()
