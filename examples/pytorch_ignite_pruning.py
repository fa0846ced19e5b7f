"""Tune a small PyTorch MLP trained with Ignite on the digits data, pruning by validation accuracy.

Run: python examples/pytorch_ignite_pruning.py --n-trials 20 --epochs 10
"""

import argparse

import torch
from ignite.engine import Events, create_supervised_evaluator, create_supervised_trainer
from ignite.metrics import Accuracy
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

import albacore
from albacore.integrations.pytorch_ignite import PyTorchIgnitePruningHandler


def make_loaders():
    X, y = load_digits(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)

    def loader(X, y, shuffle):
        data = TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))
        return DataLoader(data, batch_size=64, shuffle=shuffle)

    return loader(X_train, y_train, True), loader(X_valid, y_valid, False)


def objective(trial, train_loader, valid_loader, epochs):
    hidden = trial.suggest_int("hidden", 8, 128, log=True)
    model = torch.nn.Sequential(torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=trial.suggest_float("lr", 1e-4, 1e-1, log=True))
    trainer = create_supervised_trainer(model, optimizer, torch.nn.CrossEntropyLoss())
    evaluator = create_supervised_evaluator(model, metrics={"accuracy": Accuracy()})
    evaluator.add_event_handler(Events.COMPLETED, PyTorchIgnitePruningHandler(trial, "accuracy", trainer))
    trainer.add_event_handler(Events.EPOCH_COMPLETED, lambda engine: evaluator.run(valid_loader))
    trainer.run(train_loader, max_epochs=epochs)
    return evaluator.state.metrics["accuracy"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    torch.manual_seed(0)
    train_loader, valid_loader = make_loaders()
    study = albacore.create_study(direction="maximize", pruner=albacore.pruners.MedianPruner(n_warmup_steps=2))
    study.optimize(lambda trial: objective(trial, train_loader, valid_loader, args.epochs), n_trials=args.n_trials)
    print(f"trials: {len(study.trials)}; best accuracy: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
