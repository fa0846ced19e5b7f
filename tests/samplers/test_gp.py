"""GPSampler: the sampler contract, the GP model, the acquisition and its maximization."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.samplers import GPSampler, RandomSampler
from albacore.samplers._gp._acquisition import Acquisition, box_decomposition, log_h
from albacore.samplers._gp._kernel import Features, sq_dist_stack
from albacore.samplers._gp._model import GaussianProcess, _neg_log_posterior, default_theta, fit_theta
from albacore.samplers._gp._optim import Branch, maximize
from albacore.samplers._gp._sampler import _warp, _yeo_johnson
from albacore.samplers._gp._space import EncodedSpace
from albacore.testing.samplers import SamplerContract

albacore.logging.set_verbosity(albacore.logging.WARNING)


class TestGPContract(SamplerContract):
    n_trials = 8  # 4 start-up trials, then the GP

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: GPSampler(seed=seed, n_startup_trials=4, warn_independent_sampling=False)


_SPACE_1D = EncodedSpace({"x": FloatDistribution(0.0, 1.0)})


def test_gp_fits_a_known_1d_function():
    x = np.linspace(0, 1, 12)[:, None]
    f = np.sin(6 * x[:, 0])
    y = (f - f.mean()) / f.std()
    theta = fit_theta(_SPACE_1D, x, y, default_theta(1), deterministic=True, maxiter=200)
    gp = GaussianProcess(_SPACE_1D, x, y, theta, deterministic=True)
    grid = np.linspace(0.02, 0.98, 50)[:, None]
    mean, var = gp.posterior(grid)
    truth = (np.sin(6 * grid[:, 0]) - f.mean()) / f.std()
    assert np.max(np.abs(mean - truth)) < 0.05
    # Interpolates the data (noise-free); uncertain far from it.
    mean_at_x, var_at_x = gp.posterior(x)
    np.testing.assert_allclose(mean_at_x, y, atol=1e-3)
    _, var_far = gp.posterior(np.array([[3.0]]))
    assert var_at_x.max() < 1e-3 < 0.1 < float(var_far[0])


def test_acquisition_maximizer_is_found():
    """The optimizer returns the maximizer of log EI, checked on a dense grid."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (8, 1))
    y = np.cos(9 * x[:, 0]) + x[:, 0]
    y = (y - y.mean()) / y.std()
    gp = GaussianProcess(_SPACE_1D, x, y, fit_theta(_SPACE_1D, x, y, default_theta(1), True, 200), True)
    acq = Acquisition([gp], float(y.min()))
    best = maximize(acq, _SPACE_1D, np.random.default_rng(1), [Branch(np.full(1, 0.5), [None])],
                    x[np.argsort(y)[:3]], np.zeros(3, dtype=int))
    grid = np.linspace(0, 1, 20001)[:, None]
    values = acq(grid)
    found = float(acq(best[None, :])[0])
    assert found >= values.max() - 1e-6
    assert abs(best[0] - grid[values.argmax(), 0]) < 1e-3


def _mixed_conditional_data(rng, n=30):
    space = EncodedSpace(
        {"a": FloatDistribution(0, 1), "c": CategoricalDistribution(["x", "y", "z"]), "n": IntDistribution(0, 10),
         "u": FloatDistribution(0, 1)},
        conditional=["u"],
    )
    rows = []
    for i in range(n):
        params = {"a": rng.uniform(), "c": ["x", "y", "z"][i % 3], "n": int(rng.integers(11))}
        if i % 2:
            params["u"] = rng.uniform()
        rows.append(space.encode(params))
    return space, np.array(rows)


def test_hyperparameter_gradient_matches_finite_differences():
    from scipy.optimize import approx_fprime

    rng = np.random.default_rng(0)
    space, x = _mixed_conditional_data(rng)
    y = rng.normal(size=len(x))
    stack = sq_dist_stack(Features(space, x))
    theta = default_theta(space.dim) + rng.normal(size=space.dim + 2) * 0.3
    value, grad = _neg_log_posterior(theta, stack, y, False)
    numeric = approx_fprime(theta, lambda t: _neg_log_posterior(t, stack, y, False)[0], 1e-6)
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kind", ["ei", "constrained", "ehvi"])
def test_acquisition_gradient_matches_finite_differences(kind):
    rng = np.random.default_rng(1)
    space, x = _mixed_conditional_data(rng)
    y = rng.normal(size=len(x))
    y2 = -y + 0.3 * x[:, 0]
    theta = fit_theta(space, x, y, default_theta(space.dim), False)
    gp, gp2 = GaussianProcess(space, x, y, theta), GaussianProcess(space, x, y2, theta)
    acq = {
        "ei": lambda: Acquisition([gp], float(y.min())),
        "constrained": lambda: Acquisition([gp], float(y.min()), constraints=[(gp2, 0.1)]),
        "ehvi": lambda: Acquisition(
            [gp, gp2], None, boxes=box_decomposition(np.stack([y, y2], 1), np.array([3.0, 3.0]))
        ),
    }[kind]()
    q = x[:6].copy()
    q[:, 0] = np.clip(q[:, 0] + 0.01, 0, 1)
    value, grad = acq.value_and_grad(q)
    np.testing.assert_allclose(value, acq(q), rtol=1e-10)
    for j in (0, 2, 3):  # a, n (relaxed), and the conditional u (absent in even rows: zero gradient)
        e = np.zeros_like(q)
        e[:, j] = 1e-6
        numeric = (acq(np.where(np.isnan(q), np.nan, q + e)) - acq(np.where(np.isnan(q), np.nan, q - e))) / 2e-6
        numeric = np.where(np.isnan(q[:, j]), 0.0, numeric)
        np.testing.assert_allclose(grad[:, j], numeric, rtol=1e-4, atol=1e-6)
    assert np.all(grad[:, 1] == 0.0)  # categorical coordinates are searched discretely


def test_log_h_is_accurate_and_finite():
    from scipy.stats import norm

    z = np.array([-1e4, -200.0, -30.0 - 1e-9, -30.0 + 1e-9, -5.0, -1.0, 0.0, 1.0, 5.0])
    got, r_cdf, r_pdf = log_h(z)
    assert np.all(np.isfinite(got)) and np.all(np.diff(got) > 0)
    expected = np.log(z[4:] * norm.cdf(z[4:]) + norm.pdf(z[4:]))
    np.testing.assert_allclose(got[4:], expected, rtol=1e-8)
    assert got[2] == pytest.approx(got[3], rel=1e-9)  # continuous where the tail series takes over
    # Asymptote far in the tail: log h(z) ~ log phi(z) - 2 log|z|.
    assert got[0] == pytest.approx(-0.5 * 1e8 - 0.5 * math.log(2 * math.pi) - 2 * math.log(1e4), rel=1e-12)
    h = z[4:] * norm.cdf(z[4:]) + norm.pdf(z[4:])
    np.testing.assert_allclose(r_cdf[4:], norm.cdf(z[4:]) / h, rtol=1e-8)
    np.testing.assert_allclose(r_pdf[4:], norm.pdf(z[4:]) / h, rtol=1e-8)


def _sphere_front(rng, k, m):
    points = np.abs(rng.normal(size=(k, m)))
    return np.round(points / np.linalg.norm(points, axis=1, keepdims=True), 1)  # rounding makes ties


@pytest.mark.parametrize(
    "front",
    [
        np.array([[0.0, 2.0], [1.0, 1.0], [2.0, 0.0]]),
        _sphere_front(np.random.default_rng(0), 40, 3),
        _sphere_front(np.random.default_rng(1), 20, 4),
    ],
)
def test_box_decomposition_covers_the_non_dominated_region(front):
    m = front.shape[1]
    ref = np.full(m, front.max() + 0.5)
    lower, upper = box_decomposition(front, ref)
    # Monte Carlo: a point below ref is in exactly one box iff no front point dominates it.
    rng = np.random.default_rng(0)
    pts = rng.uniform(-1, ref[0], (4000, m))
    inside = np.all((pts[:, None, :] > lower) & (pts[:, None, :] <= upper), axis=-1).sum(1)
    dominated = np.any(np.all(front[None] <= pts[:, None], axis=-1), axis=1)
    assert np.all(inside <= 1)
    if m <= 3:
        np.testing.assert_array_equal(inside == 1, ~dominated)
        assert len(lower) <= 2 * len(front) + 1  # one opened and one closed box per point
    else:  # more objectives: a subset of the front, so the boxes cover a superset of the region
        assert np.all(inside[~dominated] == 1)


def test_ehvi_matches_monte_carlo():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (10, 2))
    space = EncodedSpace({"a": FloatDistribution(0, 1), "b": FloatDistribution(0, 1)})
    ys = [x[:, 0], 1 - x[:, 0] + 0.3 * x[:, 1]]
    gps = [GaussianProcess(space, x, (y - y.mean()) / y.std(), default_theta(2)) for y in ys]
    front = np.stack([(y - y.mean()) / y.std() for y in ys], 1)
    ref = front.max(0) + 0.5
    lower, upper = box_decomposition(front, ref)
    acq = Acquisition(gps, None, boxes=(lower, upper))
    point = np.array([[0.3, 0.2]])
    ehvi = math.exp(float(acq(point)[0]))
    means, sds = zip(*[(float(m[0]), math.sqrt(v[0])) for m, v in (gp.posterior(point) for gp in gps)])
    samples = rng.normal(means, sds, (200000, 2))
    vol = np.clip(upper[None] - np.maximum(lower[None], samples[:, None, :]), 0, None).prod(-1).sum(-1)
    assert ehvi == pytest.approx(vol.mean(), rel=0.02)


def _branin(trial):
    x = trial.suggest_float("x", -5, 10)
    y = trial.suggest_float("y", 0, 15)
    b, c = 5.1 / (4 * math.pi**2), 5 / math.pi
    return (y - b * x**2 + c * x - 6) ** 2 + 10 * (1 - 1 / (8 * math.pi)) * math.cos(x) + 10


def test_beats_random_on_branin():
    gp = albacore.create_study(sampler=GPSampler(seed=0))
    gp.optimize(_branin, n_trials=35)
    random = albacore.create_study(sampler=RandomSampler(seed=0))
    random.optimize(_branin, n_trials=35)
    assert gp.best_value < 0.45  # optimum 0.3979
    assert gp.best_value < random.best_value


def test_discrete_and_categorical_params_are_optimized():
    def objective(trial):
        a = trial.suggest_int("a", 0, 20)
        b = trial.suggest_float("b", 0, 1, step=0.1)
        c = trial.suggest_categorical("c", ["bad", "good", "worse"])
        return (a - 13) ** 2 + 100 * (b - 0.7) ** 2 + {"bad": 5, "good": 0, "worse": 9}[c]

    study = albacore.create_study(sampler=GPSampler(seed=0, n_startup_trials=5))
    study.optimize(objective, n_trials=30)
    assert study.best_params["a"] == 13 and study.best_params["c"] == "good"
    assert abs(study.best_params["b"] - 0.7) < 0.25
    assert study.best_value < 0.5


def test_log_scale_params_are_modelled_in_log_space():
    space = EncodedSpace({"lr": FloatDistribution(1e-5, 1e-1, log=True), "n": IntDistribution(1, 1024, log=True)})
    x = space.encode({"lr": 1e-3, "n": 32})
    assert x[0] == pytest.approx(0.5)
    assert space.decode(x) == {"lr": pytest.approx(1e-3), "n": 32}


def test_constraints_steer_toward_the_feasible_region():
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        trial.set_user_attr("c", 0.6 - x - y)  # feasible iff x + y >= 0.6
        return x**2 + y**2

    study = albacore.create_study(
        sampler=GPSampler(seed=0, n_startup_trials=5, constraints_func=lambda t: [t.user_attrs["c"]])
    )
    study.optimize(objective, n_trials=20)
    # The unconstrained optimum (0, 0) is infeasible: the later trials follow the boundary
    # x + y = 0.6 (random points fall within 0.05 of it 6% of the time).
    later = [t.system_attrs["constraints"]["0"] for t in study.trials[10:]]
    assert sum(abs(c) < 0.05 for c in later) >= 8
    best = min(t.value for t in study.trials if t.system_attrs["constraints"]["0"] <= 0)
    assert best < 0.2  # optimum 0.18 at x = y = 0.3


def test_multi_objective_front_improves_over_random():
    from albacore.hypervolume import compute_hypervolume

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        return x, (1 + 9 * y) * (1 - math.sqrt(x / (1 + 9 * y)))

    def hv(study):
        return compute_hypervolume(np.array([t.values for t in study.best_trials]), np.array([1.1, 11.0]))

    gp = albacore.create_study(directions=["minimize"] * 2, sampler=GPSampler(seed=0))
    gp.optimize(objective, n_trials=20)
    random = albacore.create_study(directions=["minimize"] * 2, sampler=RandomSampler(seed=0))
    random.optimize(objective, n_trials=20)
    assert hv(gp) > hv(random)


def test_conditional_params_are_modelled_by_the_gp():
    from_gp = []

    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        if trial.suggest_categorical("branch", ["a", "b"]) == "a":
            value = x**2 + (trial.suggest_float("a", 0, 1) - 0.3) ** 2
        else:
            value = x**2 + 0.2 + trial.suggest_float("b", 0, 1)
        from_gp.append(set(trial.params) <= set(trial.relative_params))
        return value

    study = albacore.create_study(sampler=GPSampler(seed=0, n_startup_trials=6))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no parameter is left to the independent sampler
        study.optimize(objective, n_trials=25)
    later = study.trials[10:]
    # Every parameter of a later trial comes from the GP, and they concentrate on branch a.
    assert all(from_gp[10:])
    assert [t.params["branch"] for t in later[-5:]] == ["a"] * 5
    assert study.best_value < 1e-3


def test_a_parameter_whose_distribution_changes_is_sampled_independently():
    relative = []

    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        high = 1.0 + (trial.number % 2)
        value = (x - 0.5) ** 2 + trial.suggest_float("z", 0, high)
        relative.append(set(trial.relative_params))
        return value

    study = albacore.create_study(sampler=GPSampler(seed=0, n_startup_trials=4))
    with pytest.warns(UserWarning, match="GPSampler: parameter 'z' is not in the GP's search space"):
        study.optimize(objective, n_trials=8)
    assert relative[4:] == [{"x"}] * 4


def test_deterministic_objective_option():
    study = albacore.create_study(sampler=GPSampler(seed=0, deterministic_objective=True))
    study.optimize(_branin, n_trials=25)
    assert study.best_value < 1.0


def test_invalid_options():
    with pytest.raises(ValueError, match=r"GPSampler: n_startup_trials must be an int >= 0, got n_startup_trials=-1"):
        GPSampler(n_startup_trials=-1)
    with pytest.raises(TypeError, match=r"GPSampler: constraints_func must be callable, got constraints_func=3"):
        GPSampler(constraints_func=3)


def test_categorical_kernel_treats_choices_as_unordered():
    space = EncodedSpace({"c": CategoricalDistribution(["a", "b", "c"]), "x": FloatDistribution(0, 1)})
    assert list(space.is_categorical) == [True, False]
    assert space.decode(space.encode({"c": "c", "x": 0.25})) == {"c": "c", "x": 0.25}


def test_running_trials_of_other_workers_are_avoided():
    from albacore.trial import TrialState

    def point(trial):
        return np.array([trial.suggest_float("x", -3, 3), trial.suggest_float("y", -3, 3)])

    study = albacore.create_study(sampler=GPSampler(seed=0, n_startup_trials=5))
    study.optimize(lambda t: float(np.sum((point(t) - [1.0, 0.0]) ** 2)), n_trials=12)
    first = study.ask()
    a = point(first)
    second = study.ask()  # `first` is still running
    b = point(second)
    study.tell(first, state=TrialState.FAIL)
    study.tell(second, state=TrialState.FAIL)
    c = point(study.ask())  # the same history without a running trial
    assert np.linalg.norm(c - a) < 1e-3 < 1e-2 < np.linalg.norm(b - a)


def test_objective_warp_keeps_the_order_and_spreads_out_the_values_near_the_optimum():
    rng = np.random.default_rng(0)
    # An objective spanning orders of magnitude: most values near 0, a few huge ones.
    raw = np.exp(rng.normal(0.0, 3.0, size=60))
    standardized = (raw - raw.mean()) / raw.std()
    warped = _warp(standardized)
    assert np.array_equal(np.argsort(warped, kind="stable"), np.argsort(standardized, kind="stable"))
    assert warped.mean() == pytest.approx(0.0, abs=1e-9) and warped.std() == pytest.approx(1.0)
    best_ten = np.sort(standardized)[:10]
    assert np.ptp(np.sort(warped)[:10]) > 5 * np.ptp(best_ten)  # the best values are told apart (10x here)
    skew = lambda v: float(np.mean(((v - v.mean()) / v.std()) ** 3))  # noqa: E731
    assert abs(skew(warped)) < abs(skew(standardized)) / 3  # 1.25 vs 4.46: closer to normal


def test_objective_warp_matches_the_closed_form_transform():
    values = np.array([-1.5, -0.2, 0.0, 0.3, 2.0])
    assert np.allclose(_yeo_johnson(values, 1.0), values)  # exponent 1: the identity
    assert np.allclose(_yeo_johnson(values, 0.0)[values >= 0], np.log1p(values[values >= 0]))
    assert np.allclose(_yeo_johnson(values, 2.0)[values < 0], -np.log1p(-values[values < 0]))
    assert np.allclose(_yeo_johnson(values, 0.5)[values >= 0], 2.0 * (np.sqrt(values[values >= 0] + 1.0) - 1.0))


@pytest.mark.parametrize("values", [np.array([]), np.array([0.5, -0.5]), np.zeros(10)])
def test_objective_warp_leaves_too_few_or_equal_values_alone(values):
    assert _warp(values) is values


def test_gp_resolves_the_optimum_of_an_objective_spanning_orders_of_magnitude():
    # An ill-conditioned bowl raised to a high power: values from 1e-6 to 1e12 in the box.
    def objective(trial):
        x, y = trial.suggest_float("x", -5, 5), trial.suggest_float("y", -5, 5)
        return ((x - 1.0) ** 2 + 1000.0 * (y + 2.0) ** 2) ** 2

    study = albacore.create_study(sampler=GPSampler(seed=0))
    study.optimize(objective, n_trials=40)
    assert study.best_value < 0.1  # 0.52 without the transform
