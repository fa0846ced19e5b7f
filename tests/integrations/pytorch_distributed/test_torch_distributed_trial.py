"""TorchDistributedTrial in a real 2-process gloo group on CPU."""

from __future__ import annotations

import json
import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import albacore
from albacore.integrations.pytorch_distributed import TorchDistributedTrial
from albacore.testing.pruners import StepPruner

N_TRIALS = 3


def _objective(trial: albacore.Trial | None, log: list) -> float:
    shared = TorchDistributedTrial(trial)
    x = shared.suggest_float("x", -1.0, 1.0)
    n = shared.suggest_int("n", 1, 4)
    kind = shared.suggest_categorical("kind", ["a", "b"])
    shared.set_user_attr("rank_count", dist.get_world_size())
    shared.set_constraint("x_below_half", x - 0.5)
    seen = {"number": shared.number, "x": x, "n": n, "kind": kind, "steps": [], "constraints": shared.constraints}
    log.append(seen)
    value = 0.0
    for step in range(5):
        total = torch.tensor([x + step + dist.get_rank()])
        dist.all_reduce(total)  # the training work of every rank
        value = float(total.item())
        shared.report(value, step)
        seen["steps"].append(step)
        if shared.should_prune():
            raise albacore.TrialPruned()
    seen["params"] = shared.params
    return value


def _worker(rank: int, init_file: str, out_dir: str, prune_from: int) -> None:
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=2)
    log: list = []
    result: dict = {"log": log}
    if rank == 0:
        study = albacore.create_study(pruner=StepPruner(prune_from), sampler=albacore.samplers.RandomSampler(seed=0))
        study.optimize(lambda t: _objective(t, log), n_trials=N_TRIALS)
        result["trials"] = [
            {
                "state": t.state.name,
                "steps": sorted(t.intermediate_values),
                "params": t.params,
                "user_attrs": t.user_attrs,
                "constraints": t.constraints,
            }
            for t in study.trials
        ]
        errors_trial = study.ask()
    else:
        for _ in range(N_TRIALS):
            try:
                _objective(None, log)
            except albacore.TrialPruned:
                pass
        errors_trial = None
    shared = TorchDistributedTrial(errors_trial)
    try:
        shared.suggest_float("bad", 1.0, 0.0)
    except ValueError as exc:
        result["error"] = str(exc)
    if rank == 0:
        try:
            TorchDistributedTrial(None)
        except ValueError as exc:
            result["none_on_rank0"] = str(exc)
    dist.destroy_process_group()
    with open(os.path.join(out_dir, f"rank{rank}.json"), "w") as f:
        json.dump(result, f)


def _run(tmp_path, prune_from: int) -> tuple[dict, dict]:
    mp.start_processes(_worker, args=(str(tmp_path / "init"), str(tmp_path), prune_from), nprocs=2, start_method="fork")
    return tuple(json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1))


def test_two_ranks_share_suggestions_and_pruning(tmp_path) -> None:
    rank0, rank1 = _run(tmp_path, prune_from=2)
    for seen0, seen1 in zip(rank0["log"], rank1["log"], strict=True):
        assert seen0 == seen1
    assert [seen["number"] for seen in rank0["log"]] == list(range(N_TRIALS))
    assert len({seen["x"] for seen in rank0["log"]}) == N_TRIALS
    for trial, seen in zip(rank0["trials"], rank0["log"]):
        assert trial["state"] == "PRUNED"
        assert trial["steps"] == seen["steps"] == [0, 1, 2]
        assert trial["params"] == {"x": seen["x"], "n": seen["n"], "kind": seen["kind"]}
        assert trial["user_attrs"] == {"rank_count": 2}
        assert trial["constraints"] == seen["constraints"] == {"x_below_half": seen["x"] - 0.5}
    # An error on rank 0 is raised on every rank, with rank 0's message.
    assert "low must be <= high" in rank0["error"]
    assert rank1["error"] == rank0["error"]
    assert "trial must be a Trial on rank 0 of the group, got trial=None" in rank0["none_on_rank0"]


def test_unpruned_trials_complete_with_all_ranks_agreeing(tmp_path) -> None:
    rank0, rank1 = _run(tmp_path, prune_from=100)
    assert [t["state"] for t in rank0["trials"]] == ["COMPLETE"] * N_TRIALS
    assert [seen["params"] for seen in rank1["log"]] == [t["params"] for t in rank0["trials"]]


def test_requires_an_initialized_process_group() -> None:
    with pytest.raises(RuntimeError, match="torch.distributed is not initialized"):
        TorchDistributedTrial(None)
