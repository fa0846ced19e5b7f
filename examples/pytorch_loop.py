"""Tune a small PyTorch MLP on digits in a plain training loop, pruning by epoch.

Run: python examples/pytorch_loop.py --n-trials 20 --epochs 10
"""

import argparse

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import albacore
from albacore.integrations.pytorch import report_and_maybe_prune


def objective(trial, data, epochs):
    X_train, X_valid, y_train, y_valid = data
    hidden = trial.suggest_int("hidden", 8, 128, log=True)
    lr = trial.suggest_float("lr", 1e-3, 1e-1, log=True)
    model = torch.nn.Sequential(torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    accuracy = 0.0
    for epoch in range(epochs):
        for batch in torch.split(torch.randperm(len(X_train)), 64):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(X_train[batch]), y_train[batch]).backward()
            optimizer.step()
        with torch.no_grad():
            accuracy = (model(X_valid).argmax(1) == y_valid).float().mean()
        report_and_maybe_prune(trial, accuracy, epoch)  # raises TrialPruned when pruned
    return float(accuracy)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    torch.manual_seed(0)
    X, y = load_digits(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(X / 16.0, y, random_state=0)
    data = (torch.tensor(X_train, dtype=torch.float32), torch.tensor(X_valid, dtype=torch.float32),
            torch.tensor(y_train), torch.tensor(y_valid))
    study = albacore.create_study(direction="maximize")
    study.optimize(lambda trial: objective(trial, data, args.epochs), n_trials=args.n_trials)
    print(f"trials: {len(study.trials)}; best accuracy: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
