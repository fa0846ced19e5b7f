"""Tune a skorch MLP classifier on the digits data, pruning by validation accuracy.

Run: python examples/skorch_pruning.py --n-trials 20 --epochs 20
"""

import argparse

import numpy as np
import skorch
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import albacore
from albacore.integrations.skorch import SkorchPruningCallback


class MLP(torch.nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.layers = torch.nn.Sequential(torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))

    def forward(self, X):
        return self.layers(X)


def objective(trial, data, epochs):
    X_train, X_test, y_train, y_test = data
    net = skorch.NeuralNetClassifier(
        MLP, module__hidden=trial.suggest_int("hidden", 8, 128, log=True),
        criterion=torch.nn.CrossEntropyLoss, optimizer=torch.optim.Adam,
        lr=trial.suggest_float("lr", 1e-4, 1e-1, log=True), max_epochs=epochs, batch_size=64, verbose=0,
        callbacks=[SkorchPruningCallback(trial, "valid_acc")],
    )
    net.fit(X_train, y_train)
    return float(np.mean(net.predict(X_test) == y_test))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    torch.manual_seed(0)
    X, y = load_digits(return_X_y=True)
    data = train_test_split((X / 16.0).astype(np.float32), y.astype(np.int64), test_size=0.25, random_state=0)
    study = albacore.create_study(direction="maximize", pruner=albacore.pruners.MedianPruner(n_warmup_steps=3))
    study.optimize(lambda trial: objective(trial, data, args.epochs), n_trials=args.n_trials)
    print(f"trials: {len(study.trials)}; best test accuracy: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
