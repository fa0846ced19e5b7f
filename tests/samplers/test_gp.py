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
from albacore.samplers._gp._model import GaussianProcess, default_theta, fit_theta, torch
from albacore.samplers._gp._optim import maximize
from albacore.samplers._gp._space import EncodedSpace
from albacore.testing.samplers import SamplerContract

albacore.logging.set_verbosity(albacore.logging.WARNING)


class TestGPContract(SamplerContract):
    n_trials = 8  # 4 start-up trials, then the GP

    @pytest.fixture
    def sampler_factory(self):
        return lambda seed=None: GPSampler(seed=seed, n_startup_trials=4, warn_independent_sampling=False)


def test_gp_fits_a_known_1d_function():
    x = np.linspace(0, 1, 12)[:, None]
    f = np.sin(6 * x[:, 0])
    y = (f - f.mean()) / f.std()
    cat = np.zeros(1, dtype=bool)
    theta = fit_theta(x, y, cat, default_theta(1), deterministic=True, maxiter=200)
    gp = GaussianProcess(x, y, cat, theta)
    th = torch()
    grid = np.linspace(0.02, 0.98, 50)[:, None]
    mean, var = gp.posterior(th.as_tensor(grid, dtype=th.float64))
    truth = (np.sin(6 * grid[:, 0]) - f.mean()) / f.std()
    assert np.max(np.abs(mean.detach().numpy() - truth)) < 0.05
    # Interpolates the data (noise-free); uncertain far from it.
    mean_at_x, var_at_x = gp.posterior(th.as_tensor(x, dtype=th.float64))
    np.testing.assert_allclose(mean_at_x.detach().numpy(), y, atol=1e-3)
    _, var_far = gp.posterior(th.tensor([[3.0]], dtype=th.float64))
    assert var_at_x.max() < 1e-3 < 0.1 < float(var_far[0])


def test_acquisition_maximizer_is_found():
    """The optimizer returns the maximizer of log EI, checked on a dense grid."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (8, 1))
    y = np.cos(9 * x[:, 0]) + x[:, 0]
    y = (y - y.mean()) / y.std()
    cat = np.zeros(1, dtype=bool)
    gp = GaussianProcess(x, y, cat, fit_theta(x, y, cat, default_theta(1), True, 200))
    acq = Acquisition([gp], float(y.min()))
    space = EncodedSpace({"x": FloatDistribution(0.0, 1.0)})
    best = maximize(acq, space, np.random.default_rng(1), x[np.argsort(y)[:3]])
    th = torch()
    grid = np.linspace(0, 1, 20001)[:, None]
    with th.no_grad():
        values = acq(th.as_tensor(grid, dtype=th.float64)).numpy()
        found = float(acq(th.as_tensor(best[None, :], dtype=th.float64))[0])
    assert found >= values.max() - 1e-6
    assert abs(best[0] - grid[values.argmax(), 0]) < 1e-3


def test_log_h_is_accurate_and_finite():
    th = torch()
    z = th.tensor([-200.0, -30.0, -5.0, -1.0, 0.0, 1.0, 5.0], dtype=th.float64)
    got = log_h(z).numpy()
    assert np.all(np.isfinite(got))
    from scipy.stats import norm

    zs = z.numpy()
    expected = np.log(zs[2:] * norm.cdf(zs[2:]) + norm.pdf(zs[2:]))
    np.testing.assert_allclose(got[2:], expected, rtol=1e-8)
    assert got[0] < got[1] < got[2]


def test_box_decomposition_covers_the_non_dominated_region():
    front = np.array([[0.0, 2.0], [1.0, 1.0], [2.0, 0.0]])
    ref = np.array([3.0, 3.0])
    lower, upper = box_decomposition(front, ref)
    # Monte Carlo: a point below ref is in exactly one box iff no front point dominates it.
    rng = np.random.default_rng(0)
    pts = rng.uniform(-1, 3, (4000, 2))
    inside = np.all((pts[:, None, :] > lower) & (pts[:, None, :] <= upper), axis=-1).sum(1)
    dominated = np.any(np.all(front[None] <= pts[:, None], axis=-1), axis=1)
    assert np.all(inside <= 1)
    np.testing.assert_array_equal(inside == 1, ~dominated)


def test_ehvi_matches_monte_carlo():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, (10, 2))
    cat = np.zeros(2, dtype=bool)
    ys = [x[:, 0], 1 - x[:, 0] + 0.3 * x[:, 1]]
    gps = [GaussianProcess(x, (y - y.mean()) / y.std(), cat, default_theta(2)) for y in ys]
    front = np.stack([(y - y.mean()) / y.std() for y in ys], 1)
    ref = front.max(0) + 0.5
    acq = Acquisition(gps, None, pareto=front, ref_point=ref)
    th = torch()
    point = th.tensor([[0.3, 0.2]], dtype=th.float64)
    with th.no_grad():
        ehvi = math.exp(float(acq(point)[0]))
        means, sds = zip(*[(m.item(), v.sqrt().item()) for m, v in (gp.posterior(point) for gp in gps)])
    samples = rng.normal(means, sds, (200000, 2))
    lower, upper = box_decomposition(front, ref)
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
    later = study.trials[10:]
    feasible = [t for t in later if t.system_attrs["constraints"]["0"] <= 0]
    assert len(feasible) >= 7
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


def test_conditional_params_use_the_independent_sampler_and_warn():
    def objective(trial):
        x = trial.suggest_float("x", -1, 1)
        if trial.suggest_categorical("branch", ["a", "b"]) == "a":
            return x**2 + trial.suggest_float("a", 0, 1)
        return x**2 + 1 + trial.suggest_float("b", 0, 1)

    study = albacore.create_study(sampler=GPSampler(seed=0, n_startup_trials=5))
    with pytest.warns(UserWarning, match="GPSampler: parameter '(a|b)' is not in every finished trial"):
        study.optimize(objective, n_trials=25)
    # The GP still drives x and branch: the later trials concentrate on the good branch.
    assert sum(t.params["branch"] == "a" for t in study.trials[10:]) >= 10
    assert study.best_value < 0.05


def test_deterministic_objective_option():
    study = albacore.create_study(sampler=GPSampler(seed=0, deterministic_objective=True))
    study.optimize(_branin, n_trials=25)
    assert study.best_value < 1.0


def test_invalid_options():
    with pytest.raises(ValueError, match=r"GPSampler: n_startup_trials must be an int >= 0, got n_startup_trials=-1"):
        GPSampler(n_startup_trials=-1)
    with pytest.raises(TypeError, match=r"GPSampler: constraints_func must be callable, got constraints_func=3"):
        GPSampler(constraints_func=3)


def test_sampling_does_not_change_torch_threads():
    th = torch()
    before = th.get_num_threads()
    study = albacore.create_study(sampler=GPSampler(seed=0, n_startup_trials=2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        study.optimize(_branin, n_trials=4)
    assert th.get_num_threads() == before


def test_categorical_kernel_treats_choices_as_unordered():
    space = EncodedSpace({"c": CategoricalDistribution(["a", "b", "c"]), "x": FloatDistribution(0, 1)})
    assert list(space.is_categorical) == [True, False]
    assert space.decode(space.encode({"c": "c", "x": 0.25})) == {"c": "c", "x": 0.25}
