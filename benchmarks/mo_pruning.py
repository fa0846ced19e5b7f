"""Pruning a two-objective study on real learning curves: epochs saved, hypervolume kept.

Task: ``MLPClassifier`` (one hidden layer, Adam) on scikit-learn's bundled ``load_digits``
(standardized, fixed 2/3 train, 1/3 validation split), trained one pass over the data per
step with ``partial_fit`` for up to ``--epochs`` epochs. The space is the hidden layer's
width (2..128), ``alpha`` and the initial learning rate. Two objectives, both minimized:
the validation error and the number of parameters of the network (a proxy for size and
latency). After every epoch the trial reports ``[error, n_params]`` and asks the pruner.

Arms, each with ``RandomSampler(seed)`` for ``--trials`` trials: ``NopPruner`` (every trial
trains ``--epochs`` epochs), ``SuccessiveHalvingPruner`` (MO-ASHA: rungs ordered by
non-dominated rank then hypervolume contribution), ``HyperbandPruner`` and
``ParetoPruner``. With a random sampler every arm of a seed evaluates the same
configurations, so each configuration's learning curve is trained once (the longest any arm
needs) and replayed to the others; "epochs" counts the epochs each arm trained, which is the
cost pruning saves.

Reported per arm, over seeds: epochs trained as % of NopPruner's, and the hypervolume of the
COMPLETE trials' final values (reference point: error 1.0, 1.1 x the largest network's
parameter count; both objectives scaled to [0, 1] by it) as a ratio to NopPruner's, with its
mean and standard deviation. Target (issue 28): the same final hypervolume within noise with
at most 40% of the epochs.

Optuna 5.0 cannot prune multi-objective studies (``Trial.report`` raises there), so there is
no Optuna column.

Run: ``python benchmarks/mo_pruning.py [--seeds N --trials N --epochs N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

import albacore
from albacore.hypervolume import compute_hypervolume

MAX_WIDTH = 128


def _data():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = load_digits(return_X_y=True)
    x_train, x_valid, y_train, y_valid = train_test_split(x, y, test_size=1 / 3, random_state=0, stratify=y)
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_valid), y_train, y_valid


def _n_params(width: int, n_in: int = 64, n_out: int = 10) -> int:
    return (n_in + 1) * width + (width + 1) * n_out


class Curves:
    """Validation-error curves per configuration, trained on demand and kept for replay."""

    def __init__(self, data, epochs: int) -> None:
        self.data, self.epochs, self.cache, self.trained = data, epochs, {}, 0

    def curve(self, key: tuple, seed: int) -> list[float]:
        if key not in self.cache:
            from sklearn.exceptions import ConvergenceWarning
            from sklearn.neural_network import MLPClassifier

            width, alpha, lr = key
            x_train, x_valid, y_train, y_valid = self.data
            model = MLPClassifier((width,), alpha=alpha, learning_rate_init=lr, batch_size=64, random_state=seed)
            errors = []
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                for _ in range(self.epochs):
                    model.partial_fit(x_train, y_train, classes=np.arange(10))
                    errors.append(1.0 - model.score(x_valid, y_valid))
            self.cache[key] = errors
            self.trained += self.epochs
        return self.cache[key]


def run_arm(pruner, seed: int, n_trials: int, curves: Curves) -> tuple[float, int]:
    """Hypervolume of the COMPLETE trials and the epochs the arm trained."""
    epochs = 0

    def objective(trial):
        nonlocal epochs
        width = trial.suggest_int("width", 2, MAX_WIDTH, log=True)
        alpha = trial.suggest_float("alpha", 1e-6, 1e-1, log=True)
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        size = float(_n_params(width))
        curve = curves.curve((width, alpha, lr), seed)
        for step, error in enumerate(curve):
            epochs += 1
            trial.report([error, size], step)
            if trial.should_prune():
                raise albacore.TrialPruned()
        return curve[-1], size

    study = albacore.create_study(
        directions=["minimize", "minimize"], sampler=albacore.samplers.RandomSampler(seed=seed), pruner=pruner
    )
    study.optimize(objective, n_trials=n_trials)
    done = study.get_trials(states=(albacore.trial.TrialState.COMPLETE,))
    scale = np.array([1.0, 1.1 * _n_params(MAX_WIDTH)])
    points = np.array([t.values for t in done]) / scale
    return compute_hypervolume(points, np.ones(2)), epochs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    data = _data()
    arms = {
        "NopPruner": lambda: albacore.pruners.NopPruner(),
        "SuccessiveHalving (MO-ASHA)": lambda: albacore.pruners.SuccessiveHalvingPruner(
            min_resource=1, reduction_factor=3
        ),
        "Hyperband": lambda: albacore.pruners.HyperbandPruner(
            min_resource=1, max_resource=args.epochs, reduction_factor=3
        ),
        "ParetoPruner": lambda: albacore.pruners.ParetoPruner(n_startup_trials=5, n_warmup_steps=3),
    }
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in arms}
    start = time.perf_counter()
    for seed in range(args.seeds):
        curves = Curves(data, args.epochs)
        for name, make in arms.items():
            results[name].append(run_arm(make(), seed, args.trials, curves))
    elapsed = time.perf_counter() - start
    print(
        f"MLP on digits, 2 objectives (validation error, n_params); {args.trials} trials x {args.epochs} epochs, "
        f"RandomSampler, {args.seeds} seeds (seeds 0..{args.seeds - 1}); {elapsed:.0f} s"
    )
    print(f"{'pruner':<30}{'epochs %':>10}{'HV mean':>10}{'HV sd':>9}{'HV ratio':>10}{'ratio sd':>10}")
    base = results["NopPruner"]
    for name, rows in results.items():
        share = [100.0 * e / b[1] for (_, e), b in zip(rows, base)]
        ratio = [hv / b[0] for (hv, _), b in zip(rows, base)]
        hvs = [hv for hv, _ in rows]
        sd = statistics.stdev if len(rows) > 1 else (lambda _: 0.0)
        print(
            f"{name:<30}{statistics.mean(share):>9.1f}%{statistics.mean(hvs):>10.4f}{sd(hvs):>9.4f}"
            f"{statistics.mean(ratio):>10.4f}{sd(ratio):>10.4f}"
        )
    print("target: HV ratio within noise of 1.0 with epochs % <= 40")


if __name__ == "__main__":
    main()
