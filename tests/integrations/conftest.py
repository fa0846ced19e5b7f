"""Shared fixtures of the integration tests.

Keras is tested on the torch backend, chosen here before any test module imports Keras.
"""

from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "torch"

from typing import Callable  # noqa: E402

import pytest  # noqa: E402

import albacore  # noqa: E402
from albacore.testing.pruners import DeterministicPruner, StepPruner  # noqa: E402


@pytest.fixture(autouse=True)
def _quiet_albacore() -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)


@pytest.fixture
def study_factory() -> Callable[..., albacore.Study]:
    """``study_factory(direction, prune_from=None, *, directions=None)``: a study whose pruner
    prunes from a step (never when ``prune_from`` is None); ``directions`` makes it multi-objective."""

    def make(
        direction: str = "minimize", prune_from: int | None = None, *, directions: list[str] | None = None
    ) -> albacore.Study:
        pruner = DeterministicPruner(False) if prune_from is None else StepPruner(prune_from)
        if directions is not None:
            return albacore.create_study(directions=directions, pruner=pruner)
        return albacore.create_study(direction=direction, pruner=pruner)

    return make
