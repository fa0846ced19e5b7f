"""Which hyperparameters mattered? Parameter importances of a study.

A random search over a decision tree on scikit-learn's breast-cancer data, then the
importance of each hyperparameter by PED-ANOVA (the default) and by fANOVA.

Run:
    python examples/param_importances.py [--trials 60]
"""

from __future__ import annotations

import argparse

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import cross_val_score
from sklearn.tree import DecisionTreeClassifier

import albacore
from albacore.importance import FanovaImportanceEvaluator, get_param_importances

X, Y = load_breast_cancer(return_X_y=True)


def objective(trial: albacore.Trial) -> float:
    model = DecisionTreeClassifier(
        max_depth=trial.suggest_int("max_depth", 1, 12),
        min_samples_leaf=trial.suggest_int("min_samples_leaf", 1, 64, log=True),
        criterion=trial.suggest_categorical("criterion", ["gini", "entropy"]),
        ccp_alpha=trial.suggest_float("ccp_alpha", 1e-5, 1e-1, log=True),
        random_state=0,
    )
    return float(cross_val_score(model, X, Y, cv=3).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description="Parameter importances of a decision-tree search.")
    parser.add_argument("--trials", type=int, default=60)
    args = parser.parse_args()
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.create_study(direction="maximize", sampler=albacore.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=args.trials)
    print(f"best accuracy {study.best_value:.4f} with {study.best_params}")
    for title, evaluator in (("PED-ANOVA", None), ("fANOVA", FanovaImportanceEvaluator(seed=0))):
        print(f"importances ({title}):")
        for name, importance in get_param_importances(study, evaluator=evaluator).items():
            print(f"  {name:18} {importance:.3f}")


if __name__ == "__main__":
    main()
