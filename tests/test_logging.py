"""albacore.logging: verbosity, handler, propagation, one INFO line per finished trial."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

import albacore
from albacore.samplers import RandomSampler


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    logger = logging.getLogger("albacore")
    level, propagate, handlers = logger.level, logger.propagate, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.propagate = propagate
    logger.handlers[:] = handlers


def test_get_logger_returns_children_of_the_library_logger() -> None:
    logger = albacore.logging.get_logger("albacore.samplers.something")
    assert logger.name == "albacore.samplers.something"
    assert logger.parent is not None and logger.parent.name.startswith("albacore")


def test_default_verbosity_is_info() -> None:
    code = "import albacore; print(albacore.logging.get_verbosity())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert int(out.stdout) == albacore.logging.INFO


def test_set_and_get_verbosity() -> None:
    albacore.logging.set_verbosity(albacore.logging.INFO)
    assert albacore.logging.get_verbosity() == albacore.logging.INFO
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    assert albacore.logging.get_verbosity() == albacore.logging.WARNING
    albacore.logging.set_verbosity(albacore.logging.DEBUG)
    assert albacore.logging.get_verbosity() == logging.DEBUG


def test_set_verbosity_rejects_unknown_levels() -> None:
    with pytest.raises(ValueError, match=r"set_verbosity: verbosity must be one of .*, got verbosity=15"):
        albacore.logging.set_verbosity(15)


def test_one_info_line_per_finished_trial_with_value_params_and_best(albacore_logs) -> None:
    albacore.logging.set_verbosity(albacore.logging.INFO)
    study = albacore.create_study(sampler=RandomSampler(seed=0))
    albacore_logs.records.clear()
    study.optimize(lambda t: (t.suggest_float("x", -10, 10) - 2) ** 2, n_trials=4)
    lines = [r for r in albacore_logs.records if r.getMessage().startswith("Trial ")]
    assert len(lines) == 4
    assert all(r.levelno == logging.INFO for r in lines)
    for record, trial in zip(lines, study.trials):
        message = record.getMessage()
        assert message.startswith(f"Trial {trial.number} finished: value={trial.value}, params={trial.params}.")
        assert "Best so far: trial" in message
    assert f"Best so far: trial {study.best_trial.number}, value={study.best_value}." in lines[-1].getMessage()


def test_multi_objective_and_pruned_trials_log_one_line_each(albacore_logs) -> None:
    albacore.logging.set_verbosity(albacore.logging.INFO)
    study = albacore.create_study(directions=["minimize", "maximize"], sampler=RandomSampler(seed=0))
    albacore_logs.records.clear()
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=2)
    messages = [r.getMessage() for r in albacore_logs.records if r.getMessage().startswith("Trial ")]
    assert messages == [
        f"Trial {t.number} finished: values={t.values}, params={t.params}." for t in study.trials
    ]


def test_set_verbosity_warning_silences_per_trial_lines(albacore_logs) -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    albacore.create_study().optimize(lambda t: 0.0, n_trials=3)
    assert albacore_logs.records == []


def test_propagation_is_off_by_default_and_can_be_toggled(root_logs) -> None:
    code = "import logging, albacore; print(albacore.logging.get_logger('albacore.x').parent.propagate)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"
    albacore.logging.set_verbosity(albacore.logging.INFO)
    albacore.logging.disable_propagation()
    albacore.create_study().optimize(lambda t: 0.0, n_trials=1)
    assert not [r for r in root_logs.records if r.name.startswith("albacore")]
    albacore.logging.enable_propagation()
    albacore.create_study().optimize(lambda t: 0.0, n_trials=1)
    finished = [r for r in root_logs.records if r.name.startswith("albacore") and "Trial 0 finished" in r.getMessage()]
    assert len(finished) == 1


def test_default_handler_writes_to_stderr_and_can_be_disabled() -> None:
    code = (
        "import albacore\n"
        "albacore.create_study().optimize(lambda t: 1.5, n_trials=2)\n"
        "albacore.logging.disable_default_handler()\n"
        "albacore.create_study().optimize(lambda t: 2.5, n_trials=1)\n"
        "albacore.logging.enable_default_handler()\n"
        "albacore.create_study().optimize(lambda t: 3.5, n_trials=1)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if "finished" in line]
    assert len(lines) == 3
    assert lines[0].startswith("[INFO ") and "Trial 0 finished: value=1.5" in lines[0]
    assert "value=2.5" not in result.stderr and "value=3.5" in lines[2]


def test_failed_trial_logs_one_warning_not_an_info_line() -> None:
    study = albacore.create_study()
    albacore.logging.set_verbosity(albacore.logging.INFO)  # INFO lines would show up if emitted
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("albacore")
    logger.addHandler(handler)
    try:
        study.optimize(lambda t: float("nan"), n_trials=1)
    finally:
        logger.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines == ["Trial 0 failed: the objective returned NaN: nan."]
