"""One trial shared by two torch.distributed processes (gloo on CPU) with TorchDistributedTrial.

Rank 0 runs the study; rank 1 follows: every suggestion and pruning decision is broadcast.
Run: python examples/pytorch_distributed_gloo.py --n-trials 5
"""

import argparse
import os
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import albacore
from albacore.integrations.pytorch_distributed import TorchDistributedTrial


def objective(trial, epochs=8):
    trial = TorchDistributedTrial(trial)  # trial is None on rank 1
    lr = trial.suggest_float("lr", 1e-3, 1e-1, log=True)
    torch.manual_seed(dist.get_rank())  # each rank trains on its own shard
    x = torch.randn(128, 4)
    y = x @ torch.tensor([1.0, -2.0, 0.5, 1.5])
    weights = torch.zeros(4, requires_grad=True)
    loss = torch.tensor(0.0)
    for epoch in range(epochs):
        loss = torch.mean((x @ weights - y) ** 2)
        (grad,) = torch.autograd.grad(loss, weights)
        dist.all_reduce(grad)  # data-parallel gradient averaging
        with torch.no_grad():
            weights -= lr * grad / dist.get_world_size()
        mean_loss = loss.detach().clone()
        dist.all_reduce(mean_loss)
        trial.report(mean_loss.item() / dist.get_world_size(), epoch)
        if trial.should_prune():
            raise albacore.TrialPruned()
    return loss.item()


def worker(rank, init_file, n_trials):
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=2)
    if rank == 0:
        albacore.logging.set_verbosity(albacore.logging.WARNING)
        study = albacore.create_study(direction="minimize")
        study.optimize(objective, n_trials=n_trials)
        print(f"trials: {len(study.trials)}; best loss: {study.best_value:.4f} with {study.best_params}")
    else:
        for _ in range(n_trials):
            try:
                objective(None)
            except albacore.TrialPruned:
                pass
    dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mp.spawn(worker, args=(os.path.join(tmp, "init"), args.n_trials), nprocs=2)


if __name__ == "__main__":
    main()
