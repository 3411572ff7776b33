"""When to keep a snapshot of a network in training, and which snapshots to keep.

The app's timeline keeps the network as it was at growing intervals: after 0, 1, 2, 4, 8, ...
mini-batches (where the weight images grow out of noise) and at the end of every epoch. A long
run would collect too many, so the list is thinned to a bounded length: the powers of two, the
first and the latest always stay, the others are thinned evenly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

MAX_SNAPSHOTS = 64


def is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def should_snapshot(batches_done: int, batches_per_epoch: int) -> bool:
    """True after 0 batches, after every 2^k batches and at the end of every epoch."""
    if batches_done < 0 or batches_per_epoch < 1:
        raise ValueError(f"need batches_done >= 0 and batches_per_epoch >= 1, got {batches_done}, "
                         f"{batches_per_epoch}")
    return batches_done == 0 or is_power_of_two(batches_done) or batches_done % batches_per_epoch == 0


def snapshots_to_keep(batches: Sequence[int], limit: int = MAX_SNAPSHOTS) -> list[int]:
    """Indices (ascending) into ``batches``, the batch counts of the snapshots in order, to keep.

    At most ``limit`` (>= 2). The first and the last always stay, then the powers of two from
    the smallest up, then every 2^j-th of the others (on the grid of their batch counts' greatest
    common divisor: the epoch ends), with j as small as fits.
    """
    if limit < 2:
        raise ValueError(f"limit must be at least 2, got {limit}")
    n = len(batches)
    if n <= limit:
        return list(range(n))
    protected = [0, n - 1] + [i for i in range(1, n - 1) if is_power_of_two(int(batches[i]))]
    protected = sorted(set(protected[:limit]))
    keep = set(protected)
    others = [i for i in range(n) if i not in keep]
    room = limit - len(protected)
    if room <= 0 or not others:
        return protected
    # The others lie on a grid (epoch ends): keep every 2^j-th grid point, j as small as fits.
    # Decided by batch counts, not positions, so thinning again and again as snapshots arrive
    # keeps an even spread.
    unit = math.gcd(*(int(batches[i]) for i in others)) or 1
    stride = 1
    while True:
        picked = [i for i in others if (int(batches[i]) // unit) % stride == 0]
        if len(picked) <= room:
            return sorted(keep.union(picked))
        stride *= 2


def thin_snapshots(snapshots: Sequence[tuple[int, T]], limit: int = MAX_SNAPSHOTS) -> list[tuple[int, T]]:
    """``snapshots``, a list of ``(batches_done, item)`` in order, thinned to at most ``limit``."""
    keep = snapshots_to_keep([b for b, _ in snapshots], limit)
    return [snapshots[i] for i in keep]
