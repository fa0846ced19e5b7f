"""FastAIPruningCallback (fastai v2) with a real Learner on tabular data.

fastai is not part of the ``all`` extra (see pyproject.toml: its torchvision requirement
pulls a CUDA build from PyPI that breaks importing torchmetrics against the CPU torch). The
README's test command installs fastai with ``--no-deps`` beside the rest of its requirements,
so these tests run there; a missing fastai fails them, as for every other framework.
"""

from __future__ import annotations

import pickle

import fastai.callback.schedule  # noqa: F401  (adds Learner.fit_one_cycle)
import pytest
import torch
from fastai.basics import CrossEntropyLossFlat, DataLoaders, Learner, accuracy, set_seed
from sklearn.datasets import load_breast_cancer
from sklearn.preprocessing import StandardScaler
from torch.utils.data import TensorDataset

import albacore
from albacore.integrations.fastai import FastAIPruningCallback, FastAIV2PruningCallback

EPOCHS = 4


@pytest.fixture(scope="module")
def datasets() -> tuple[TensorDataset, TensorDataset]:
    X, y = load_breast_cancer(return_X_y=True)
    X = torch.tensor(StandardScaler().fit_transform(X), dtype=torch.float32)
    y = torch.tensor(y)
    return TensorDataset(X[:400], y[:400]), TensorDataset(X[400:], y[400:])


def _learner(datasets, cbs=None) -> Learner:
    set_seed(0, reproducible=True)
    dls = DataLoaders.from_dsets(*datasets, bs=64)
    return Learner(dls, torch.nn.Linear(30, 2), loss_func=CrossEntropyLossFlat(), metrics=[accuracy], cbs=cbs)


def _fit(learn: Learner, cbs=None, n_epoch: int = EPOCHS) -> Learner:
    with learn.no_bar(), learn.no_logging():
        learn.fit(n_epoch, lr=0.05, cbs=cbs)
    return learn


def _column(learn: Learner, name: str) -> list[float]:
    index = learn.recorder.metric_names.index(name) - 1  # values have no "epoch" column
    return [row[index] for row in learn.recorder.values]


def test_public_names_are_one_class() -> None:
    import albacore.integrations.fastai as module

    assert sorted(module.__all__) == ["FastAIPruningCallback", "FastAIV2PruningCallback"]
    assert FastAIPruningCallback is FastAIV2PruningCallback


def test_pruned_at_the_pruning_epoch(study_factory, datasets) -> None:
    study = study_factory("minimize", prune_from=2)
    learn = _learner(datasets)
    with pytest.raises(albacore.TrialPruned, match="Trial 0 pruned at epoch 2"):
        _fit(learn, FastAIPruningCallback(study.ask()))
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1, 2]
    assert len(learn.recorder.values) == 3  # the fit was cancelled after epoch 2
    assert not any(isinstance(cb, FastAIPruningCallback) for cb in learn.cbs)  # fit's cbs were removed


def test_prunes_fit_one_cycle(study_factory, datasets) -> None:
    study = study_factory("minimize", prune_from=1)
    learn = _learner(datasets)
    with learn.no_bar(), learn.no_logging(), pytest.raises(albacore.TrialPruned, match="pruned at epoch 1"):
        learn.fit_one_cycle(EPOCHS, lr_max=0.05, cbs=FastAIPruningCallback(study.ask()))
    assert study.get_trials(deepcopy=False)[0].intermediate_values == pytest.approx(
        dict(enumerate(_column(learn, "valid_loss"))))


def test_not_pruned_reports_the_recorded_metric_and_trains_as_without_the_callback(study_factory, datasets) -> None:
    study = study_factory("maximize")
    learn = _fit(_learner(datasets), FastAIPruningCallback(study.ask(), monitor="accuracy"))
    plain = _fit(_learner(datasets))
    assert _column(learn, "valid_loss") == _column(plain, "valid_loss")
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert reported == pytest.approx(dict(enumerate(_column(learn, "accuracy"))))
    assert len(reported) == EPOCHS


@pytest.mark.parametrize("pruned", [True, False])
def test_threshold_pruner_decides_from_the_reported_loss(datasets, pruned) -> None:
    loss = _column(_fit(_learner(datasets)), "valid_loss")
    # Warm-up covers epoch 0; from epoch 1 on the trial is pruned once the loss is above the bound.
    bound = loss[1] - 1e-6 if pruned else max(loss[1:]) + 1e-6
    study = albacore.create_study(pruner=albacore.pruners.ThresholdPruner(upper=bound, n_warmup_steps=1))
    learn = _learner(datasets)
    if pruned:
        with pytest.raises(albacore.TrialPruned, match="pruned at epoch 1"):
            _fit(learn, FastAIPruningCallback(study.ask()))
    else:
        _fit(learn, FastAIPruningCallback(study.ask()))
        assert len(learn.recorder.values) == EPOCHS


def test_unknown_monitor_lists_the_recorded_values(study_factory, datasets) -> None:
    with pytest.raises(ValueError, match=r"monitor='error_rate'.*available: 'accuracy', 'train_loss', 'valid_loss'"):
        _fit(_learner(datasets), FastAIPruningCallback(study_factory().ask(), monitor="error_rate"))


def test_a_learner_callback_stays_quiet_in_get_preds_and_a_second_fit_starts_afresh(study_factory, datasets) -> None:
    study = study_factory("minimize", prune_from=1)
    pruning = FastAIPruningCallback(study.ask())
    learn = _learner(datasets, cbs=pruning)
    with pytest.raises(albacore.TrialPruned, match="pruned at epoch 1"):
        _fit(learn)
    preds, _ = learn.get_preds()  # no report, no pruning outside fit
    assert preds.shape == (169, 2)
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1]
    other = study_factory("minimize")
    pruning.trial = other.ask()
    _fit(learn, n_epoch=2)  # the previous fit's pruning is forgotten
    assert sorted(other.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1]


def test_pickles_with_the_learner(study_factory, datasets) -> None:
    learn = _fit(_learner(datasets, cbs=FastAIPruningCallback(study_factory().ask(), monitor="accuracy")))
    restored = pickle.loads(pickle.dumps(learn))
    (callback,) = [cb for cb in restored.cbs if isinstance(cb, FastAIPruningCallback)]
    assert callback.monitor == "accuracy"


def test_bad_monitor(study_factory) -> None:
    with pytest.raises(ValueError, match="monitor must be a non-empty str, got monitor=''"):
        FastAIPruningCallback(study_factory().ask(), monitor="")
