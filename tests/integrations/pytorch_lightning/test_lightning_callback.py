"""PyTorchLightningPruningCallback with both Trainers (pytorch_lightning and lightning.pytorch).

Single process, and 2-process CPU DDP (gloo).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import lightning.pytorch
import pytest
import pytorch_lightning
import torch

import albacore
from albacore.integrations.pytorch_lightning import PyTorchLightningPruningCallback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _lightning_models import MODELS, PACKAGES, loaders, trainer  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")

BOTH = pytest.mark.parametrize("package", ["pytorch_lightning", "lightning"])


class Recorder(pytorch_lightning.Callback, lightning.pytorch.Callback):
    def __init__(self) -> None:
        self.values: list[float] = []

    def on_validation_end(self, trainer, pl_module) -> None:
        if not trainer.sanity_checking:
            self.values.append(float(trainer.callback_metrics["val_loss"]))


def _fit(callbacks, package: str, max_epochs: int = 5):
    PACKAGES[package].seed_everything(0, verbose=False)
    model = MODELS[package]()
    fit = trainer(callbacks, max_epochs, package=package)
    fit.fit(model, *loaders())
    return fit, model


@BOTH
def test_reported_values_equal_logged_and_unpruned_training_is_unchanged(study_factory, package) -> None:
    study = study_factory("minimize")
    trial = study.ask()
    recorder = Recorder()
    _, model = _fit([PyTorchLightningPruningCallback(trial, "val_loss"), recorder], package)
    _, plain = _fit([], package)
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert [reported[i] for i in range(5)] == pytest.approx(recorder.values)
    torch.testing.assert_close(model.layer.weight, plain.layer.weight, rtol=0, atol=0)


@BOTH
def test_pruning_raises_at_the_epoch(study_factory, package) -> None:
    study = study_factory("minimize", prune_from=2)
    trial = study.ask()
    recorder = Recorder()
    with pytest.raises(albacore.TrialPruned, match="pruned at epoch 2"):
        _fit([PyTorchLightningPruningCallback(trial, "val_loss"), recorder], package, max_epochs=10)
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1, 2]
    assert len(recorder.values) == 2  # the Trainer stopped in epoch 2's validation, before the recorder


@BOTH
def test_a_single_callback_not_in_a_list_prunes(study_factory, package) -> None:
    study = study_factory("minimize", prune_from=1)
    with pytest.raises(albacore.TrialPruned, match="pruned at epoch 1"):
        _fit(PyTorchLightningPruningCallback(study.ask(), "val_loss"), package, max_epochs=10)


@BOTH
def test_unknown_monitor_lists_logged_metrics(study_factory, package) -> None:
    trial = study_factory().ask()
    with pytest.raises(ValueError, match=r"monitor='val_acc'.*available: 'val_loss'"):
        _fit([PyTorchLightningPruningCallback(trial, "val_acc")], package)


def test_callback_is_a_callback_of_both_packages_pickles_and_check_pruned_is_quiet(study_factory) -> None:
    trial = study_factory().ask()
    callback = pickle.loads(pickle.dumps(PyTorchLightningPruningCallback(trial, "val_loss")))
    assert isinstance(callback, pytorch_lightning.Callback)
    assert isinstance(callback, lightning.pytorch.Callback)
    callback.check_pruned()


@BOTH
def test_ddp_stops_every_rank_and_check_pruned_raises(tmp_path, package) -> None:
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_ddp_script.py")
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, script, str(tmp_path), "1", package], env=env, capture_output=True,
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
    pytorch_lightning.seed_everything(0, verbose=False)
    trainer([callback], max_epochs=8, strategy="ddp_fork", devices=2).fit(MODELS["pytorch_lightning"](), *loaders())
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


@pytest.mark.parametrize(
    ("missing", "present"), [("lightning", "pytorch_lightning"), ("pytorch_lightning", "lightning.pytorch")]
)
def test_one_package_is_enough(missing, present) -> None:
    # Import the integration with one package made unimportable: the callback subclasses the other's Callback.
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] == {missing!r}:\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        f"import {present}\n"
        "from albacore.integrations.pytorch_lightning import PyTorchLightningPruningCallback as C\n"
        f"print([b.__module__.split('.')[0] for b in C.__bases__], issubclass(C, {present}.Callback))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [f"['{present.split('.')[0]}']", "True"]
