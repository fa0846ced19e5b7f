"""PyTorchLightningPruningCallback given several monitors in a multi-objective study."""

from __future__ import annotations

import os
import pickle
import sys

import lightning.pytorch
import pytest

import albacore
from albacore.integrations.pytorch_lightning import PyTorchLightningPruningCallback

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


DIRECTIONS = ["minimize", "minimize"]


def _fit(callbacks, max_epochs: int = 3):
    lightning.pytorch.seed_everything(0, verbose=False)
    trainer(callbacks, max_epochs, package="lightning").fit(TwoMetrics(), *loaders())


def test_reports_every_monitor_in_order(study_factory) -> None:
    study = study_factory(directions=DIRECTIONS)
    recorder = Recorder()
    _fit([PyTorchLightningPruningCallback(study.ask(), ["val_loss", "val_mae"]), recorder])
    reported = study.get_trials(deepcopy=False)[0].multi_intermediate_values
    assert [reported[i] for i in range(3)] == [pytest.approx(pair) for pair in recorder.values]


def test_prunes_and_bad_monitors_raise(study_factory) -> None:
    with pytest.raises(albacore.TrialPruned, match=r"pruned at epoch 1 \(values \["):
        fresh = study_factory(directions=DIRECTIONS, prune_from=1).ask()
        _fit([PyTorchLightningPruningCallback(fresh, ["val_loss", "val_mae"])])
    with pytest.raises(ValueError, match=r"LightningPruningCallback: monitor names 3 metrics but the study has 2"):
        fresh = study_factory(directions=DIRECTIONS).ask()
        _fit([PyTorchLightningPruningCallback(fresh, ["val_loss", "val_mae", "val_x"])])
    with pytest.raises(ValueError, match=r"monitor='val_x' is not among"):
        _fit([PyTorchLightningPruningCallback(study_factory(directions=DIRECTIONS).ask(), ["val_loss", "val_x"])])


def test_pickles_with_several_monitors(study_factory) -> None:
    callback = PyTorchLightningPruningCallback(study_factory(directions=DIRECTIONS).ask(), ["val_loss", "val_mae"])
    assert pickle.loads(pickle.dumps(callback)).monitor == ("val_loss", "val_mae")
