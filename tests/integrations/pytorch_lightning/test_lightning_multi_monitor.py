"""PyTorchLightningPruningCallback given several monitors in a multi-objective study."""

from __future__ import annotations

import os
import pickle
import sys

import lightning.pytorch
import pytest

import albacore
from albacore.integrations.pytorch_lightning import PyTorchLightningPruningCallback
from albacore.pruners import BasePruner

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _lightning_models import TinyRegressorL, loaders, trainer  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


class TwoMetrics(TinyRegressorL):
    def validation_step(self, batch, batch_idx):
        x, y = batch
        error = self.layer(x).squeeze(-1) - y
        self.log("val_loss", (error**2).mean())
        self.log("val_mae", error.abs().mean())


class Recorder(lightning.pytorch.Callback):
    def __init__(self) -> None:
        self.values: list[tuple[float, float]] = []

    def on_validation_end(self, trainer, pl_module) -> None:
        if not trainer.sanity_checking:
            metrics = trainer.callback_metrics
            self.values.append((float(metrics["val_loss"]), float(metrics["val_mae"])))


class PruneFrom(BasePruner):
    supports_multi_objective = True

    def __init__(self, step: int | None) -> None:
        self.step = step

    def prune(self, study, trial) -> bool:
        return self.step is not None and trial.last_step >= self.step


def _study(prune_from=None):
    return albacore.create_study(directions=["minimize", "minimize"], pruner=PruneFrom(prune_from))


def _fit(callbacks, max_epochs: int = 3):
    lightning.pytorch.seed_everything(0, verbose=False)
    trainer(callbacks, max_epochs, package="lightning").fit(TwoMetrics(), *loaders())


def test_reports_every_monitor_in_order() -> None:
    study = _study()
    recorder = Recorder()
    _fit([PyTorchLightningPruningCallback(study.ask(), ["val_loss", "val_mae"]), recorder])
    reported = study.get_trials(deepcopy=False)[0].multi_intermediate_values
    assert [reported[i] for i in range(3)] == [pytest.approx(pair) for pair in recorder.values]


def test_prunes_and_bad_monitors_raise() -> None:
    with pytest.raises(albacore.TrialPruned, match=r"pruned at epoch 1 \(values \["):
        _fit([PyTorchLightningPruningCallback(_study(prune_from=1).ask(), ["val_loss", "val_mae"])])
    with pytest.raises(ValueError, match=r"LightningPruningCallback: monitor names 3 metrics but the study has 2"):
        _fit([PyTorchLightningPruningCallback(_study().ask(), ["val_loss", "val_mae", "val_x"])])
    with pytest.raises(ValueError, match=r"monitor='val_x' is not among"):
        _fit([PyTorchLightningPruningCallback(_study().ask(), ["val_loss", "val_x"])])


def test_pickles_with_several_monitors() -> None:
    callback = PyTorchLightningPruningCallback(_study().ask(), ["val_loss", "val_mae"])
    assert pickle.loads(pickle.dumps(callback)).monitor == ("val_loss", "val_mae")
