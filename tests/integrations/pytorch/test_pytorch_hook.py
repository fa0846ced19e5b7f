"""The plain-loop hook: report_and_maybe_prune and PyTorchPruningReporter on a real torch loop."""

from __future__ import annotations

import pickle

import pytest
import torch

import albacore
from albacore.integrations.pytorch import PyTorchPruningReporter, report_and_maybe_prune


def _loop(trial: albacore.Trial, epochs: int, hook: str = "function") -> list[float]:
    """Train a tiny linear regression; returns the validation losses computed."""
    torch.manual_seed(0)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.1 * torch.randn(64)
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    reporter = PyTorchPruningReporter(trial)
    losses = []
    for epoch in range(epochs):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x[:48]).squeeze(-1), y[:48])
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            val = torch.nn.functional.mse_loss(model(x[48:]).squeeze(-1), y[48:])
        losses.append(val.item())
        if hook == "function":
            report_and_maybe_prune(trial, val, epoch)
        else:
            reporter.step(val)
    return losses


def test_reports_tensor_values_and_does_not_change_training(study_factory) -> None:
    study = study_factory("minimize")
    trial = study.ask()
    losses = _loop(trial, 8)
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert [reported[i] for i in range(8)] == pytest.approx(losses)
    assert _loop_without_hook(8) == losses


def _loop_without_hook(epochs: int) -> list[float]:
    torch.manual_seed(0)
    x = torch.randn(64, 3)
    y = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.1 * torch.randn(64)
    model = torch.nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        torch.nn.functional.mse_loss(model(x[:48]).squeeze(-1), y[:48]).backward()
        optimizer.step()
        with torch.no_grad():
            losses.append(torch.nn.functional.mse_loss(model(x[48:]).squeeze(-1), y[48:]).item())
    return losses


@pytest.mark.parametrize("hook", ["function", "reporter"])
def test_pruning_stops_the_loop(study_factory, hook) -> None:
    study = study_factory("minimize", prune_from=3)

    def objective(trial: albacore.Trial) -> float:
        return min(_loop(trial, 20, hook))

    study.optimize(objective, n_trials=1)
    trial = study.trials[0]
    assert trial.state == albacore.trial.TrialState.PRUNED
    assert sorted(trial.intermediate_values) == [0, 1, 2, 3]


def test_reporter_tracks_best_and_epochs(study_factory) -> None:
    trial = study_factory("maximize").ask()
    reporter = PyTorchPruningReporter(trial)
    for value in (0.2, 0.7, 0.5):
        reporter.step(torch.tensor(value))
    assert reporter.epoch == 3
    assert reporter.best == pytest.approx(0.7)
    assert pickle.loads(pickle.dumps(reporter)).best == pytest.approx(0.7)


def test_pruned_message_names_the_epoch(study_factory) -> None:
    trial = study_factory("minimize", prune_from=0).ask()
    with pytest.raises(albacore.TrialPruned, match=r"Trial 0 pruned at epoch 0 \(value 1.5\)"):
        report_and_maybe_prune(trial, torch.tensor(1.5), 0)


def test_bad_values(study_factory) -> None:
    trial = study_factory().ask()
    with pytest.raises(TypeError, match=r"value must be a scalar, got a tensor of shape \(2,\)"):
        report_and_maybe_prune(trial, torch.ones(2), 0)
    with pytest.raises(TypeError, match="value must be a number, got value='x'"):
        report_and_maybe_prune(trial, "x", 0)
    with pytest.raises(ValueError, match="direction must be 'minimize' or 'maximize', got direction='up'"):
        PyTorchPruningReporter(trial, direction="up")
