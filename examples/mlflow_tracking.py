"""Track every trial of a study in MLflow: one run per trial, read back with mlflow.search_runs.

The objective trains an SGD classifier on the digits data for a few epochs, reports the
validation accuracy after each one (logged as a step metric) and logs one extra metric of
its own through ``track_in_mlflow``. Browse the runs with ``mlflow ui --backend-store-uri
sqlite:///mlflow.db``.

Run: python examples/mlflow_tracking.py --n-trials 20 --tracking-uri sqlite:///mlflow.db
"""

import argparse
import os
import tempfile

import mlflow
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

import albacore
from albacore.integrations.mlflow import MLflowCallback


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--tracking-uri", default=None, help="default: an SQLite store in a temporary folder")
    args = parser.parse_args()
    uri = args.tracking_uri or f"sqlite:///{os.path.join(tempfile.mkdtemp(), 'mlflow.db')}"

    X, y = load_digits(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)
    classes = np.unique(y)
    callback = MLflowCallback(tracking_uri=uri, metric_name="accuracy")

    @callback.track_in_mlflow()
    def objective(trial):
        alpha = trial.suggest_float("alpha", 1e-6, 1e-1, log=True)
        loss = trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"])
        model = SGDClassifier(alpha=alpha, loss=loss, random_state=0)
        for epoch in range(args.epochs):
            model.partial_fit(X_train, y_train, classes=classes)
            accuracy = model.score(X_valid, y_valid)
            trial.report(accuracy, epoch)
            if trial.should_prune():
                raise albacore.TrialPruned()
        mlflow.log_metric("train_accuracy", model.score(X_train, y_train))
        return accuracy

    study = albacore.create_study(study_name="digits-sgd", direction="maximize")
    study.optimize(objective, n_trials=args.n_trials, callbacks=[callback])

    mlflow.set_tracking_uri(uri)
    runs = mlflow.search_runs(experiment_names=["digits-sgd"], order_by=["metrics.accuracy DESC"])
    best = runs.iloc[0]
    print(f"trials: {len(study.trials)}; MLflow runs: {len(runs)} in {uri}")
    print(f"best run: trial {best['tags.number']}, accuracy {best['metrics.accuracy']:.4f}, "
          f"alpha {float(best['params.alpha']):.2e}, loss {best['params.loss']}")


if __name__ == "__main__":
    main()
