"""Log a study to Weights & Biases, one W&B run per trial (offline unless told otherwise).

With ``as_multirun=True`` every trial is a run whose config holds its parameters, so W&B's
parallel-coordinates and parameter-importance panels compare the trials; ``track_in_wandb``
lets the objective log its own per-epoch metrics into its trial's run. The example runs in
W&B's offline mode unless ``WANDB_MODE`` says otherwise; upload offline runs with ``wandb sync``.

Run: python examples/wandb_tracking.py --n-trials 10 --project my-project
"""

import argparse
import os
import tempfile

import numpy as np
import wandb
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split

import albacore
from albacore.integrations.wandb import WeightsAndBiasesCallback


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--project", default="albacore-example")
    parser.add_argument("--dir", default=None, help="where W&B writes its files; default: a temporary folder")
    args = parser.parse_args()
    directory = args.dir or tempfile.mkdtemp()

    X, y = load_digits(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)
    classes = np.unique(y)
    callback = WeightsAndBiasesCallback(
        metric_name="accuracy",
        wandb_kwargs={
            "project": args.project,
            "dir": directory,
            "mode": os.environ.get("WANDB_MODE", "offline"),
            "settings": wandb.Settings(silent=True),
        },
        as_multirun=True,
    )

    @callback.track_in_wandb()
    def objective(trial):
        alpha = trial.suggest_float("alpha", 1e-6, 1e-1, log=True)
        loss = trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"])
        model = SGDClassifier(alpha=alpha, loss=loss, random_state=0)
        for epoch in range(args.epochs):
            model.partial_fit(X_train, y_train, classes=classes)
            wandb.log({"epoch_accuracy": model.score(X_valid, y_valid), "epoch": epoch})
        return model.score(X_valid, y_valid)

    study = albacore.create_study(study_name="digits-sgd", direction="maximize")
    study.optimize(objective, n_trials=args.n_trials, callbacks=[callback])
    print(f"trials: {len(study.trials)}; W&B runs in {os.path.join(directory, 'wandb')}")
    print(f"best: trial {study.best_trial.number}, accuracy {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
