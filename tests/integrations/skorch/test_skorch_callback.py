"""SkorchPruningCallback with a real skorch NeuralNetClassifier."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import skorch
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler

import albacore
from albacore.integrations.skorch import SkorchPruningCallback

EPOCHS = 4


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X).astype(np.float32), y.astype(np.int64)


def _net(callbacks: list) -> skorch.NeuralNetClassifier:
    torch.manual_seed(0)
    return skorch.NeuralNetClassifier(
        torch.nn.Linear, module__in_features=30, module__out_features=2, criterion=torch.nn.CrossEntropyLoss,
        max_epochs=EPOCHS, lr=0.05, batch_size=64, train_split=skorch.dataset.ValidSplit(4, stratified=False),
        callbacks=callbacks, verbose=0,
    )


def test_pruned_at_the_pruning_epoch(study_factory, data) -> None:
    study = study_factory("minimize", prune_from=2)
    net = _net([("pruning", SkorchPruningCallback(study.ask(), "valid_loss"))])
    with pytest.raises(albacore.TrialPruned, match="Trial 0 pruned at epoch 2"):
        net.fit(*data)
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1, 2]
    assert len(net.history) == 3


def test_not_pruned_reports_the_history_and_trains_as_without_the_callback(study_factory, data) -> None:
    study = study_factory("maximize")
    net = _net([SkorchPruningCallback(study.ask(), "valid_acc")]).fit(*data)
    plain = _net([]).fit(*data)
    assert np.array_equal(net.predict_proba(data[0]), plain.predict_proba(data[0]))
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert reported == dict(enumerate(net.history[:, "valid_acc"]))
    assert len(reported) == EPOCHS


@pytest.mark.parametrize("pruned", [True, False])
def test_threshold_pruner_decides_from_the_reported_loss(data, pruned) -> None:
    loss = _net([]).fit(*data).history[:, "valid_loss"]
    # Warm-up covers epoch 0; from epoch 1 on the trial is pruned once the loss is above the bound.
    bound = loss[1] - 1e-9 if pruned else max(loss[1:]) + 1e-9
    study = albacore.create_study(pruner=albacore.pruners.ThresholdPruner(upper=bound, n_warmup_steps=1))
    net = _net([SkorchPruningCallback(study.ask(), "valid_loss")])
    if pruned:
        with pytest.raises(albacore.TrialPruned, match="pruned at epoch 1"):
            net.fit(*data)
    else:
        net.fit(*data)
        assert len(net.history) == EPOCHS


def test_unknown_monitor_lists_the_history_keys(study_factory, data) -> None:
    net = _net([SkorchPruningCallback(study_factory().ask(), "val_loss")])
    with pytest.raises(ValueError, match=r"monitor='val_loss'.*available: .*'train_loss'.*'valid_acc'.*'valid_loss'"):
        net.fit(*data)


def test_set_params_reaches_the_callback(study_factory, data) -> None:
    study = study_factory("maximize")
    net = _net([("pruning", SkorchPruningCallback(study.ask(), "valid_loss"))])
    net.set_params(callbacks__pruning__monitor="valid_acc")
    net.fit(*data)
    assert study.get_trials(deepcopy=False)[0].intermediate_values == dict(enumerate(net.history[:, "valid_acc"]))


def test_pickles_with_the_net(study_factory, data) -> None:
    net = _net([("pruning", SkorchPruningCallback(study_factory().ask(), "valid_loss"))]).fit(*data)
    restored = pickle.loads(pickle.dumps(net))
    callback = dict(restored.callbacks_)["pruning"]
    assert isinstance(callback, SkorchPruningCallback) and callback.monitor == "valid_loss"
    assert np.array_equal(restored.predict_proba(data[0]), net.predict_proba(data[0]))


def test_bad_monitor(study_factory) -> None:
    with pytest.raises(ValueError, match="monitor must be a non-empty str, got monitor=None"):
        SkorchPruningCallback(study_factory().ask(), None)
