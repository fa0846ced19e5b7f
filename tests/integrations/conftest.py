"""Shared fixtures of the integration tests.

Keras is tested on the torch backend, chosen here before any test module imports Keras.
"""

from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "torch"

from typing import Callable  # noqa: E402

import pytest  # noqa: E402

import albacore  # noqa: E402
from albacore.pruners import BasePruner  # noqa: E402
from albacore.trial import FrozenTrial  # noqa: E402


class PruneFromStep(BasePruner):
    """Prunes as soon as a trial has reported a value at a step >= ``step``."""

    def __init__(self, step: int) -> None:
        self.step = step

    def prune(self, study: albacore.Study, trial: FrozenTrial) -> bool:
        last = trial.last_step
        return last is not None and last >= self.step


class NeverPrune(BasePruner):
    """Never prunes (the reporting path still runs)."""

    def prune(self, study: albacore.Study, trial: FrozenTrial) -> bool:
        return False


@pytest.fixture(autouse=True)
def _quiet_albacore() -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)


@pytest.fixture
def study_factory() -> Callable[..., albacore.Study]:
    """``study_factory(direction, prune_from=None)``: a study whose pruner prunes from a step."""

    def make(direction: str = "minimize", prune_from: int | None = None) -> albacore.Study:
        pruner = NeverPrune() if prune_from is None else PruneFromStep(prune_from)
        return albacore.create_study(direction=direction, pruner=pruner)

    return make
