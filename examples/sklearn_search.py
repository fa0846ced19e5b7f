"""AlbacoreSearchCV: search an SGD classifier's hyperparameters on digits, with pruning.

Run: python examples/sklearn_search.py --n-trials 30
"""

import argparse

from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution
from albacore.integrations.sklearn import AlbacoreSearchCV


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=30)
    args = parser.parse_args()
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    search = AlbacoreSearchCV(
        SGDClassifier(random_state=0),
        {
            "alpha": FloatDistribution(1e-6, 1e-1, log=True),
            "penalty": CategoricalDistribution(["l2", "l1", "elasticnet"]),
        },
        cv=3,
        n_trials=args.n_trials,
        enable_pruning=True,  # partial_fit one epoch at a time; the study's pruner stops bad trials
        max_iter=10,
        random_state=0,
    )
    model = make_pipeline(StandardScaler(), search).fit(X_train, y_train)
    fitted = model[-1]
    pruned = sum(t.state == albacore.trial.TrialState.PRUNED for t in fitted.trials_)
    print(f"trials: {fitted.n_trials_}, pruned: {pruned}")
    print(f"best CV accuracy: {fitted.best_score_:.4f} with {fitted.best_params_}")
    print(f"test accuracy: {model.score(X_test, y_test):.4f}")


if __name__ == "__main__":
    main()
