"""Runs the pruner contract kit (albacore.testing.pruners) against every pruner albacore ships.

Every pruner exported by ``albacore.pruners`` has a class here, configured so that the kit's
trials get pruned; a pruner's variant of the contract is declared with the kit's class
attributes (see :class:`albacore.testing.pruners.PrunerContract`).
"""

from __future__ import annotations

import inspect

import pytest

import albacore.pruners
from albacore.pruners import (
    HyperbandPruner,
    MedianPruner,
    NopPruner,
    ParetoPruner,
    PatientPruner,
    PercentilePruner,
    SuccessiveHalvingPruner,
    ThresholdPruner,
    WilcoxonPruner,
)
from albacore.testing.pruners import N_STEPS, PrunerContract


class TestMedianPruner(PrunerContract):
    @pytest.fixture
    def pruner_factory(self):
        return lambda: MedianPruner(n_startup_trials=2, n_warmup_steps=1)


class TestPercentilePruner(PrunerContract):
    @pytest.fixture
    def pruner_factory(self):
        return lambda: PercentilePruner(25.0, n_startup_trials=2, interval_steps=2)


class TestNopPruner(PrunerContract):
    prunes = False

    @pytest.fixture
    def pruner_factory(self):
        return NopPruner


class TestParetoPruner(PrunerContract):
    @pytest.fixture
    def pruner_factory(self):
        return lambda: ParetoPruner(n_startup_trials=2, n_warmup_steps=1)


class TestPatientPruner(PrunerContract):
    # The kit's curves improve at every step, so the window is never worse than the earlier
    # best and the wrapped pruner is never asked (the decisions of Optuna's PatientPruner).
    prunes = False

    @pytest.fixture
    def pruner_factory(self):
        return lambda: PatientPruner(MedianPruner(n_startup_trials=2), patience=1, min_delta=0.5)


class TestPatientPrunerAlone(PrunerContract):
    # Without a wrapped pruner it never prunes: the kit's curves improve at every step.
    prunes = False

    @pytest.fixture
    def pruner_factory(self):
        return lambda: PatientPruner(None, patience=2)


class TestSuccessiveHalvingPruner(PrunerContract):
    @pytest.fixture
    def pruner_factory(self):
        return lambda: SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)


class TestHyperbandPruner(PrunerContract):
    @pytest.fixture
    def pruner_factory(self):
        return lambda: HyperbandPruner(min_resource=1, max_resource=N_STEPS - 1, reduction_factor=2)


class TestHyperbandPrunerAutoMaxResource(PrunerContract):
    @pytest.fixture
    def pruner_factory(self):
        return lambda: HyperbandPruner(min_resource=1, reduction_factor=2)


class TestThresholdPruner(PrunerContract):
    follows_direction = False  # thresholds are absolute values

    @pytest.fixture
    def pruner_factory(self):
        return lambda: ThresholdPruner(upper=9.0)


class TestWilcoxonPruner(PrunerContract):
    @pytest.fixture
    def pruner_factory(self):
        return lambda: WilcoxonPruner(p_threshold=0.1, n_startup_steps=2)


def test_every_public_pruner_runs_the_contract():
    # albacore.testing's DeterministicPruner and StepPruner break the contract on purpose.
    classes = [name for name in globals() if name.startswith("Test")]
    public = [
        name
        for name in albacore.pruners.__all__
        if inspect.isclass(getattr(albacore.pruners, name))
        and issubclass(getattr(albacore.pruners, name), albacore.pruners.BasePruner)
        and not inspect.isabstract(getattr(albacore.pruners, name))
    ]
    missing = [name for name in public if not any(c.startswith(f"Test{name}") for c in classes)]
    assert not missing, f"pruners without a contract class: {missing}"
