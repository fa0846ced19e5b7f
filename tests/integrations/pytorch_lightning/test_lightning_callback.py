"""PyTorchLightningPruningCallback: single process, and 2-process CPU DDP (gloo)."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest

import pytorch_lightning as pl  # noqa: E402
import torch  # noqa: E402

import albacore  # noqa: E402
from albacore.integrations.pytorch_lightning import PyTorchLightningPruningCallback  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _lightning_models import TinyRegressor, loaders, trainer  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


class Recorder(pl.Callback):
    def __init__(self) -> None:
        self.values: list[float] = []

    def on_validation_end(self, trainer, pl_module) -> None:
        if not trainer.sanity_checking:
            self.values.append(float(trainer.callback_metrics["val_loss"]))


def _fit(callbacks: list, max_epochs: int = 5) -> tuple[pl.Trainer, TinyRegressor]:
    pl.seed_everything(0, verbose=False)
    model = TinyRegressor()
    fit = trainer(callbacks, max_epochs)
    fit.fit(model, *loaders())
    return fit, model


def test_reported_values_equal_logged_and_unpruned_training_is_unchanged(study_factory) -> None:
    study = study_factory("minimize")
    trial = study.ask()
    recorder = Recorder()
    _, model = _fit([PyTorchLightningPruningCallback(trial, "val_loss"), recorder])
    _, plain = _fit([])
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert [reported[i] for i in range(5)] == pytest.approx(recorder.values)
    torch.testing.assert_close(model.layer.weight, plain.layer.weight, rtol=0, atol=0)


def test_pruning_raises_at_the_epoch(study_factory) -> None:
    study = study_factory("minimize", prune_from=2)
    trial = study.ask()
    recorder = Recorder()
    with pytest.raises(albacore.TrialPruned, match="pruned at epoch 2"):
        _fit([PyTorchLightningPruningCallback(trial, "val_loss"), recorder], max_epochs=10)
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1, 2]


def test_unknown_monitor_lists_logged_metrics(study_factory) -> None:
    trial = study_factory().ask()
    with pytest.raises(ValueError, match=r"monitor='val_acc'.*available: 'val_loss'"):
        _fit([PyTorchLightningPruningCallback(trial, "val_acc")])


def test_callback_pickles_and_check_pruned_is_quiet_when_not_pruned(study_factory) -> None:
    trial = study_factory().ask()
    callback = pickle.loads(pickle.dumps(PyTorchLightningPruningCallback(trial, "val_loss")))
    assert isinstance(callback, pl.Callback)
    callback.check_pruned()


def test_ddp_stops_every_rank_and_check_pruned_raises(tmp_path) -> None:
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_ddp_script.py")
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, script, str(tmp_path), "1"], env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    rank0 = json.loads((tmp_path / "rank0.json").read_text())
    rank1 = json.loads((tmp_path / "rank1.json").read_text())
    assert rank0["world_size"] == rank1["world_size"] == 2
    # Rank 0 reported epochs 0 and 1, the pruner said stop at 1, and both ranks stopped there.
    assert rank0["reported_steps"] == [0, 1]
    assert rank1["reported_steps"] == []
    assert rank0["epochs_run"] == rank1["epochs_run"] == 2
    assert rank0["system_attrs"]["ddp_pl:pruned"] is True
    assert rank0["system_attrs"]["ddp_pl:epoch"] == 1
    for rank in (rank0, rank1):
        assert "pruned at epoch 1" in rank["pruned_message"]


def test_forked_ddp_decision_reaches_the_parent_through_the_storage(tmp_path) -> None:
    # With ddp_fork / ddp_spawn the ranks are child processes: the parent learns of the pruning
    # decision from the trial's system attributes in a storage every process shares.
    study = albacore.create_study(storage=f"sqlite:///{tmp_path / 'ddp.db'}", pruner=_PruneFrom(1))
    trial = study.ask()
    callback = PyTorchLightningPruningCallback(trial, "val_loss")
    pl.seed_everything(0, verbose=False)
    trainer([callback], max_epochs=8, strategy="ddp_fork", devices=2).fit(TinyRegressor(), *loaders())
    with pytest.raises(albacore.TrialPruned, match="pruned at epoch 1"):
        callback.check_pruned()
    frozen = study.get_trials(deepcopy=False)[0]
    assert sorted(frozen.intermediate_values) == [0, 1]
    assert frozen.system_attrs["ddp_pl:pruned"] is True


class _PruneFrom(albacore.pruners.BasePruner):
    def __init__(self, step: int) -> None:
        self.step = step

    def prune(self, study, trial) -> bool:
        return trial.last_step is not None and trial.last_step >= self.step
