"""Rank hyperparameters of a scikit-learn model by their mean absolute SHAP value.

Run: python examples/shap_importance.py --n-trials 60
"""

import argparse

from sklearn.datasets import load_diabetes
from sklearn.linear_model import ElasticNet
from sklearn.model_selection import cross_val_score

import albacore
from albacore.integrations.shap import ShapleyImportanceEvaluator


def objective(trial, X, y):
    model = ElasticNet(
        alpha=trial.suggest_float("alpha", 1e-4, 10.0, log=True),
        l1_ratio=trial.suggest_float("l1_ratio", 0.0, 1.0),
        fit_intercept=trial.suggest_categorical("fit_intercept", [True, False]),
        max_iter=trial.suggest_int("max_iter", 1000, 5000),
    )
    return cross_val_score(model, X, y, cv=3, scoring="r2").mean()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=60)
    args = parser.parse_args()
    X, y = load_diabetes(return_X_y=True)
    study = albacore.create_study(direction="maximize", sampler=albacore.samplers.RandomSampler(seed=0))
    study.optimize(lambda trial: objective(trial, X, y), n_trials=args.n_trials)
    importances = albacore.importance.get_param_importances(study, evaluator=ShapleyImportanceEvaluator(seed=0))
    print(f"trials: {len(study.trials)}; best r2: {study.best_value:.4f}")
    for name, share in importances.items():
        print(f"  {name:>14}: {share:.3f}")


if __name__ == "__main__":
    main()
