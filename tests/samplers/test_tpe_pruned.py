"""How TPESampler learns from PRUNED trials: their rank in the good/bad split and their
weight in both models (the share of a full run they trained)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import albacore
from albacore._study_types import StudyDirection
from albacore.distributions import FloatDistribution
from albacore.samplers import TPESampler
from albacore.samplers._tpe._history import History
from albacore.samplers._tpe._split import rank_below, training_share
from albacore.trial import TrialState, create_trial

DIST = {"x": FloatDistribution(-5.0, 5.0)}


def _complete(x: float, value: float, last_step: int | None = None) -> albacore.trial.FrozenTrial:
    steps = {} if last_step is None else {s: value for s in range(last_step + 1)}
    return create_trial(value=value, params={"x": x}, distributions=DIST, intermediate_values=steps)


def _pruned(x: float, steps: dict[int, float]) -> albacore.trial.FrozenTrial:
    return create_trial(state=TrialState.PRUNED, params={"x": x}, distributions=DIST, intermediate_values=steps)


def _snapshot(trials: list) -> object:
    study = albacore.create_study()
    for trial in trials:
        study.add_trial(trial)
    history = History(1)
    history.update(study)
    return history.snapshot()


def _curve(steps) -> dict[int, float]:
    return {s: 2.0 for s in steps}


def test_training_share_is_the_fraction_of_the_median_complete_run() -> None:
    snap = _snapshot([
        _complete(0.0, 1.0, last_step=9),
        _complete(0.0, 1.0, last_step=9),
        _complete(0.0, 1.0, last_step=19),  # the median full run reports 10 values
        _pruned(0.0, _curve(range(1))),
        _pruned(0.0, _curve(range(5))),
        _pruned(0.0, _curve(range(10))),
        _pruned(0.0, _curve(range(15))),
        _pruned(0.0, {}),
        _pruned(0.0, {0: 2.0, 1: math.nan}),  # NaN reports are training too
        _pruned(0.0, _curve([10, 20, 30])),  # what counts is how many reports, not the steps
    ])
    rows = np.argsort(snap.numbers)  # rows of trials 0, 1, ...
    share = training_share(snap, rows)
    assert share.tolist() == pytest.approx([1.0, 1.0, 1.0, 0.1, 0.5, 1.0, 1.0, 0.1, 0.2, 0.3])
    # Any subset of rows gets the same shares (the full run is a property of the study).
    assert training_share(snap, rows[[4, 0]]).tolist() == pytest.approx([0.5, 1.0])


def test_training_share_without_complete_reports_uses_the_most_reports() -> None:
    snap = _snapshot([_complete(0.0, 1.0), _pruned(0.0, _curve(range(2))), _pruned(0.0, _curve(range(4)))])
    assert training_share(snap, np.argsort(snap.numbers)).tolist() == pytest.approx([1.0, 0.5, 1.0])


def test_training_share_is_one_when_nothing_was_reported() -> None:
    snap = _snapshot([_complete(0.0, 1.0), _pruned(0.0, {}), _complete(1.0, 2.0)])
    assert training_share(snap, np.arange(snap.n)).tolist() == [1.0, 1.0, 1.0]


def test_split_ranks_pruned_by_progress_and_nan_endings_last() -> None:
    snap = _snapshot([
        _complete(0.0, 5.0, last_step=9),
        _pruned(0.0, {0: 0.5, 7: math.nan}),  # got far, but its last report is NaN
        _pruned(0.0, {0: 0.1}),
        _pruned(0.0, {0: 3.0, 2: 0.9}),
        _pruned(0.0, {0: 3.0, 2: 0.7}),
    ])
    rows = np.arange(snap.n)
    for n_below, expected in ((1, [0]), (2, [0, 4]), (3, [0, 3, 4]), (4, [0, 2, 3, 4]), (5, [0, 1, 2, 3, 4])):
        below = rank_below(snap, [StudyDirection.MINIMIZE], n_below, rows)
        assert sorted(snap.numbers[below].tolist()) == expected, n_below
    # Maximizing flips the order of values at the same step, not the order of steps.
    below = rank_below(snap, [StudyDirection.MAXIMIZE], 2, rows)
    assert sorted(snap.numbers[below].tolist()) == [0, 3]


def _asked_x(study: albacore.Study, sampler: TPESampler, n: int) -> list[float]:
    xs = []
    for _ in range(n):
        trial = study.ask()
        xs.append(trial.suggest_float("x", -5.0, 5.0))
        study.tell(trial, state=TrialState.FAIL)  # FAIL trials do not enter the model
    return xs


def test_pruned_trials_that_got_further_are_the_good_ones() -> None:
    # No trial completed. Trials near x=4 got to step 5; those near x=-4 were pruned at
    # step 0 with smaller (better, minimizing) values: the far ones are the good group.
    sampler = TPESampler(seed=0, n_startup_trials=5, gamma=lambda n: 6)
    study = albacore.create_study(sampler=sampler)
    for i in range(6):
        study.add_trial(_pruned(4.0 + 0.05 * i, {0: 10.0, 5: 1.0 + 0.01 * i}))
    for i in range(12):
        study.add_trial(_pruned(-4.0 + 0.05 * i, {0: 0.1 * i}))
    new = _asked_x(study, sampler, 10)
    assert np.median(new) > 2.0, new


@pytest.mark.parametrize("multivariate", [True, False])
@pytest.mark.parametrize("cheap_side", [1.0, -1.0])
def test_regions_of_cheap_failures_are_preferred_to_regions_of_costly_ones(
    multivariate: bool, cheap_side: float
) -> None:
    # Mirror-image history: equally good complete trials at x=-2 and x=+2, mediocre ones
    # at the ends and in the middle, and ten pruned trials spread around each good pair.
    # On the cheap side they stopped after 1 of 20 steps, on the other after 20. Counted
    # alike (one trial, one unit of evidence) the sides would tie; counted by the training
    # they used, the cheap side's failures say less, so TPE searches there.
    sampler = TPESampler(seed=1, n_startup_trials=5, multivariate=multivariate, gamma=lambda n: 4)
    study = albacore.create_study(sampler=sampler)
    for x in (-4.6, -0.3, 0.3, 4.6):
        study.add_trial(_complete(x, 1.0, last_step=19))
    for side in (-1.0, 1.0):
        for dx in (-0.1, 0.1):
            study.add_trial(_complete(side * 2.0 + dx, 0.0, last_step=19))
        reported = _curve(range(1 if side == cheap_side else 20))
        for i in range(10):
            study.add_trial(_pruned(side * 2.0 + 0.25 * (i - 4.5), reported))
    new = np.array(_asked_x(study, sampler, 40))
    assert np.mean(np.sign(new) == cheap_side) >= 0.8, new


@pytest.mark.parametrize("multivariate", [True, False])
@pytest.mark.parametrize("finished_side", [1.0, -1.0])
def test_good_trials_that_finished_count_more_than_good_ones_stopped_early(
    multivariate: bool, finished_side: float
) -> None:
    # Mirror-image history where only two trials finished (x=+-2 on one side), so the good
    # group is filled with the two pruned trials that got furthest (10 of 20 steps, on the
    # other side); the bad group, trials pruned after 5 steps, is the same on both sides.
    # Counted alike the sides would tie; a trial that ran half of the way says less about a
    # full run, so TPE searches near the finished ones.
    sampler = TPESampler(seed=2, n_startup_trials=5, multivariate=multivariate, gamma=lambda n: 4)
    study = albacore.create_study(sampler=sampler)
    for side in (-1.0, 1.0):
        for dx in (-0.1, 0.1):
            if side == finished_side:
                study.add_trial(_complete(side * 2.0 + dx, 0.0, last_step=19))
            else:
                study.add_trial(_pruned(side * 2.0 + dx, _curve(range(10))))
        for i in range(10):
            study.add_trial(_pruned(side * 2.0 + 0.25 * (i - 4.5), _curve(range(5))))
    for x in (-4.6, 0.0, 4.6):
        study.add_trial(_pruned(x, _curve(range(5))))
    new = np.array(_asked_x(study, sampler, 40))
    assert np.mean(np.sign(new) == finished_side) >= 0.8, new
