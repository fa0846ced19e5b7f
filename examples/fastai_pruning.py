"""Tune a fastai Learner (a small MLP on the digits data), pruning by validation accuracy.

Needs ``pip install 'albacore[fastai]'`` (fastai's tabular/basic parts; torchvision is not imported).

Run: python examples/fastai_pruning.py --n-trials 20 --epochs 10
"""

import argparse

import torch
from fastai.basics import CrossEntropyLossFlat, DataLoaders, Learner, accuracy
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import TensorDataset

import albacore
from albacore.integrations.fastai import FastAIPruningCallback


def make_dataloaders(batch_size):
    X, y = load_digits(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(X / 16.0, y, test_size=0.25, random_state=0)

    def dataset(X, y):
        return TensorDataset(torch.tensor(X, dtype=torch.float32), torch.tensor(y))

    return DataLoaders.from_dsets(dataset(X_train, y_train), dataset(X_valid, y_valid), bs=batch_size)


def objective(trial, epochs):
    dls = make_dataloaders(trial.suggest_categorical("batch_size", [32, 64, 128]))
    hidden = trial.suggest_int("hidden", 8, 128, log=True)
    model = torch.nn.Sequential(torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))
    learn = Learner(dls, model, loss_func=CrossEntropyLossFlat(), metrics=accuracy)
    with learn.no_bar(), learn.no_logging():
        learn.fit(epochs, lr=trial.suggest_float("lr", 1e-4, 1e-1, log=True),
                  cbs=FastAIPruningCallback(trial, monitor="accuracy"))
        return float(learn.validate()[1])  # validate() gives [valid_loss, accuracy]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    torch.manual_seed(0)
    study = albacore.create_study(direction="maximize", pruner=albacore.pruners.MedianPruner(n_warmup_steps=2))
    study.optimize(lambda trial: objective(trial, args.epochs), n_trials=args.n_trials)
    print(f"trials: {len(study.trials)}; best accuracy: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
