"""Stop a search automatically once more trials are unlikely to beat the CV noise.

The objective reports its fold scores with ``report_cross_validation_scores``; the
``TerminatorCallback`` stops ``study.optimize`` when the GP's bound on the room left for
improvement falls below the spread of the best trial's cross-validation estimate.

Run:
    python examples/terminator.py [--max-trials 100]
"""

from __future__ import annotations

import argparse

from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import KFold, cross_val_score

import albacore
from albacore.terminator import TerminatorCallback, report_cross_validation_scores

X, Y = load_wine(return_X_y=True)


def objective(trial: albacore.Trial) -> float:
    model = RandomForestClassifier(
        n_estimators=trial.suggest_int("n_estimators", 5, 20),
        max_depth=trial.suggest_int("max_depth", 1, 8),
        max_features=trial.suggest_float("max_features", 0.1, 1.0),
        random_state=0,
    )
    scores = cross_val_score(model, X, Y, cv=KFold(n_splits=5, shuffle=True, random_state=0))
    report_cross_validation_scores(trial, scores)
    return float(scores.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description="A search stopped by the terminator.")
    parser.add_argument("--max-trials", type=int, default=100)
    args = parser.parse_args()
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.create_study(direction="maximize", sampler=albacore.samplers.TPESampler(seed=0))
    study.optimize(objective, n_trials=args.max_trials, callbacks=[TerminatorCallback()])
    print(f"stopped after {len(study.trials)} of at most {args.max_trials} trials")
    print(f"best accuracy {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
