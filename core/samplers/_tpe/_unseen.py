"""Proposing configurations no trial has had yet, in finite search spaces.

A space is finite when every dimension is categorical or on a grid (ints, stepped floats).
Each point then has an integer code (mixed radix over the dimensions' grid indices), so
"has a finished or running trial had this point?" is one ``np.isin`` over the history. TPE
uses it only when the space it samples is every parameter its trials have (no branches of a
conditional space left out), so a point is a whole configuration.
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np

from albacore.distributions import BaseDistribution
from albacore.samplers._tpe._history import Snapshot
from albacore.samplers._tpe._space import SpaceCodec
from albacore.samplers._transform import grid_size

#: Finite spaces up to this many points are enumerated when every candidate was seen.
ENUMERATE_LIMIT = 4096
_MAX_CODE = 2**62  # codes stay int64


def is_whole_space(snapshot: Snapshot, space: dict[str, BaseDistribution]) -> bool:
    """Whether every finished trial's parameters are ``space``'s (or single-valued ones)."""
    names = set(space)
    for param_set in snapshot.param_sets:
        if not names <= param_set:
            return False
        if any(not snapshot.latest[name].single() for name in param_set - names if name in snapshot.latest):
            return False
    return True


class FiniteGrid:
    """The points of a finite space as integer codes; ``size`` is None for other spaces.

    Args:
        codec: The space's codec (numeric dimensions first, then categorical ones).
    """

    def __init__(self, codec: SpaceCodec) -> None:
        self.codec = codec
        self.size: int | None = None
        counts: list[int] = []
        for dim in codec.numeric:
            if dim.step is None:
                return
            counts.append(cast(int, grid_size(dim.dist)))
        counts.extend(codec.n_choices)
        size = math.prod(counts)
        if size >= _MAX_CODE:
            return
        self.size = size
        self.counts = counts
        strides = np.ones(len(counts), dtype=np.int64)
        for j in range(len(counts) - 2, -1, -1):
            strides[j] = strides[j + 1] * counts[j + 1]
        self.strides = strides

    def codes(self, values: np.ndarray, cats: np.ndarray) -> np.ndarray:
        """Codes of points given as numeric internal values ``(m, n_numeric)`` and choice indices."""
        index = np.empty((len(values) if values.size else len(cats), len(self.counts)), dtype=np.int64)
        for j, dim in enumerate(self.codec.numeric):
            index[:, j] = np.rint((values[:, j] - dim.dist.low) / float(dim.step)).astype(np.int64)  # type: ignore[arg-type]
        index[:, len(self.codec.numeric) :] = cats
        np.clip(index, 0, np.asarray(self.counts, dtype=np.int64) - 1, out=index)
        return np.asarray(index @ self.strides, dtype=np.int64)

    def points(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The points of ``codes`` as (numeric internal values, choice indices)."""
        n_numeric = len(self.codec.numeric)
        index = (codes[:, None] // self.strides[None, :]) % np.asarray(self.counts, dtype=np.int64)[None, :]
        values = np.empty((len(codes), n_numeric))
        for j, dim in enumerate(self.codec.numeric):
            values[:, j] = dim.dist.low + index[:, j] * float(dim.step)  # type: ignore[arg-type]
        return values, index[:, n_numeric:].astype(int)


def seen_codes(
    grid: FiniteGrid, columns: dict[str, np.ndarray], rows: np.ndarray, liars: dict[str, np.ndarray]
) -> np.ndarray:
    """Codes of the points that the history's ``rows`` and the running trials hold."""
    codec = grid.codec
    parts = []
    for source, take in ((columns, rows), (liars, None)):
        if not source:
            continue
        picked = {name: (column if take is None else column[take]) for name, column in source.items()}
        n = len(next(iter(picked.values())))
        if n == 0:
            continue
        values = (
            np.column_stack([picked[name] for name in codec.numeric_names]) if codec.numeric_names else np.empty((n, 0))
        )
        cats = (
            np.column_stack([picked[name] for name in codec.categorical_names]).astype(int)
            if codec.categorical_names
            else np.empty((n, 0), dtype=int)
        )
        parts.append(grid.codes(values, cats))
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def unseen_codes(grid: FiniteGrid, seen: np.ndarray) -> np.ndarray:
    """Every code of ``grid`` (``size <= ENUMERATE_LIMIT``) that ``seen`` lacks."""
    assert grid.size is not None
    return np.setdiff1d(np.arange(grid.size, dtype=np.int64), seen, assume_unique=False)
