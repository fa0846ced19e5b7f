"""Helpers building studies with known learning curves for the pruner tests."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Callable

import pytest

import albacore
from albacore.pruners import BasePruner
from albacore.trial import create_trial

Curve = Sequence[float] | Mapping[int, float]


def _as_steps(curve: Curve) -> dict[int, float]:
    return dict(curve) if isinstance(curve, Mapping) else dict(enumerate(curve))


@pytest.fixture
def make_study() -> Callable[..., albacore.Study]:
    """``make_study(direction, pruner, curves)``: a study holding one COMPLETE trial per curve.

    A curve is a list (steps 0, 1, ...) or a dict step -> value; the trial's value is its
    last non-NaN value.
    """

    def build(direction: str, pruner: BasePruner, curves: Sequence[Curve] = ()) -> albacore.Study:
        study = albacore.create_study(
            direction=direction, pruner=pruner, sampler=albacore.samplers.RandomSampler(seed=0)
        )
        for curve in curves:
            steps = _as_steps(curve)
            finite = [v for _, v in sorted(steps.items()) if not math.isnan(v)]
            study.add_trial(create_trial(value=finite[-1], intermediate_values=steps))
        return study

    return build


@pytest.fixture
def pruned_steps() -> Callable[[albacore.Study, Curve], list[int]]:
    """``pruned_steps(study, curve)``: report the curve in a new trial, step by step.

    Returns the steps at which ``should_prune()`` said True (the trial reports the whole
    curve regardless and is left RUNNING).
    """

    def run(study: albacore.Study, curve: Curve) -> list[int]:
        trial = study.ask()
        steps = []
        for step, value in _as_steps(curve).items():
            trial.report(value, step)
            if trial.should_prune():
                steps.append(step)
        return steps

    return run


@pytest.fixture
def first_pruned_step() -> Callable[[albacore.Study, Curve], int | None]:
    """``first_pruned_step(study, curve)``: run the curve as a trial that stops when pruned.

    The trial is told PRUNED at the first step the pruner says so (returned), COMPLETE
    otherwise (returns None).
    """

    def run(study: albacore.Study, curve: Curve) -> int | None:
        trial = study.ask()
        steps = _as_steps(curve)
        for step, value in steps.items():
            trial.report(value, step)
            if trial.should_prune():
                study.tell(trial, state=albacore.trial.TrialState.PRUNED)
                return step
        study.tell(trial, steps[max(steps)])
        return None

    return run
