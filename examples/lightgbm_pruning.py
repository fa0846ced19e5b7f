"""Tune a LightGBM classifier on breast cancer data, pruning unpromising trials.

Run: python examples/lightgbm_pruning.py --n-trials 30
"""

import argparse

import lightgbm as lgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import albacore
from albacore.integrations.lightgbm import LightGBMPruningCallback


def objective(trial, data):
    X_train, X_valid, y_train, y_valid = data
    dtrain = lgb.Dataset(X_train, y_train)
    dvalid = lgb.Dataset(X_valid, y_valid, reference=dtrain)
    params = {
        "objective": "binary",
        "metric": "binary_logloss",
        "verbosity": -1,
        "num_leaves": trial.suggest_int("num_leaves", 2, 64, log=True),
        "learning_rate": trial.suggest_float("learning_rate", 1e-2, 0.3, log=True),
        "feature_fraction": trial.suggest_float("feature_fraction", 0.4, 1.0),
        "min_child_samples": trial.suggest_int("min_child_samples", 5, 50),
    }
    booster = lgb.train(
        params, dtrain, num_boost_round=100, valid_sets=[dvalid],
        callbacks=[LightGBMPruningCallback(trial, "binary_logloss")],
    )
    return booster.best_score["valid_0"]["binary_logloss"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=30)
    args = parser.parse_args()
    X, y = load_breast_cancer(return_X_y=True)
    data = train_test_split(X, y, test_size=0.25, random_state=0)
    study = albacore.create_study(direction="minimize", pruner=albacore.pruners.MedianPruner(n_warmup_steps=10))
    study.optimize(lambda trial: objective(trial, data), n_trials=args.n_trials)
    pruned = [t for t in study.trials if t.state == albacore.trial.TrialState.PRUNED]
    print(f"trials: {len(study.trials)}, pruned: {len(pruned)}")
    print(f"best logloss: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
