"""Improvement and error evaluators on their own."""

from __future__ import annotations

import math

import numpy as np
import pytest

import albacore
from albacore import StudyDirection
from albacore.distributions import FloatDistribution
from albacore.terminator import (
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    EMMREvaluator,
    MedianErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
)
from albacore.trial import TrialState, create_trial

MIN = StudyDirection.MINIMIZE
MAX = StudyDirection.MAXIMIZE


def _trials(values, xs=None) -> list:
    xs = np.linspace(-1, 1, len(values)) if xs is None else xs
    return [create_trial(params={"x": float(x)}, distributions={"x": FloatDistribution(-1, 1)}, value=float(v))
            for x, v in zip(xs, values)]


def test_regret_bound_shrinks_as_the_study_converges() -> None:
    rng = np.random.default_rng(0)
    spread = rng.uniform(-1, 1, size=10)
    near = rng.normal(0.3, 0.01, size=60)
    f = lambda x: 0.3 * x - np.cos(6 * (x - 0.3))  # noqa: E731
    fresh = RegretBoundEvaluator(seed=0).evaluate(_trials(f(spread), spread), MIN)
    converged = RegretBoundEvaluator(seed=0).evaluate(_trials(f(np.r_[spread, near]), np.r_[spread, near]), MIN)
    assert 0.0 <= converged < 0.1 * fresh


def test_regret_bound_is_in_the_objectives_units_and_direction_free() -> None:
    rng = np.random.default_rng(1)
    xs = rng.uniform(-1, 1, size=25)
    values = np.sin(3 * xs)
    low = RegretBoundEvaluator(seed=0).evaluate(_trials(values, xs), MIN)
    scaled = RegretBoundEvaluator(seed=0).evaluate(_trials(10 * values, xs), MIN)
    assert scaled == pytest.approx(10 * low, rel=1e-3)
    assert RegretBoundEvaluator(seed=0).evaluate(_trials(-values, xs), MAX) == pytest.approx(low, rel=1e-6)


def test_regret_bound_errors() -> None:
    failed = [create_trial(state=TrialState.FAIL)]
    with pytest.raises(ValueError, match="no COMPLETE trial among the 1 given"):
        RegretBoundEvaluator().evaluate(failed, MIN)
    no_params = [create_trial(value=1.0), create_trial(value=2.0)]
    with pytest.raises(ValueError, match="share no varying parameter"):
        RegretBoundEvaluator().evaluate(no_params, MIN)
    with pytest.raises(ValueError, match="top_trials_ratio must be in"):
        RegretBoundEvaluator(top_trials_ratio=0.0)
    with pytest.raises(ValueError, match="min_n_trials must be an int >= 1, got min_n_trials=0"):
        RegretBoundEvaluator(min_n_trials=0)


def test_regret_bound_ignores_unfinished_trials() -> None:
    trials = _trials(np.arange(22.0))
    with_others = trials + [create_trial(state=TrialState.FAIL), create_trial(state=TrialState.PRUNED)]
    assert RegretBoundEvaluator(seed=3).evaluate(with_others, MIN) == pytest.approx(
        RegretBoundEvaluator(seed=3).evaluate(trials, MIN))


def test_best_value_stagnation() -> None:
    values = [5.0, 3.0, 4.0, 4.0, 2.0, 6.0, 7.0]
    evaluator = BestValueStagnationEvaluator(max_stagnation_trials=3)
    assert evaluator.evaluate(_trials(values), MIN) == 3 - 2  # best at index 4 of 7
    assert evaluator.evaluate(_trials(values), MAX) == 3 - 0  # best (7) is the last
    assert evaluator.evaluate(_trials([1.0] * 6), MIN) == 3 - 5  # ties do not count as improvement
    with pytest.raises(ValueError, match="max_stagnation_trials must be an int >= 0, got max_stagnation_trials=-1"):
        BestValueStagnationEvaluator(-1)


def test_emmr_before_and_after_min_n_trials() -> None:
    evaluator = EMMREvaluator(min_n_trials=5, seed=0)
    assert evaluator.evaluate(_trials([1.0, 2.0, 3.0]), MIN) >= 1e300
    rng = np.random.default_rng(0)
    xs = rng.uniform(-1, 1, size=20)
    value = evaluator.evaluate(_trials(xs**2, xs), MIN)
    assert math.isfinite(value) and value < 1e3
    with pytest.raises(ValueError, match=r"delta must be in \(0, 1\), got delta=0"):
        EMMREvaluator(delta=0)
    with pytest.raises(ValueError, match="min_n_trials must be an int >= 2, got min_n_trials=1"):
        EMMREvaluator(min_n_trials=1)


def test_emmr_is_large_while_a_new_best_keeps_moving_the_model() -> None:
    # Same 25 first trials; the last one is either far better than all others or unremarkable.
    rng = np.random.default_rng(2)
    xs = rng.uniform(-1, 1, size=25)
    values = np.cos(4 * xs)
    surprise = EMMREvaluator(seed=0).evaluate(_trials(np.r_[values, -5.0], np.r_[xs, 0.9]), MIN)
    boring = EMMREvaluator(seed=0).evaluate(_trials(np.r_[values, np.cos(4 * 0.9)], np.r_[xs, 0.9]), MIN)
    assert surprise > boring


def test_emmr_without_parameters_never_stops() -> None:
    evaluator = EMMREvaluator()
    with pytest.warns(UserWarning, match="share no varying parameter; the study will not be stopped"):
        assert evaluator.evaluate([create_trial(value=1.0), create_trial(value=2.0)], MIN) >= 1e300


class _Counting(BaseImprovementEvaluator):
    def __init__(self) -> None:
        self.calls: list[int] = []

    def evaluate(self, trials, study_direction) -> float:
        self.calls.append(len(trials))
        return float(len(trials))


def test_median_error_threshold() -> None:
    paired = _Counting()
    evaluator = MedianErrorEvaluator(paired, warm_up_trials=2, n_initial_trials=5, threshold_ratio=0.5)
    assert evaluator.evaluate(_trials(np.arange(6.0)), MIN) < 0  # 6 < 2 + 5: do not stop
    trials = _trials(np.arange(10.0))
    # Criteria on the prefixes of trials 2.. of lengths 1..5: median 3, times 0.5.
    assert evaluator.evaluate(trials, MIN) == pytest.approx(1.5)
    assert paired.calls == [1, 2, 3, 4, 5]
    assert evaluator.evaluate(trials + _trials([0.0]), MIN) == pytest.approx(1.5)
    assert paired.calls == [1, 2, 3, 4, 5]  # fixed once computed


def test_median_error_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError, match="paired_improvement_evaluator must be a BaseImprovementEvaluator"):
        MedianErrorEvaluator(StaticErrorEvaluator(1.0))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="warm_up_trials must be an int >= 0, got warm_up_trials=-1"):
        MedianErrorEvaluator(_Counting(), warm_up_trials=-1)
    with pytest.raises(ValueError, match="n_initial_trials must be an int >= 1, got n_initial_trials=0"):
        MedianErrorEvaluator(_Counting(), n_initial_trials=0)
    with pytest.raises(ValueError, match="threshold_ratio must be a positive finite number, got threshold_ratio=0.0"):
        MedianErrorEvaluator(_Counting(), threshold_ratio=0.0)


def test_static_error() -> None:
    assert StaticErrorEvaluator(0.25).evaluate([], MIN) == 0.25
    with pytest.raises(ValueError, match="constant must be a number, got constant=nan"):
        StaticErrorEvaluator(float("nan"))


def test_evaluators_see_the_trials_of_a_real_study() -> None:
    study = albacore.create_study(sampler=albacore.samplers.RandomSampler(seed=0))
    study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_int("k", 0, 3), n_trials=25)
    trials = study.get_trials(deepcopy=False)
    assert RegretBoundEvaluator(seed=0).evaluate(trials, study.direction) > 0.0
    assert math.isfinite(EMMREvaluator(seed=0).evaluate(trials, study.direction))


def test_update_kl_by_hand() -> None:
    from albacore.terminator._emmr import update_kl

    # var 1, noise 1, residual 2: the update moves N(0, 1) to N(1, 1/2), and
    # KL(N(1, 1/2) || N(0, 1)) = (1/2 - 1 + 1 + log 2) / 2.
    assert update_kl(1.0, 1.0, 2.0) == pytest.approx(0.5 * (0.5 + math.log(2.0)), rel=1e-12)
    # An observation that lands on the prediction still narrows it: (log 5 - 4/5) / 2.
    assert update_kl(4.0, 1.0, 0.0) == pytest.approx(0.5 * (math.log(5.0) - 0.8), rel=1e-12)
    assert update_kl(1e-9, 1.0, 3.0) == pytest.approx(0.0, abs=1e-8)  # nothing left to learn there


def _joint_posterior(gp, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of a GP's latent function at points q, by plain dense solves."""
    from albacore.samplers._gp._kernel import Features, cross_r2, matern52

    train, query = Features(gp.space, gp.x), Features(gp.space, q)
    k_tt = gp.signal * matern52(cross_r2(train, train, gp._w, exact=True))[0] + gp.noise * np.eye(len(gp.x))
    k_qt = gp.signal * matern52(cross_r2(query, train, gp._w, exact=True))[0]
    k_qq = gp.signal * matern52(cross_r2(query, query, gp._w, exact=True))[0]
    return k_qt @ np.linalg.solve(k_tt, gp.y), k_qq - k_qt @ np.linalg.solve(k_tt, k_qt.T)


def test_emmr_kl_is_the_divergence_of_the_posteriors_before_and_after_the_last_trial() -> None:
    # The KL term, from the closed form, equals the Gaussian KL divergence between the
    # posteriors (old hyperparameters) over all trial points, computed without it.
    from albacore.terminator import _gp

    rng = np.random.default_rng(5)
    xs = rng.uniform(-1, 1, size=12)
    trials = _trials(np.sin(3 * xs) + 0.2 * rng.normal(size=12), xs)
    terms = EMMREvaluator(seed=0)._terms(trials, MIN)
    encoded = _gp.encode_trials(trials, MIN)
    y, _, _ = _gp.standardize(encoded.y)
    before = _gp.fit(encoded.space, encoded.x[:-1], y[:-1], False)
    after = _gp.GaussianProcess(encoded.space, encoded.x, y, before.theta)
    mean_b, cov_b = _joint_posterior(before, encoded.x)
    mean_a, cov_a = _joint_posterior(after, encoded.x)
    diff = mean_b - mean_a
    kl = 0.5 * (np.trace(np.linalg.solve(cov_b, cov_a)) - len(diff) + diff @ np.linalg.solve(cov_b, diff)
                + np.linalg.slogdet(cov_b)[1] - np.linalg.slogdet(cov_a)[1])
    assert terms is not None and terms.kl > 0.01
    assert terms.kl == pytest.approx(kl, rel=1e-4)
    expected = terms.delta_mu + terms.gap + terms.kappa * math.sqrt(terms.kl / 2)
    assert EMMREvaluator(seed=0).evaluate(trials, MIN) == pytest.approx(expected, rel=1e-9)
