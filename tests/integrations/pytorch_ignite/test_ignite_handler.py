"""PyTorchIgnitePruningHandler on a real Ignite trainer/evaluator pair."""

from __future__ import annotations

import pytest
import torch
from ignite.engine import Events, create_supervised_evaluator, create_supervised_trainer
from ignite.metrics import Accuracy, Loss
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler
from torch.utils.data import DataLoader, TensorDataset

import albacore
from albacore.integrations.pytorch_ignite import PyTorchIgnitePruningHandler

EPOCHS = 4


@pytest.fixture(scope="module")
def loaders() -> tuple[DataLoader, DataLoader]:
    X, y = load_breast_cancer(return_X_y=True)
    X = torch.tensor(StandardScaler().fit_transform(X), dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.long)
    train = DataLoader(TensorDataset(X[:400], y[:400]), batch_size=64)
    valid = DataLoader(TensorDataset(X[400:], y[400:]), batch_size=200)
    return train, valid


def _run(trial: albacore.Trial, loaders, metric: str = "loss") -> list[dict]:
    """Train EPOCHS epochs, validating after each; return the evaluator's metrics per epoch."""
    torch.manual_seed(0)
    model = torch.nn.Linear(30, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    loss = torch.nn.CrossEntropyLoss()
    trainer = create_supervised_trainer(model, optimizer, loss)
    evaluator = create_supervised_evaluator(model, metrics={"accuracy": Accuracy(), "loss": Loss(loss)})
    seen: list[dict] = []
    evaluator.add_event_handler(Events.COMPLETED, lambda engine: seen.append(dict(engine.state.metrics)))
    evaluator.add_event_handler(Events.COMPLETED, PyTorchIgnitePruningHandler(trial, metric, trainer))
    trainer.add_event_handler(Events.EPOCH_COMPLETED, lambda engine: evaluator.run(loaders[1]))
    trainer.run(loaders[0], max_epochs=EPOCHS)
    return seen


def test_pruned_at_the_pruning_epoch(study_factory, loaders) -> None:
    study = study_factory("minimize", prune_from=2)
    with pytest.raises(albacore.TrialPruned, match="Trial 0 pruned at epoch 2"):
        _run(study.ask(), loaders)
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [1, 2]


def test_not_pruned_reports_the_evaluator_metric_each_epoch(study_factory, loaders) -> None:
    study = study_factory("maximize")
    seen = _run(study.ask(), loaders, metric="accuracy")
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert reported == {epoch: seen[epoch - 1]["accuracy"] for epoch in range(1, EPOCHS + 1)}


@pytest.mark.parametrize("pruned", [True, False])
def test_threshold_pruner_decides_from_the_reported_accuracy(loaders, pruned) -> None:
    accuracy = [m["accuracy"] for m in _run(albacore.create_study(direction="maximize").ask(), loaders, "accuracy")]
    # Warm-up covers epoch 1; from epoch 2 on the trial is pruned once accuracy is under the bound.
    bound = accuracy[1] + 1e-9 if pruned else min(accuracy[1:]) - 1e-9
    study = albacore.create_study(direction="maximize",
                                  pruner=albacore.pruners.ThresholdPruner(lower=bound, n_warmup_steps=2))
    if pruned:
        with pytest.raises(albacore.TrialPruned, match="pruned at epoch 2"):
            _run(study.ask(), loaders, "accuracy")
    else:
        _run(study.ask(), loaders, "accuracy")
        assert len(study.get_trials(deepcopy=False)[0].intermediate_values) == EPOCHS


def test_unknown_metric_lists_the_attached_ones(study_factory, loaders) -> None:
    with pytest.raises(ValueError, match=r"metric='acc'.*available: 'accuracy', 'loss'"):
        _run(study_factory().ask(), loaders, metric="acc")


def test_bad_arguments(study_factory) -> None:
    trial = study_factory().ask()
    with pytest.raises(ValueError, match="metric must be a non-empty str, got metric=''"):
        PyTorchIgnitePruningHandler(trial, "", None)
    with pytest.raises(TypeError, match="trainer must be an ignite.engine.Engine, got trainer=str"):
        PyTorchIgnitePruningHandler(trial, "loss", "trainer")
