"""Tune a CatBoost classifier on breast cancer data, pruning unpromising trials.

CatBoost cannot raise from inside a callback, so the callback stops training and
``check_pruned()`` raises ``TrialPruned`` after ``fit``.

Run: python examples/catboost_pruning.py --n-trials 30
"""

import argparse

import catboost
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import albacore
from albacore.integrations.catboost import CatBoostPruningCallback


def objective(trial, data, iterations):
    X_train, X_valid, y_train, y_valid = data
    model = catboost.CatBoostClassifier(
        iterations=iterations,
        depth=trial.suggest_int("depth", 1, 8),
        learning_rate=trial.suggest_float("learning_rate", 1e-2, 0.5, log=True),
        l2_leaf_reg=trial.suggest_float("l2_leaf_reg", 1e-3, 10.0, log=True),
        eval_metric="AUC", thread_count=1, verbose=0, allow_writing_files=False,
    )
    pruning = CatBoostPruningCallback(trial, "AUC")
    model.fit(X_train, y_train, eval_set=[(X_valid, y_valid)], callbacks=[pruning])
    pruning.check_pruned()
    return model.get_best_score()["validation"]["AUC"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=30)
    parser.add_argument("--iterations", type=int, default=100)
    args = parser.parse_args()
    X, y = load_breast_cancer(return_X_y=True)
    data = train_test_split(X, y, test_size=0.25, random_state=0)
    study = albacore.create_study(direction="maximize", pruner=albacore.pruners.MedianPruner(n_warmup_steps=5))
    study.optimize(lambda trial: objective(trial, data, args.iterations), n_trials=args.n_trials)
    print(f"trials: {len(study.trials)}; best AUC: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
