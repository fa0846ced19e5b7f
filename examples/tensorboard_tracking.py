"""Compare the trials of a study in TensorBoard's HParams dashboard.

Each completed trial becomes a TensorBoard run holding its parameters and its validation
accuracy (the epochs' accuracies too). Then: ``tensorboard --logdir <logdir>`` and open
the HParams tab. Writing the logs needs only the ``tensorboard`` package.

Run: python examples/tensorboard_tracking.py --n-trials 20 --logdir runs/
"""

import argparse
import tempfile

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from tensorboard.backend.event_processing.event_multiplexer import EventMultiplexer

import albacore
from albacore.integrations.tensorboard import TensorBoardCallback


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--logdir", default=None, help="default: a temporary folder")
    args = parser.parse_args()
    logdir = args.logdir or tempfile.mkdtemp()

    X, y = load_digits(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)
    classes = np.unique(y)

    def objective(trial):
        alpha = trial.suggest_float("alpha", 1e-6, 1e-1, log=True)
        loss = trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"])
        model = SGDClassifier(alpha=alpha, loss=loss, random_state=0)
        for epoch in range(args.epochs):
            model.partial_fit(X_train, y_train, classes=classes)
            trial.report(model.score(X_valid, y_valid), epoch)
        return model.score(X_valid, y_valid)

    study = albacore.create_study(direction="maximize")
    study.optimize(objective, n_trials=args.n_trials, callbacks=[TensorBoardCallback(logdir, "accuracy")])

    runs = EventMultiplexer().AddRunsFromDirectory(logdir)
    runs.Reload()
    print(f"trials: {len(study.trials)}; TensorBoard runs: {len(runs.Runs())} in {logdir}")
    print(f"best: trial {study.best_trial.number}, accuracy {study.best_value:.4f}; "
          f"view with: tensorboard --logdir {logdir}")


if __name__ == "__main__":
    main()
