"""Behavioural twins: the ``logging`` module of Optuna and albacore (verbosity levels, the
default handler, propagation, what a study logs at each level)."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable

import _twin
import optuna
import pytest

import albacore


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname}: {re.sub(r'[0-9]+[.][0-9]+', '<n>', record.getMessage())}")


def _logged(m: Any, level: int) -> list[str]:
    """What a study logs at ``level`` (level name and message, numbers masked)."""
    collect = _Collect()
    logger = logging.getLogger(m.__name__)
    logger.addHandler(collect)
    try:
        m.logging.set_verbosity(level)
        study = m.create_study(study_name="log", sampler=m.samplers.RandomSampler(seed=0))
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
        study.optimize(lambda t: float("nan"), n_trials=1)
    finally:
        logger.removeHandler(collect)
        m.logging.set_verbosity(m.logging.WARNING)
    return collect.lines


def verbosity(m: Any, rec: _twin.Recorder) -> None:
    lg = m.logging
    rec("levels", lambda: [lg.CRITICAL, lg.FATAL, lg.ERROR, lg.WARNING, lg.WARN, lg.INFO, lg.DEBUG])
    rec("set and get", lambda: [lg.set_verbosity(lg.DEBUG), lg.get_verbosity()][1])
    rec("library logger level", lambda: logging.getLogger(m.__name__).level)
    rec("get_logger", lambda: lg.get_logger(f"{m.__name__}.x").name == f"{m.__name__}.x")
    rec("set a bad level", lambda: lg.set_verbosity("loud"))
    rec("propagation on", lambda: [lg.enable_propagation(), logging.getLogger(m.__name__).propagate][1])
    rec("propagation off", lambda: [lg.disable_propagation(), logging.getLogger(m.__name__).propagate][1])
    rec("handlers after disable", lambda: [lg.disable_default_handler(),
                                           len(logging.getLogger(m.__name__).handlers)][1])
    rec("handlers after enable", lambda: [lg.enable_default_handler(),
                                          len(logging.getLogger(m.__name__).handlers)][1])
    lg.set_verbosity(lg.WARNING)


def output(m: Any, rec: _twin.Recorder) -> None:
    rec("levels at WARNING", lambda: sorted({line.split(":")[0] for line in _logged(m, m.logging.WARNING)}))
    rec("levels at INFO", lambda: sorted({line.split(":")[0] for line in _logged(m, m.logging.INFO)}))
    rec("nothing at ERROR", lambda: _logged(m, m.logging.ERROR))
    rec("text at INFO", lambda: _logged(m, m.logging.INFO))


SCENARIOS: dict[str, Callable[[Any, _twin.Recorder], None]] = {"verbosity": verbosity, "output": output}

# scenario -> step label -> why albacore's outcome differs on purpose (README, "Differences from Optuna").
DIFFERENT: dict[str, dict[str, str]] = {
    "output": {
        "text at INFO": (
            "log lines are worded by albacore ('Created study ...', 'Trial 0 finished: value=..., "
            "params=...') with the level's name ('[INFO ...]'); Optuna's read 'A new study created ...', "
            "'Trial 0 finished with value: ...' after '[I ...]' (and a failed trial in two lines); the same "
            "events are logged at the same levels"
        ),
    },
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_logging_behaves_as_optuna(scenario: str) -> None:
    expected = _twin.record(optuna, SCENARIOS[scenario])
    actual = _twin.record(albacore, SCENARIOS[scenario])
    for name in ("optuna", "albacore"):  # leave both libraries' loggers as the test run expects
        logging.getLogger(name).propagate = True
    _twin.assert_same(expected, actual, DIFFERENT.get(scenario, {}))
