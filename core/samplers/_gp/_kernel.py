"""The Matérn-5/2 ARD kernel on encoded inputs, with the derivatives the GP needs (numpy).

Each encoded dimension ``j`` contributes ``w_j * D_j(a, b)`` to the squared scaled distance
``r2`` (``w_j = 1 / lengthscale_j^2``):

* numeric: ``D_j = (a_j - b_j)^2``;
* categorical: ``D_j = 1`` if the choices differ, else 0;
* conditional numeric (may be absent): the coordinate is embedded as ``(value, 0)`` when
  present and ``(1/2, 1)`` when absent, and ``D_j`` is the squared Euclidean distance of the
  embeddings, so absence is one lengthscale away from every value and the kernel stays
  positive definite; an absent categorical parameter is one more choice.

``k(r2) = s * (1 + sqrt(5 r2) + 5/3 r2) * exp(-sqrt(5 r2))``.
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np

from albacore.samplers._gp._space import EncodedSpace

SQRT5 = math.sqrt(5.0)


def matern52(r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit-scale Matérn-5/2 of squared distances and its derivative with respect to ``r2``."""
    r = np.sqrt(r2)
    e = np.exp(-SQRT5 * r)
    value = (1.0 + SQRT5 * r + (5.0 / 3.0) * r2) * e
    slope = (-5.0 / 6.0) * (1.0 + SQRT5 * r) * e
    return value, slope


class Features:
    """Encoded points split into the kernel's numeric and categorical parts.

    Args:
        space: The encoded space.
        x: Encoded points ``(n, d)`` (absent coordinates as in :mod:`._space`).
    """

    def __init__(self, space: EncodedSpace, x: np.ndarray) -> None:
        self.x = x
        numeric = space.is_numeric
        values = x[:, numeric]
        self.absent = np.isnan(values)
        self.values = np.where(self.absent, 0.5, values)  # (n, p)
        self.numeric_dims = np.flatnonzero(numeric)
        self.cat_dims = np.flatnonzero(space.is_categorical)
        self.cat = x[:, space.is_categorical].astype(int) if self.cat_dims.size else np.zeros((len(x), 0), int)
        self.has_absent = bool(space.is_conditional[numeric].any())

    def __len__(self) -> int:
        return len(self.x)


def sq_dist_stack(f: Features) -> np.ndarray:
    """Per-dimension distances ``D_j`` between all training points -> ``(d, n, n)``."""
    n = len(f)
    d = f.numeric_dims.size + f.cat_dims.size
    out = np.empty((d, n, n))
    for k, j in enumerate(f.numeric_dims):
        diff = f.values[:, k][:, None] - f.values[:, k][None, :]
        out[j] = diff * diff
        if f.has_absent:
            out[j] += f.absent[:, k][:, None] != f.absent[:, k][None, :]
    for k, j in enumerate(f.cat_dims):
        out[j] = f.cat[:, k][:, None] != f.cat[:, k][None, :]
    return out


def cross_r2(a: Features, b: Features, w: np.ndarray, exact: bool) -> np.ndarray:
    """Squared scaled distances between query points ``a`` and training points ``b`` -> ``(m, n)``.

    ``exact`` forms the differences explicitly (used where gradients are taken); otherwise
    numeric parts use the Gram identity on centred coordinates (one matrix product).
    """
    wn = w[a.numeric_dims]
    if exact:
        diff = a.values[:, None, :] - b.values[None, :, :]
        sq = diff * diff
        if a.has_absent:
            sq = sq + (a.absent[:, None, :] != b.absent[None, :, :])
        r2 = sq @ wn
    else:
        centre = b.values.mean(axis=0)
        sw = np.sqrt(wn)
        za, zb = (a.values - centre) * sw, (b.values - centre) * sw
        if a.has_absent:
            za = np.concatenate([za, a.absent * sw], axis=1)
            zb = np.concatenate([zb, b.absent * sw], axis=1)
        r2 = np.maximum((za * za).sum(1)[:, None] + (zb * zb).sum(1)[None, :] - 2.0 * za @ zb.T, 0.0)
    for k, j in enumerate(a.cat_dims):
        r2 = r2 + w[j] * (a.cat[:, k][:, None] != b.cat[:, k][None, :])
    return cast(np.ndarray, r2)
