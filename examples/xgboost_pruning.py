"""Tune an XGBoost classifier on breast cancer data, pruning unpromising trials.

Run: python examples/xgboost_pruning.py --n-trials 30
"""

import argparse

import xgboost as xgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import albacore
from albacore.integrations.xgboost import XGBoostPruningCallback


def objective(trial, dtrain, dvalid, rounds):
    params = {
        "objective": "binary:logistic",
        "eval_metric": "auc",
        "max_depth": trial.suggest_int("max_depth", 1, 8),
        "eta": trial.suggest_float("eta", 1e-2, 0.5, log=True),
        "subsample": trial.suggest_float("subsample", 0.5, 1.0),
        "lambda": trial.suggest_float("lambda", 1e-6, 10.0, log=True),
    }
    booster = xgb.train(
        params, dtrain, num_boost_round=rounds, evals=[(dvalid, "validation")], verbose_eval=False,
        callbacks=[XGBoostPruningCallback(trial, "validation-auc")],
    )
    return float(booster.eval(dvalid).split(":")[1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.25, random_state=0)
    dtrain, dvalid = xgb.DMatrix(X_train, y_train), xgb.DMatrix(X_valid, y_valid)
    study = albacore.create_study(direction="maximize", pruner=albacore.pruners.MedianPruner(n_warmup_steps=5))
    study.optimize(lambda trial: objective(trial, dtrain, dvalid, args.rounds), n_trials=args.n_trials)
    print(f"trials: {len(study.trials)}; best AUC: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
