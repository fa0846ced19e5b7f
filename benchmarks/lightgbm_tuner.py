"""LightGBMTunerCV, albacore vs Optuna 5.0 + optuna-integration, side by side.

For each bundled dataset both tuners get the same parameters, the same folds (seed 0), the
same early stopping and the same time budget; the table shows the tuned CV score (lower is
better for both metrics here), the number of trials and the wall time. Each tuner runs in a
fresh subprocess, alternating which goes first, so neither inherits the other's warm caches.

Run: nice -n 10 python benchmarks/lightgbm_tuner.py [--time-budget 60]
Output: benchmarks/results/lightgbm_tuner.txt
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import platform
import subprocess
import sys

RESULT = pathlib.Path(__file__).with_name("results") / "lightgbm_tuner.txt"

DATASETS = {
    "breast_cancer": {"loader": "load_breast_cancer", "params": {"objective": "binary", "metric": "binary_logloss"},
                      "stratified": True},
    "diabetes": {"loader": "load_diabetes", "params": {"objective": "regression", "metric": "l2"},
                 "stratified": False},
}

RUNNER = r"""
import json, sys, time, logging
import lightgbm as lgb
import sklearn.datasets
library, dataset, budget = sys.argv[1], sys.argv[2], float(sys.argv[3])
spec = json.loads(sys.argv[4])
X, y = getattr(sklearn.datasets, spec["loader"])(return_X_y=True)
params = {**spec["params"], "verbosity": -1, "num_threads": 1}
common = dict(num_boost_round=1000, nfold=5, stratified=spec["stratified"], shuffle=True,
              callbacks=[lgb.early_stopping(50, verbose=False)], time_budget=budget, show_progress_bar=False)
if library == "albacore":
    import albacore
    from albacore.integrations.lightgbm import LightGBMTunerCV
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    tuner = LightGBMTunerCV(params, lgb.Dataset(X, y), seed=0, **common)
else:
    import optuna
    from optuna_integration.lightgbm import LightGBMTunerCV
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    tuner = LightGBMTunerCV(params, lgb.Dataset(X, y), seed=0, optuna_seed=0, **common)
start = time.perf_counter()
tuner.run()
wall = time.perf_counter() - start
print(json.dumps({"score": tuner.best_score, "trials": len(tuner.study.trials), "wall": wall}))
"""


def run(library: str, dataset: str, budget: float) -> dict:
    spec = {k: v for k, v in DATASETS[dataset].items()}
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    out = subprocess.run([sys.executable, "-c", RUNNER, library, dataset, str(budget), json.dumps(spec)],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-budget", type=float, default=60.0)
    args = parser.parse_args()
    import lightgbm
    import optuna

    lines = [
        "LightGBMTunerCV: albacore vs Optuna 5.0 + optuna-integration (same params, folds, early stopping, budget)",
        f"python {platform.python_version()}, lightgbm {lightgbm.__version__}, optuna {optuna.__version__}, "
        f"time_budget={args.time_budget:g}s per run, 5-fold CV, early_stopping(50), num_threads=1",
        "",
        f"{'dataset':<14}{'metric':<16}{'albacore score':>16}{'optuna score':>14}{'albacore trials':>17}"
        f"{'optuna trials':>15}{'albacore wall s':>17}{'optuna wall s':>15}{'wall ratio':>12}",
    ]
    for index, dataset in enumerate(DATASETS):
        order = ("albacore", "optuna") if index % 2 == 0 else ("optuna", "albacore")
        results = {library: run(library, dataset, args.time_budget) for library in order}
        a, o = results["albacore"], results["optuna"]
        lines.append(
            f"{dataset:<14}{DATASETS[dataset]['params']['metric']:<16}{a['score']:>16.6f}{o['score']:>14.6f}"
            f"{a['trials']:>17}{o['trials']:>15}{a['wall']:>17.1f}{o['wall']:>15.1f}{a['wall'] / o['wall']:>12.2f}"
        )
        print(lines[-1], flush=True)
    lines += ["", "score: best 5-fold CV mean of the metric (lower is better); wall ratio: albacore / optuna."]
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
