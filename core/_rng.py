"""Seeded random streams for samplers and pruners.

A component owns one :class:`SeededRNG`. Each thread that uses it gets its own
``numpy.random.Generator``, spawned from the component's ``SeedSequence`` in the order the
threads first ask for one, so one worker with a fixed seed always sees the same sequence
and parallel workers never share a stream.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np


class SeededRNG:
    """A per-thread ``numpy.random.Generator`` spawned from one seed.

    Args:
        seed: Seed of the root ``SeedSequence``; ``None`` draws fresh entropy.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self.reseed(seed)

    def reseed(self, seed: int | None = None) -> None:
        """Restart every stream from ``seed`` (fresh entropy when ``None``)."""
        with self._lock:
            self._root = np.random.SeedSequence(seed)
            self._local = threading.local()

    @property
    def rng(self) -> np.random.Generator:
        """The calling thread's generator."""
        gen = getattr(self._local, "gen", None)
        if gen is None:
            with self._lock:
                child = self._root.spawn(1)[0]
            gen = np.random.default_rng(child)
            self._local.gen = gen
        return gen

    def __getstate__(self) -> dict[str, Any]:
        return {"root": self._root}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._lock = threading.Lock()
        self._root = state["root"]
        self._local = threading.local()
