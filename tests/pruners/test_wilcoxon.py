"""WilcoxonPruner: paired test against the best trial on the instances both evaluated."""

from __future__ import annotations

import math

import pytest

import albacore
from albacore.pruners import WilcoxonPruner

BEST = [0.1 * i for i in range(10)]  # the best trial's loss on instances 0..9


@pytest.mark.parametrize(("direction", "sign"), [("minimize", 1.0), ("maximize", -1.0)])
def test_a_consistently_worse_trial_is_pruned_once_significant(make_study, pruned_steps, direction, sign):
    study = make_study(direction, WilcoxonPruner(p_threshold=0.1), [[sign * v for v in BEST]])
    # Worse on every instance by distinct amounts: one-sided exact p-value = 1 / 2 ** n,
    # below 0.1 from the fourth instance on; but the instances get harder, so the trial's
    # average stays below the best trial's (over all its instances) until the last one.
    worse = [sign * (v + 0.01 * (i + 1)) for i, v in enumerate(BEST)]
    assert pruned_steps(study, worse) == [9]
    flat = [sign * 0.5] * 10
    study = make_study(direction, WilcoxonPruner(p_threshold=0.1), [flat])
    assert pruned_steps(study, [sign * (0.5 + 0.01 * (i + 1)) for i in range(10)])[:2] == [3, 4]
    better = [sign * (v - 0.01 * (i + 1)) for i, v in enumerate(BEST)]
    assert pruned_steps(study, better) == []


def test_instances_can_come_in_any_order(make_study, pruned_steps):
    study = make_study("minimize", WilcoxonPruner(p_threshold=0.1), [BEST])
    order = [9, 2, 7, 0, 5]
    assert pruned_steps(study, {i: BEST[i] + 0.01 * (k + 1) for k, i in enumerate(order)}) == [0, 5]


def test_n_startup_steps_is_honoured(make_study, pruned_steps):
    study = make_study("minimize", WilcoxonPruner(p_threshold=0.9, n_startup_steps=3), [BEST])
    assert pruned_steps(study, [v + 1.0 for v in BEST[:4]])[0] == 2


def test_nothing_is_pruned_before_a_trial_completes(make_study, pruned_steps):
    study = make_study("minimize", WilcoxonPruner())
    assert pruned_steps(study, [100.0] * 10) == []


def test_nan_values_of_either_trial_stop_pruning_with_a_warning(make_study, pruned_steps):
    worse = [v + 0.01 * (i + 1) for i, v in enumerate(BEST)]
    study = make_study("minimize", WilcoxonPruner(p_threshold=0.1), [BEST])
    with pytest.warns(UserWarning, match=r"WilcoxonPruner: trial 1 reported an infinite or NaN value"):
        assert pruned_steps(study, worse[:2] + [math.nan] + worse[3:]) == []
    best = list(BEST)
    best[1] = math.inf
    study = make_study("minimize", WilcoxonPruner(p_threshold=0.1), [best])
    with pytest.warns(UserWarning, match=r"WilcoxonPruner: the best trial 0 reported an infinite or NaN value"):
        assert pruned_steps(study, worse) == []


def test_a_trial_no_worse_on_average_is_kept_even_if_significant(make_study, pruned_steps):
    # Worse on nine instances by 0.01..0.09, much better on the last: significant by rank,
    # but better on average.
    study = make_study("minimize", WilcoxonPruner(p_threshold=0.5), [BEST])
    curve = [v + 0.01 * (i + 1) for i, v in enumerate(BEST[:9])] + [BEST[9] - 5.0]
    assert pruned_steps(study, curve) == []


def test_a_best_trial_without_reports_prunes_nothing_with_a_warning(make_study, pruned_steps):
    study = make_study("minimize", WilcoxonPruner(p_threshold=0.5))
    study.add_trial(albacore.trial.create_trial(value=0.0))
    with pytest.warns(UserWarning, match=r"the best trial 0 has no intermediate values"):
        assert pruned_steps(study, [1.0, 2.0, 3.0]) == []


def test_compares_with_the_current_best_trial(make_study, pruned_steps):
    study = make_study("minimize", WilcoxonPruner(p_threshold=0.1), [[v + 1.0 for v in BEST]])
    curve = [v + 0.5 for v in BEST]
    assert pruned_steps(study, curve) == []  # better than the only completed trial
    study.add_trial(albacore.trial.create_trial(value=0.0, intermediate_values=dict(enumerate(BEST))))
    assert pruned_steps(study, curve)[0] == 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p_threshold": 1.5}, r"WilcoxonPruner: p_threshold must be <= 1.0, got p_threshold=1.5"),
        ({"p_threshold": -0.1}, r"WilcoxonPruner: p_threshold must be >= 0.0, got p_threshold=-0.1"),
        ({"n_startup_steps": -1}, r"WilcoxonPruner: n_startup_steps must be >= 0, got n_startup_steps=-1"),
    ],
)
def test_argument_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        WilcoxonPruner(**kwargs)
