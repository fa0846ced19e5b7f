"""Quick start: minimize (x - 2)^2 and print the best x found.

The study lives in an SQLite file by default, so running the script again continues the
same study; pass ``--storage memory`` to keep it in this process only.

Run:
    python examples/quickstart.py                          # 100 trials in ./albacore.db
    python examples/quickstart.py --trials 20 --storage memory
    ALBACORE_EXAMPLE_TRIALS=10 python examples/quickstart.py --storage sqlite:///quick.db
"""

from __future__ import annotations

import argparse
import os

import albacore


def objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    return (x - 2) ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description="Minimize (x - 2)^2 with albacore.")
    parser.add_argument("--trials", type=int, default=int(os.environ.get("ALBACORE_EXAMPLE_TRIALS", 100)))
    parser.add_argument(
        "--storage",
        default="sqlite:///albacore.db",
        help="storage URL, or 'memory' for an in-memory study (default: sqlite:///albacore.db)",
    )
    args = parser.parse_args()

    storage = None if args.storage == "memory" else args.storage
    albacore.logging.set_verbosity(albacore.logging.WARNING)  # one summary instead of a line per trial
    study = albacore.create_study(storage=storage, study_name="quickstart", load_if_exists=True)
    study.optimize(objective, n_trials=args.trials)

    print(f"trials: {len(study.trials)}")
    print(f"best x: {study.best_params['x']:.4f}")
    print(f"best value: {study.best_value:.6f}")


if __name__ == "__main__":
    main()
