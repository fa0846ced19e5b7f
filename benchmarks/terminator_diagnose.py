"""Terminator diagnostic: EMMR terms of albacore and Optuna 5.0, trial by trial, on one history.

For each problem and seed, one albacore TPE history is run (as in the replay table of
``benchmarks/terminator.py``) and handed, as identical FrozenTrials, to both libraries'
``EMMREvaluator`` + ``MedianErrorEvaluator``; after every trial from ``--start`` on, the
script prints for each library the improvement value, its four terms (standardized units):

* ``dmu``: drop of the posterior mean at the best point,
* ``gap``: ``v * (pdf(g) + g * cdf(g))``,
* ``kappa``: the regret bound of the GP before the last trial,
* ``kl``: the KL divergence term (the value adds ``kappa * sqrt(kl / 2)``),

the error (the median threshold, negative until it is fixed), the GP hyperparameters of
the fit to all trials (lengthscales, signal variance, noise variance) and the posterior
variance at the last trial that enters the KL term. The terms of Optuna's evaluator are
read from the GPs and the regret bound its ``evaluate`` computed (its fitting function and
regret bound are wrapped to record them); the script checks that they add up to the value
it returned. Lines marked ``STOP`` are the first trial at which a library would stop.

``--summary`` prints instead, per problem and seed, the trial at which each would stop and
the regret there, for albacore, Optuna 5.0, and Optuna 5.0 with the KL term of the paper
(Ishibashi et al., 2023, Eq. 4: the prediction at the last trial of the GP fitted before
it, and that GP's noise variance, where Optuna 5.0 takes the GP fitted after it and its
minimum noise variance 1e-6); the last is Optuna's value with its KL term swapped, its
GPs and regret bound unchanged, paired with its own MedianErrorEvaluator.

Usage:
    nice -n 10 python benchmarks/terminator_diagnose.py [--problems log_scale3,sphere5] [--seeds 0,1,2]
        [--trials 60] [--start 20] [--summary]

Output: the latest ``--summary`` run is committed in benchmarks/results/terminator_diagnose.txt.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import warnings
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
from scipy.stats import norm  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _problems import SINGLE_OBJECTIVE, Problem  # noqa: E402
from terminator import _objective, _to_optuna  # noqa: E402

import albacore  # noqa: E402
from albacore.terminator import _gp as albacore_gp  # noqa: E402
from albacore.terminator._emmr import update_kl  # noqa: E402

FAILING = ("sphere5", "log_scale3", "hartmann6", "mixed4")


class _Recorder:
    """Wraps a function of a module and keeps the arguments and results of its calls."""

    def __init__(self, module: Any, name: str) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any], Any]] = []
        original = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            self.calls.append((args, kwargs, result))
            return result

        setattr(module, name, wrapper)


def _optuna_terms(gprs: list[Any], kappa: float, x: np.ndarray, y: np.ndarray, min_noise: float) -> dict[str, Any]:
    """The EMMR terms from the two GPs Optuna fitted (before and after the last trial)."""
    import torch

    old, new = gprs
    ia, ib = int(np.argmax(y)), int(np.argmax(y[:-1]))
    pair = torch.from_numpy(x[[ia, ib]])
    mean, cov = new.posterior(pair, joint=True)
    mu_a, var_a, var_b, c_ab = mean[0].item(), cov[0, 0].item(), cov[1, 1].item(), cov[0, 1].item()
    if ia == ib:
        c_ab = var_a
    mu_old_b = old.posterior(torch.from_numpy(x[ib]))[0].item()
    m_last, v_last = (t.item() for t in new.posterior(torch.from_numpy(x[-1])))
    dmu = mu_old_b - mu_a
    v = math.sqrt(max(1e-10, var_a - 2 * c_ab + var_b))
    g = (mu_a - mu_old_b) / v
    gap = v * (norm.pdf(g) + g * norm.cdf(g))
    kl = 0.5 * (math.log1p(v_last / min_noise) - v_last / (v_last + min_noise)
                + v_last * (y[-1] - m_last) ** 2 / (v_last + min_noise) ** 2)
    hyper = (1 / np.sqrt(new.inverse_squared_lengthscales.numpy()), new.kernel_scale.item(), new.noise_var.item())
    return {"dmu": dmu, "gap": gap, "kappa": kappa, "kl": kl, "v_last": v_last, "hyper": hyper,
            "value": dmu + gap + kappa * math.sqrt(max(kl, 0.0) / 2)}


def _fmt(t: dict[str, Any], err: float) -> str:
    ls, signal, noise = t["hyper"]
    return (f"{t['value']:9.3g} {t['dmu']:9.2e} {t['gap']:8.2e} {t['kappa']:7.3f} {t['kl']:8.2e} "
            f"{t['v_last']:8.1e} {err:9.2e}  ls=[{' '.join(f'{v:.2g}' for v in ls)}] s={signal:.2g} n={noise:.1e}")


def _optuna_xy(trials: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Optuna's normalized parameters and standardized maximized values of minimized trials."""
    import optuna
    from optuna._gp import search_space as optuna_space

    space = optuna_space.SearchSpace(optuna.search_space.intersection_search_space(trials))
    y = -np.array([t.value for t in trials])
    return space.get_normalized_params(trials), (y - y.mean()) / y.std()


def _published_kl_evaluator(seed: int, recorders: dict[str, _Recorder]) -> Any:
    """Optuna's EMMREvaluator with its KL term replaced by the paper's (see the module docstring)."""
    import optuna
    import torch
    from optuna._gp import prior as optuna_prior

    fits, bounds = recorders["optuna_fit"], recorders["optuna_bound"]

    class PublishedKL(optuna.terminator.EMMREvaluator):  # type: ignore[misc]
        def evaluate(self, trials: list[Any], study_direction: Any) -> float:
            fits.calls.clear()
            bounds.calls.clear()
            value = float(super().evaluate(trials, study_direction))
            if len(fits.calls) < 2:  # not computed yet
                return value
            gprs, kappa = [c[2] for c in fits.calls], bounds.calls[0][2]
            x, y = _optuna_xy(trials)
            shipped = _optuna_terms(gprs, kappa, x, y, optuna_prior.DEFAULT_MINIMUM_NOISE_VAR)
            old = gprs[0]
            mean, var = (t.item() for t in old.posterior(torch.from_numpy(x[-1])))
            kl = update_kl(var, old.noise_var.item(), float(y[-1]) - mean)
            return value + kappa * (math.sqrt(kl / 2) - math.sqrt(max(shipped["kl"], 0.0) / 2))

    return PublishedKL(seed=seed)


def _history(problem: Problem, seed: int, n_trials: int) -> tuple[list[Any], list[Any]]:
    """One albacore TPE history and the same trials as Optuna FrozenTrials."""
    import optuna

    study = albacore.create_study(sampler=albacore.samplers.TPESampler(seed=seed))
    study.optimize(_objective(albacore, problem), n_trials=n_trials)
    trials_a = study.get_trials()
    trials_o = [
        optuna.trial.create_trial(
            params=t.params, value=t.value, distributions={k: _to_optuna(optuna, d) for k, d in t.distributions.items()}
        )
        for t in trials_a
    ]
    return trials_a, trials_o


def _stop(improvement: Any, error: Any, trials: list[Any], direction: Any, start: int) -> int:
    """First trial count from ``start`` at which improvement < error (``len(trials)`` if none)."""
    for n in range(start, len(trials) + 1):
        if improvement.evaluate(trials[:n], direction) < error.evaluate(trials[:n], direction):
            return n
    return len(trials)


def summary(problems: list[Problem], seeds: list[int], n_trials: int, start: int,
            recorders: dict[str, _Recorder]) -> None:
    import optuna

    print(f"Stop trial (regret there) on one albacore TPE history of {n_trials} trials per seed, "
          f"judged from trial {start}: albacore | Optuna 5.0 | Optuna 5.0 with the paper's KL term")
    counts = [0, 0, 0]
    for problem in problems:
        row = []
        for seed in seeds:
            trials_a, trials_o = _history(problem, seed, n_trials)
            emmr_a = albacore.terminator.EMMREvaluator(seed=seed)
            emmr_o = optuna.terminator.EMMREvaluator(seed=seed)
            emmr_p = _published_kl_evaluator(seed, recorders)
            min_a, min_o = albacore.StudyDirection.MINIMIZE, optuna.study.StudyDirection.MINIMIZE
            stops = (_stop(emmr_a, albacore.terminator.MedianErrorEvaluator(emmr_a), trials_a, min_a, start),
                     _stop(emmr_o, optuna.terminator.MedianErrorEvaluator(emmr_o), trials_o, min_o, start),
                     _stop(emmr_p, optuna.terminator.MedianErrorEvaluator(emmr_p), trials_o, min_o, start))
            best = np.minimum.accumulate([t.value for t in trials_a]) - (problem.optimum or 0.0)
            row.append(" | ".join(f"{s} ({best[s - 1]:.3g})" for s in stops))
            counts[0] += 1
            counts[1] += stops[0] <= stops[1]
            counts[2] += stops[0] <= stops[2]
        print(f"{problem.name:12} " + "   ".join(f"seed {s}: {r}" for s, r in zip(seeds, row)), flush=True)
    print(f"albacore stops no later than Optuna 5.0 on {counts[1]}/{counts[0]}, no later than Optuna 5.0 with "
          f"the paper's KL term on {counts[2]}/{counts[0]}")


def diagnose(problem: Problem, seed: int, n_trials: int, start: int, recorders: dict[str, _Recorder]) -> None:
    import optuna
    from optuna._gp import prior as optuna_prior

    trials_a, trials_o = _history(problem, seed, n_trials)
    fits, bounds, fits_a = recorders["optuna_fit"], recorders["optuna_bound"], recorders["albacore_fit"]
    emmr_a = albacore.terminator.EMMREvaluator(seed=seed)
    error_a = albacore.terminator.MedianErrorEvaluator(emmr_a)
    emmr_o = optuna.terminator.EMMREvaluator(seed=seed)
    error_o = optuna.terminator.MedianErrorEvaluator(emmr_o)
    print(f"== {problem.name} seed {seed}")
    print(f"{'n':>3} {'lib':3} {'value':>9} {'dmu':>9} {'gap':>8} {'kappa':>7} {'kl':>8} {'v_last':>8} {'error':>9}")
    stopped = {"a": False, "o": False}
    min_dir_a, min_dir_o = albacore.StudyDirection.MINIMIZE, optuna.study.StudyDirection.MINIMIZE
    for n in range(start, n_trials + 1):
        fits_a.calls.clear()
        terms_a = emmr_a._terms(trials_a[:n], min_dir_a)
        old_gp, new_gp = fits_a.calls[0][2], fits_a.calls[1][2]
        value_a = emmr_a.evaluate(trials_a[:n], min_dir_a) if terms_a is None else terms_a.value
        err_a = error_a.evaluate(trials_a[:n], min_dir_a)
        fits.calls.clear()
        bounds.calls.clear()
        value_o = emmr_o.evaluate(trials_o[:n], min_dir_o)
        gprs, kappa_o = [c[2] for c in fits.calls], bounds.calls[0][2]
        err_o = error_o.evaluate(trials_o[:n], min_dir_o)
        x, y = _optuna_xy(trials_o[:n])
        t_o = _optuna_terms(gprs, kappa_o, x, y, optuna_prior.DEFAULT_MINIMUM_NOISE_VAR)
        assert math.isclose(t_o["value"], value_o, rel_tol=1e-6, abs_tol=1e-9), (t_o["value"], value_o)
        assert terms_a is not None
        v_last = float(old_gp.posterior(new_gp.x[-1:])[1][0])  # the old GP at the last trial
        t_a = {"dmu": terms_a.delta_mu, "gap": terms_a.gap, "kappa": terms_a.kappa, "kl": terms_a.kl,
               "v_last": v_last, "value": value_a,
               "hyper": (np.exp(new_gp.theta[:-2]), new_gp.signal, new_gp.noise)}
        for lib, t, err in (("a", t_a, err_a), ("o", t_o, err_o)):
            mark = ""
            if not stopped[lib] and t["value"] < err:
                stopped[lib], mark = True, "  STOP"
            print(f"{n:>3} {lib:3} {_fmt(t, err)}{mark}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", default=",".join(FAILING))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--start", type=int, default=20)
    parser.add_argument("--summary", action="store_true", help="stop trials only, with Optuna + the paper's KL")
    args = parser.parse_args()
    import optuna

    warnings.filterwarnings("ignore")
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    from optuna._gp import gp as optuna_gp
    from optuna.terminator.improvement import emmr as optuna_emmr

    recorders = {"optuna_fit": _Recorder(optuna_gp, "fit_kernel_params"),
                 "optuna_bound": _Recorder(optuna_emmr, "_compute_standardized_regret_bound"),
                 "albacore_fit": _Recorder(albacore_gp, "fit")}
    by_name = {p.name: p for p in SINGLE_OBJECTIVE}
    problems = [by_name[name] for name in args.problems.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.summary:
        print(f"albacore {albacore.__version__}, optuna {optuna.__version__}; EMMREvaluator + MedianErrorEvaluator")
        print("run: python benchmarks/terminator_diagnose.py " + " ".join(sys.argv[1:]))
        summary(problems, seeds, args.trials, args.start, recorders)
        return
    for problem in problems:
        for seed in seeds:
            diagnose(problem, seed, args.trials, args.start, recorders)


if __name__ == "__main__":
    main()
