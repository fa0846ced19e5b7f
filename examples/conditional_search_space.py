"""Conditional search space: the parameters a trial uses depend on earlier choices.

A toy "model selection" problem: choose a model family, then only that family's
hyperparameters. Each trial records only the parameters it actually suggested.

Run:
    python examples/conditional_search_space.py               # 60 trials
    python examples/conditional_search_space.py --trials 10
"""

from __future__ import annotations

import argparse
import math
import os

import albacore


def objective(trial: albacore.Trial) -> float:
    """A made-up validation loss for three model families (lower is better)."""
    family = trial.suggest_categorical("family", ["linear", "tree", "knn"])
    if family == "linear":
        c = trial.suggest_float("c", 1e-3, 1e3, log=True)
        penalty = trial.suggest_categorical("penalty", ["l1", "l2"])
        return (math.log10(c) - 1) ** 2 * 0.1 + (0.05 if penalty == "l1" else 0.0) + 0.3
    if family == "tree":
        depth = trial.suggest_int("depth", 2, 32, log=True)
        min_leaf = trial.suggest_int("min_leaf", 1, 20)
        return abs(depth - 8) / 20 + min_leaf / 100 + 0.2
    k = trial.suggest_int("k", 1, 51, step=2)
    return abs(k - 15) / 50 + 0.25


def main() -> None:
    parser = argparse.ArgumentParser(description="A conditional search space.")
    parser.add_argument("--trials", type=int, default=int(os.environ.get("ALBACORE_EXAMPLE_TRIALS", 60)))
    args = parser.parse_args()

    albacore.logging.set_verbosity(albacore.logging.WARNING)
    # group=True lets TPE model each family's parameters jointly, only on the trials that used them.
    study = albacore.create_study(sampler=albacore.samplers.TPESampler(seed=0, group=True))
    study.optimize(objective, n_trials=args.trials)

    families: dict[str, int] = {}
    for trial in study.trials:
        families[trial.params["family"]] = families.get(trial.params["family"], 0) + 1
    print(f"trials per family: {dict(sorted(families.items()))}")
    print(f"best params: {study.best_params}")
    print(f"best value: {study.best_value:.4f}")


if __name__ == "__main__":
    main()
