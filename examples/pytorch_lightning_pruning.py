"""Tune a Lightning module on digits with PyTorchLightningPruningCallback (lightning.pytorch here;
the callback works with the pytorch_lightning package's Trainer the same way).

Run: python examples/pytorch_lightning_pruning.py --n-trials 10 --epochs 10
"""

import argparse

import lightning.pytorch as pl
import torch
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

import albacore
from albacore.integrations.pytorch_lightning import PyTorchLightningPruningCallback


class Classifier(pl.LightningModule):
    def __init__(self, hidden, lr):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10))
        self.lr = lr

    def training_step(self, batch, batch_idx):
        x, y = batch
        return torch.nn.functional.cross_entropy(self.net(x), y)

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val_acc", (self.net(x).argmax(1) == y).float().mean())

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def loaders():
    X, y = load_digits(return_X_y=True)
    X = torch.tensor(X / 16.0, dtype=torch.float32)
    y = torch.tensor(y)
    return (DataLoader(TensorDataset(X[:1400], y[:1400]), batch_size=64, shuffle=True),
            DataLoader(TensorDataset(X[1400:], y[1400:]), batch_size=256))


def objective(trial, epochs):
    model = Classifier(trial.suggest_int("hidden", 8, 128, log=True), trial.suggest_float("lr", 1e-3, 1e-1, log=True))
    pruning = PyTorchLightningPruningCallback(trial, monitor="val_acc")
    trainer = pl.Trainer(max_epochs=epochs, accelerator="cpu", callbacks=[pruning], logger=False,
                         enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, *loaders())
    pruning.check_pruned()  # needed only under DDP; harmless otherwise
    return trainer.callback_metrics["val_acc"].item()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    pl.seed_everything(0, verbose=False)
    study = albacore.create_study(direction="maximize")
    study.optimize(lambda trial: objective(trial, args.epochs), n_trials=args.n_trials)
    print(f"trials: {len(study.trials)}; best accuracy: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
