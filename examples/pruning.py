"""Stop unpromising trainings early with MedianPruner.

An SGD classifier is trained epoch by epoch (``partial_fit``) on scikit-learn's digits
data. After each epoch the validation accuracy is reported; the median pruner stops a
trial whose accuracy so far is below the median of the finished trials at the same epoch.

Run:
    python examples/pruning.py                      # 60 trials x 20 epochs
    python examples/pruning.py --trials 5 --epochs 3
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import albacore


def main() -> None:
    parser = argparse.ArgumentParser(description="MedianPruner on an SGD classifier")
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()

    x, y = load_digits(return_X_y=True)
    x_train, x_valid, y_train, y_valid = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)
    scaler = StandardScaler().fit(x_train)
    x_train, x_valid = scaler.transform(x_train), scaler.transform(x_valid)
    classes = np.unique(y)

    def objective(trial: albacore.Trial) -> float:
        model = SGDClassifier(
            loss=trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"]),
            alpha=trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
            learning_rate="constant",
            eta0=trial.suggest_float("eta0", 1e-4, 1.0, log=True),
            random_state=0,
        )
        for epoch in range(1, args.epochs + 1):
            model.partial_fit(x_train, y_train, classes=classes)
            accuracy = model.score(x_valid, y_valid)
            trial.report(accuracy, epoch)
            if trial.should_prune():
                raise albacore.TrialPruned(f"pruned at epoch {epoch} with accuracy {accuracy:.3f}")
        return accuracy

    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.create_study(
        direction="maximize",
        sampler=albacore.samplers.RandomSampler(seed=0),
        pruner=albacore.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=2),
    )
    study.optimize(objective, n_trials=args.trials)

    states = [t.state for t in study.trials]
    n_pruned = states.count(albacore.trial.TrialState.PRUNED)
    n_complete = states.count(albacore.trial.TrialState.COMPLETE)
    print(f"trials: {len(states)}, complete: {n_complete}, pruned: {n_pruned}")
    print(f"best accuracy: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
