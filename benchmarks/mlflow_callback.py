"""Per-trial cost of MLflowCallback: albacore vs optuna-integration 5.0, SQLite tracking store.

Each library runs a cheap objective (three parameters, two intermediate values, one user
attribute) with RandomSampler and an in-memory study, once without a callback and once
with its MLflow callback writing to a fresh SQLite tracking store; the callback's cost per
trial is the difference. Both run in this one process, alternately, and the median over
the repetitions is reported. Every run's rows are read back with ``mlflow.search_runs`` to
check that each trial became one run.

Usage:
    pip install optuna==5.0.0 optuna-integration==5.0.0   # only for this benchmark
    python benchmarks/mlflow_callback.py [--trials 100] [--repeats 3]

Output: milliseconds per trial and the albacore/optuna-integration ratio of the callback's
cost (lower is better); the latest run is committed in benchmarks/results/mlflow_callback.txt.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import tempfile
import time
import warnings
from typing import Any

import albacore

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # the same for both libraries: no usage reports


def _objective(trial: Any) -> float:
    x = trial.suggest_float("x", -10, 10)
    n = trial.suggest_int("n", 1, 8)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    trial.report(x, 0)
    trial.report(x / 2, 1)
    trial.set_user_attr("kind_upper", kind.upper())
    return x * x + n


def _run(library: str, n_trials: int, uri: str | None) -> float:
    """Seconds per trial of one study of ``library``, logging to ``uri`` unless it is None."""
    if library == "albacore":
        from albacore.integrations.mlflow import MLflowCallback

        engine: Any = albacore
    else:
        import optuna
        from optuna_integration.mlflow import MLflowCallback

        engine = optuna
    callbacks = [] if uri is None else [MLflowCallback(tracking_uri=uri)]
    study = engine.create_study(study_name="bench", sampler=engine.samplers.RandomSampler(seed=0),
                                pruner=engine.pruners.NopPruner())
    start = time.perf_counter()
    study.optimize(_objective, n_trials=n_trials, callbacks=callbacks)
    return (time.perf_counter() - start) / n_trials


def _fresh_store(directory: str, name: str) -> str:
    """A new SQLite tracking store, its tables created before timing starts."""
    import mlflow

    uri = f"sqlite:///{os.path.join(directory, name)}.db"
    mlflow.MlflowClient(uri).search_experiments()
    return uri


def _count_runs(uri: str) -> int:
    import mlflow

    mlflow.set_tracking_uri(uri)
    return len(mlflow.search_runs(experiment_names=["bench"]))


def _measure(library: str, n_trials: int, directory: str, label: str) -> tuple[float, float]:
    """(seconds per trial without the callback, callback's seconds per trial)."""
    bare = _run(library, n_trials, None)
    uri = _fresh_store(directory, label)
    with_callback = _run(library, n_trials, uri)
    runs = _count_runs(uri)
    if runs != n_trials:
        raise RuntimeError(f"{label}: {runs} MLflow runs for {n_trials} trials")
    return bare, with_callback - bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import mlflow
    import optuna
    import optuna_integration

    warnings.filterwarnings("ignore")
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.ERROR)
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    load_before = os.getloadavg()[0]
    results: dict[str, list[tuple[float, float]]] = {"albacore": [], "optuna": []}
    with tempfile.TemporaryDirectory() as directory:
        for repeat in range(args.repeats):
            for library in results:
                results[library].append(_measure(library, args.trials, directory, f"{library}{repeat}"))

    def median(library: str, index: int) -> float:
        return statistics.median(row[index] for row in results[library]) * 1000

    print(f"MLflowCallback cost per trial, SQLite tracking store, {args.trials} trials, median of {args.repeats} runs")
    print(f"albacore {albacore.__version__}, optuna {optuna.__version__}, "
          f"optuna-integration {optuna_integration.__version__}, mlflow {mlflow.__version__}, "
          f"Python {platform.python_version()}")
    print("every trial became exactly one MLflow run (checked with mlflow.search_runs)")
    print(f"{os.cpu_count()} CPUs, 1-minute load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} "
          "after the runs (SQLite commits dominate the callbacks' cost and slow down under load)")
    print()
    print(f"{'':34}{'albacore ms':>12}{'optuna ms':>12}{'ratio':>8}")
    for label, index in (("trial without callback", 0), ("callback (with - without)", 1)):
        ours, theirs = median("albacore", index), median("optuna", index)
        print(f"{label:34}{ours:12.3f}{theirs:12.3f}{ours / theirs:8.2f}")
    print()
    print("target: callback ratio <= 1.00 (albacore's callback costs at most what optuna-integration's does)")


if __name__ == "__main__":
    main()
