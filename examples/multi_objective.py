"""Multi-objective optimization: trade two objectives off and print the Pareto front.

The Binh and Korn test problem: minimize ``f1 = 4x^2 + 4y^2`` and ``f2 = (x-5)^2 + (y-5)^2``
subject to two constraints, recorded with ``trial.set_constraint`` (feasible iff <= 0).

Run:
    python examples/multi_objective.py               # 100 trials
    python examples/multi_objective.py --trials 20
"""

from __future__ import annotations

import argparse
import os

import albacore


def objective(trial: albacore.Trial) -> tuple[float, float]:
    x = trial.suggest_float("x", 0, 5)
    y = trial.suggest_float("y", 0, 3)
    trial.set_constraint("c1", (x - 5) ** 2 + y**2 - 25)
    trial.set_constraint("c2", 7.7 - (x - 8) ** 2 - (y + 3) ** 2)
    return 4 * x**2 + 4 * y**2, (x - 5) ** 2 + (y - 5) ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description="Two objectives and a Pareto front.")
    parser.add_argument("--trials", type=int, default=int(os.environ.get("ALBACORE_EXAMPLE_TRIALS", 100)))
    args = parser.parse_args()

    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.create_study(
        directions=["minimize", "minimize"], sampler=albacore.samplers.NSGAIISampler(seed=0, population_size=10)
    )
    study.set_metric_names(["f1", "f2"])
    study.optimize(objective, n_trials=args.trials)

    front = sorted(study.best_trials, key=lambda t: t.values[0])
    print(f"trials: {len(study.trials)}, Pareto front: {len(front)} trials")
    for trial in front:
        print(f"  trial {trial.number:3d}: f1={trial.values[0]:8.3f} f2={trial.values[1]:8.3f} params={trial.params}")


if __name__ == "__main__":
    main()
