"""One device per worker process: optimize(..., executor="process", devices=[...]).

Run: python examples/pytorch_devices.py --n-trials 8

Each of the worker processes sees only its own GPU (CUDA_VISIBLE_DEVICES is set before the
objective is loaded), so the objective simply uses "cuda". On a machine without two GPUs
the workers get "cpu" and the example runs there.
"""

from __future__ import annotations

import argparse
import os

import torch

import albacore


def objective(trial: albacore.Trial) -> float:
    device = "cuda" if torch.cuda.is_available() else "cpu"  # cuda is this worker's own GPU
    lr = trial.suggest_float("lr", 1e-3, 1e-1, log=True)
    hidden = trial.suggest_int("hidden", 4, 32, log=True)
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(256, 8, generator=generator)
    y = (X[:, :2].sum(1, keepdim=True) > 0).float()
    X, y = X.to(device), y.to(device)
    model = torch.nn.Sequential(torch.nn.Linear(8, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1)).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for _ in range(50):
        optimizer.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(X), y)
        loss.backward()
        optimizer.step()
    trial.set_user_attr("device", os.environ["ALBACORE_DEVICE"])
    return loss.item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-trials", type=int, default=8)
    parser.add_argument("--storage", default="sqlite:///pytorch_devices.db")
    args = parser.parse_args()
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    n_gpus = torch.cuda.device_count()
    devices = [f"cuda:{i}" for i in range(n_gpus)] if n_gpus >= 2 else ["cpu", "cpu"]
    study = albacore.create_study(storage=args.storage)
    study.optimize(objective, n_trials=args.n_trials, n_jobs=len(devices), executor="process", devices=devices)
    used = sorted({t.user_attrs["device"] for t in study.trials})
    print(f"trials: {len(study.trials)} on devices {used}; best loss {study.best_value:.4f}")


if __name__ == "__main__":
    main()
