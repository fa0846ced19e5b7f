"""The Parzen estimator and the good/bad split behind TPESampler."""

from __future__ import annotations

import numpy as np
import pytest

import albacore
from albacore._study_types import StudyDirection
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.samplers._tpe._history import History
from albacore.samplers._tpe._parzen import ParzenEstimator
from albacore.samplers._tpe._space import SpaceCodec
from albacore.samplers._tpe._split import greedy_hypervolume_subset, rank_below, rank_weights


@pytest.mark.parametrize("bandwidth", ["scott", "neighbor"])
def test_continuous_density_integrates_to_one(bandwidth: str) -> None:
    codec = SpaceCodec({"x": FloatDistribution(-2.0, 3.0)})
    z = np.array([[0.1], [0.15], [0.9]])
    pe = ParzenEstimator(z, np.empty((3, 0), int), np.ones(3), codec, prior_weight=1.0, bandwidth=bandwidth)
    grid = np.linspace(0, 1, 20001)[:, None]
    density = np.exp(pe.log_pdf(grid, np.empty((len(grid), 0), int), [None]))
    trapezoid = getattr(np, "trapezoid", None) or np.trapz  # trapz before numpy 2.0 (core allows 1.23)
    assert trapezoid(density, grid[:, 0]) == pytest.approx(1.0, abs=1e-3)


def test_log_pdf_matches_a_direct_mixture() -> None:
    codec = SpaceCodec({"x": FloatDistribution(0.0, 1.0), "y": FloatDistribution(0.0, 1.0)})
    z = np.array([[0.2, 0.7], [0.4, 0.1]])
    pe = ParzenEstimator(z, np.empty((2, 0), int), np.array([1.0, 3.0]), codec, prior_weight=None, bandwidth="scott")
    point = np.array([[0.3, 0.5]])
    from scipy.stats import truncnorm

    expected = 0.0
    for k, w in enumerate([0.25, 0.75]):
        term = w
        for d in range(2):
            mu, s = pe.mu[k, d], pe.sigma[k, d]
            term *= truncnorm.pdf(point[0, d], -mu / s, (1 - mu) / s, loc=mu, scale=s)
        expected += term
    assert pe.log_pdf(point, np.empty((1, 0), int), [None, None])[0] == pytest.approx(np.log(expected), rel=1e-9)


def test_discrete_and_categorical_probabilities_sum_to_one() -> None:
    space = {
        "n": IntDistribution(1, 64, log=True),
        "s": FloatDistribution(0.0, 1.0, step=0.25),
        "c": CategoricalDistribution(["a", "b", "c"]),
    }
    codec = SpaceCodec(space)
    z, cats = codec.encode({"n": np.array([2.0, 8.0]), "s": np.array([0.25, 0.5]), "c": np.array([0.0, 2.0])})
    pe = ParzenEstimator(z, cats, np.ones(2), codec, prior_weight=1.0, bandwidth="scott")
    ns, ss, cs = np.meshgrid(np.arange(1, 65), np.arange(5) * 0.25, np.arange(3), indexing="ij")
    values = np.column_stack([ns.ravel(), ss.ravel()]).astype(float)
    grid_z, _ = codec.encode({"n": values[:, 0], "s": values[:, 1], "c": cs.ravel().astype(float)})
    total = np.exp(pe.log_pdf(grid_z, cs.ravel()[:, None], codec.bin_edges(values))).sum()
    assert total == pytest.approx(1.0, abs=1e-9)


def test_samples_stay_in_the_unit_cube_and_follow_the_kernels() -> None:
    codec = SpaceCodec({"x": FloatDistribution(0.0, 1.0), "c": CategoricalDistribution(["a", "b"])})
    z = np.linspace(0.78, 0.82, 20)[:, None]
    cats = np.ones((20, 1), int)
    pe = ParzenEstimator(z, cats, np.ones(20), codec, prior_weight=1.0, bandwidth="neighbor")
    draws, drawn_cats = pe.sample(np.random.default_rng(0), 2000)
    assert draws.min() >= 0.0 and draws.max() <= 1.0
    assert abs(np.median(draws) - 0.8) < 0.05
    assert (drawn_cats[:, 0] == 1).mean() > 0.8


def test_sampling_conditioned_on_choices_draws_from_the_kernels_of_those_choices() -> None:
    codec = SpaceCodec({"x": FloatDistribution(0.0, 1.0), "c": CategoricalDistribution(["a", "b"])})
    # Observations of choice "a" sit near 0.1, those of "b" near 0.9.
    z = np.concatenate([np.linspace(0.05, 0.15, 50), np.linspace(0.85, 0.95, 50)])[:, None]
    cats = np.repeat([[0], [1]], 50, axis=0)
    pe = ParzenEstimator(z, cats, np.ones(100), codec, prior_weight=None, bandwidth="neighbor")
    rng = np.random.default_rng(0)
    for choice, side in ((1, 1.0), (0, -1.0)):
        draws, drawn = pe.sample(rng, 2000, np.array([choice]))
        assert (drawn[:, 0] == choice).all()
        assert (np.sign(draws[:, 0] - 0.5) == side).mean() > 0.9
    free, _ = pe.sample(rng, 2000)
    assert 0.4 < (free[:, 0] > 0.5).mean() < 0.6


def test_choice_counts_are_weighted_observations_plus_a_share_of_the_prior() -> None:
    codec = SpaceCodec({"c": CategoricalDistribution(["a", "b", "c"])})
    cats = np.array([[0], [0], [2]])
    pe = ParzenEstimator(np.empty((3, 0)), cats, np.array([2.0, 2.0, 2.0]), codec, prior_weight=1.5, bandwidth="scott")
    assert pe.choice_counts(0) == pytest.approx([2.5, 0.5, 1.5])
    weighted = ParzenEstimator(np.empty((3, 0)), cats, np.array([1.0, 2.0, 3.0]), codec, prior_weight=None,
                               bandwidth="scott")
    assert weighted.choice_counts(0) == pytest.approx([1.5, 0.0, 1.5])  # weights are scaled to average one


def test_codec_snaps_to_the_grid_and_round_trips() -> None:
    space = {"n": IntDistribution(0, 10, step=2), "f": FloatDistribution(1e-3, 1.0, log=True)}
    codec = SpaceCodec(space)
    values, snapped = codec.snap(np.array([[0.0, 0.0], [0.42, 0.5], [1.0, 1.0]]))
    assert values[:, 0].tolist() == [0.0, 4.0, 10.0]
    assert values[0, 1] == pytest.approx(1e-3) and values[2, 1] == pytest.approx(1.0)
    assert codec.to_params(values[1], np.empty(0, int)) == {"n": 4, "f": pytest.approx(10 ** -1.5)}


def _history(values, states=None, directions=("minimize",)):
    study = albacore.create_study(directions=list(directions))
    dist = {"x": FloatDistribution(0.0, 1.0)}
    for i, v in enumerate(values):
        state = (states or {}).get(i, albacore.trial.TrialState.COMPLETE)
        kwargs = {"values": v} if isinstance(v, (list, tuple)) else {"value": v}
        if state != albacore.trial.TrialState.COMPLETE:
            kwargs = {"intermediate_values": {i: float(v)}}
        study.add_trial(albacore.trial.create_trial(state=state, params={"x": 0.5}, distributions=dist, **kwargs))
    history = History(len(directions))
    history.update(study)
    return history.snapshot()


def test_split_orders_complete_then_pruned_by_progress() -> None:
    pruned = albacore.trial.TrialState.PRUNED
    snap = _history([5.0, 1.0, 3.0, 0.0, 0.5], states={3: pruned, 4: pruned})
    rows = np.arange(snap.n)
    directions = [StudyDirection.MINIMIZE]
    by_number = lambda rows: sorted(snap.numbers[rows].tolist())  # noqa: E731
    assert by_number(rank_below(snap, directions, 2, rows)) == [1, 2]
    # Pruned trial 4 got further (step 4) than trial 3 (step 3): it comes first.
    assert by_number(rank_below(snap, directions, 4, rows)) == [0, 1, 2, 4]
    assert by_number(rank_below(snap, [StudyDirection.MAXIMIZE], 1, rows)) == [0]


def test_ties_rank_by_trial_number_whatever_order_the_cache_saw_the_trials() -> None:
    # Accuracy on a small validation set ties often; workers whose caches saw trials finish in
    # a different order must still split the history alike.
    pruned = albacore.trial.TrialState.PRUNED
    values = [1.0, 0.0, 1.0, 0.0, 1.0, 2.0, 2.0]
    study = albacore.create_study()
    dist = {"x": FloatDistribution(0.0, 1.0)}
    at_once, one_by_one = History(1), History(1)
    for i, v in enumerate(values):
        state = pruned if i >= 5 else albacore.trial.TrialState.COMPLETE
        kwargs = {"intermediate_values": {3: v}} if state == pruned else {"value": v}
        study.add_trial(albacore.trial.create_trial(state=state, params={"x": 0.5}, distributions=dist, **kwargs))
        one_by_one.update(study)
    at_once.update(study)
    rankings = []
    for history in (at_once, one_by_one):
        snap = history.snapshot()
        rankings.append(snap.numbers[rank_below(snap, [StudyDirection.MINIMIZE], 7, np.arange(snap.n))].tolist())
    assert at_once.snapshot().numbers.tolist() != one_by_one.snapshot().numbers.tolist()  # rows differ
    assert rankings == [[1, 3, 0, 2, 4, 5, 6]] * 2


def test_good_trials_come_best_first_and_are_weighted_by_rank() -> None:
    snap = _history([5.0, 1.0, 3.0, 0.0, 2.0])
    ranked = rank_below(snap, [StudyDirection.MINIMIZE], 3, np.arange(snap.n))
    assert snap.numbers[ranked].tolist() == [3, 1, 4]
    assert snap.numbers[rank_below(snap, [StudyDirection.MAXIMIZE], 2, np.arange(snap.n))].tolist() == [0, 2]
    assert rank_below(snap, [StudyDirection.MINIMIZE], 0, np.arange(snap.n)).size == 0
    weights = rank_weights(np.arange(4), 4)
    assert weights[0] == 1.0 and np.all(np.diff(weights) < 0) and weights[-1] == pytest.approx(0.625)


def test_multi_objective_split_takes_fronts_then_hypervolume() -> None:
    values = [(0.0, 1.0), (1.0, 0.0), (0.5, 0.5), (0.9, 0.9), (0.2, 0.95), (2.0, 2.0)]
    snap = _history(values, directions=("minimize", "minimize"))
    below = rank_below(snap, [StudyDirection.MINIMIZE] * 2, 3, np.arange(snap.n))
    chosen = sorted(snap.numbers[below].tolist())
    # Four points form the first front; the three extremes and the middle give the most volume.
    assert len(chosen) == 3 and 5 not in chosen and 3 not in chosen


def test_greedy_hypervolume_subset_prefers_spread() -> None:
    points = np.array([[0.0, 1.0], [0.01, 0.99], [0.5, 0.5], [1.0, 0.0]])
    picked = set(greedy_hypervolume_subset(points, 3).tolist())
    assert len(picked) == 3 and {2, 3} <= picked and not {0, 1} <= picked
