"""Pruners on a storage shared by worker processes: decisions come from what the storage holds.

Every storage a team would share between machines (SQLite file, PostgreSQL, MariaDB, journal
file, journal on Redis) gets the same two checks:

* split across processes, a sequence of trials is pruned exactly as it is in one process,
  so a worker decides from the trials other workers wrote, not from its own memory;
* several workers pruning at once (ASHA) lose no trial, record the rung values they decide
  on in the storage, and never prune the trial that leads every rung it reaches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Callable

import pytest

import albacore
from albacore.pruners import BasePruner, HyperbandPruner, MedianPruner, PercentilePruner, SuccessiveHalvingPruner
from albacore.samplers import RandomSampler
from albacore.storages import InMemoryStorage
from albacore.storages.journal import JournalFileBackend, JournalRedisBackend, JournalStorage
from albacore.trial import TrialState

EPOCHS = 8

# Cross-trial pruners (the others decide from the trial's own values alone).
PRUNERS: dict[str, Callable[[], BasePruner]] = {
    "median": lambda: MedianPruner(n_startup_trials=2),
    "percentile": lambda: PercentilePruner(25.0, n_startup_trials=2),
    "successive_halving": lambda: SuccessiveHalvingPruner(min_resource=1, reduction_factor=2),
    "hyperband": lambda: HyperbandPruner(min_resource=1, max_resource=EPOCHS, reduction_factor=2),
}

FIRST_WORKER = [3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0, 5.5, 3.5]
SECOND_WORKER = [0.5, 2.5, 8.0, 6.5, 0.7, 4.5, 7.0, 1.2]


def learning_curve(x: float, step: int) -> float:
    """Accuracy-like curve that rises with the step; a larger ``x`` is better at every step."""
    return x * step / (step + 1.0)


def objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", 0.0, 10.0)
    value = 0.0
    for step in range(1, EPOCHS + 1):
        value = learning_curve(x, step)
        trial.report(value, step)
        if trial.should_prune():
            raise albacore.TrialPruned()
    return value


def run_trials(storage: Any, study_name: str, pruner_name: str, xs: list[float]) -> None:
    """Load the study and run one trial per ``x``, in order (the worker process body)."""
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.load_study(
        study_name=study_name, storage=storage, pruner=PRUNERS[pruner_name](), sampler=RandomSampler(seed=0)
    )
    for x in xs:
        study.enqueue_trial({"x": x})
        study.optimize(objective, n_trials=1)


def run_random_trials(storage: Any, study_name: str, seed: int, n_trials: int) -> None:
    """A worker drawing its own ``x`` values, pruned by ASHA (the concurrent worker body)."""
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.load_study(
        study_name=study_name, storage=storage, pruner=PRUNERS["successive_halving"](), sampler=RandomSampler(seed=seed)
    )
    study.optimize(objective, n_trials=n_trials)


def outcomes(storage: Any, study_name: str) -> list[tuple[float, TrialState, int | None]]:
    """Each trial's ``x``, final state and last reported step, in trial order."""
    trials = albacore.load_study(study_name=study_name, storage=storage).trials
    return [(t.params["x"], t.state, t.last_step) for t in trials]


@pytest.fixture(params=["sqlite", "postgresql", "mariadb", "journal_file", "journal_redis"])
def shared_storage(request: pytest.FixtureRequest, tmp_path) -> Iterator[Any]:
    """A storage that worker processes can share: an RDB URL or a journal storage."""
    kind = request.param
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
    elif kind == "postgresql":
        yield request.getfixturevalue("postgres_url")
    elif kind == "mariadb":
        yield request.getfixturevalue("mysql_url")
    elif kind == "journal_file":
        yield JournalStorage(JournalFileBackend(tmp_path / "journal.log"))
    else:
        prefix = request.getfixturevalue("redis_prefix")
        yield JournalStorage(JournalRedisBackend(request.getfixturevalue("redis_url"), prefix=prefix))


def test_a_second_process_prunes_as_one_process_would(shared_storage, run_in_processes):
    # Fixed names: Hyperband's brackets follow the study name. Each storage here is the test
    # session's own (a fresh database, file or key prefix), so the names cannot collide.
    names = {pruner: f"shared-{pruner}" for pruner in PRUNERS}
    for name in names.values():
        albacore.create_study(study_name=name, storage=shared_storage, direction="maximize")
    run_in_processes([(run_trials, (shared_storage, names[p], p, FIRST_WORKER)) for p in PRUNERS])
    for pruner, name in names.items():
        run_trials(shared_storage, name, pruner, SECOND_WORKER)  # this process, after the other

        alone = InMemoryStorage()  # both workers' trials, in one process
        albacore.create_study(study_name=name, storage=alone, direction="maximize")
        run_trials(alone, name, pruner, FIRST_WORKER + SECOND_WORKER)
        expected = outcomes(alone, name)
        assert outcomes(shared_storage, name) == expected, pruner

        # The second worker's decisions rest on the first worker's trials: by itself, it
        # would have let its first, worst trial run to the end.
        by_itself = InMemoryStorage()
        albacore.create_study(study_name=name, storage=by_itself, direction="maximize")
        run_trials(by_itself, name, pruner, SECOND_WORKER)
        assert outcomes(by_itself, name)[0][1] == TrialState.COMPLETE, pruner
        assert expected[len(FIRST_WORKER)][1] == TrialState.PRUNED, pruner
        albacore.delete_study(study_name=name, storage=shared_storage)


def test_concurrent_workers_share_the_rungs(shared_storage, run_in_processes):
    name = "asha-concurrent"
    albacore.create_study(study_name=name, storage=shared_storage, direction="maximize")
    n_workers, n_each = 3, 10
    run_in_processes([(run_random_trials, (shared_storage, name, seed, n_each)) for seed in range(n_workers)])

    trials = albacore.load_study(study_name=name, storage=shared_storage).trials
    assert [t.number for t in trials] == list(range(n_workers * n_each))
    assert {t.state for t in trials} <= {TrialState.COMPLETE, TrialState.PRUNED}
    rung_steps = {0: 1, 1: 2, 2: 4, 3: 8}
    for t in trials:
        x, last = t.params["x"], t.last_step
        assert t.value == t.intermediate_values[last] == learning_curve(x, last)
        recorded = {int(k.rsplit("_", 1)[1]): v for k, v in t.system_attrs.items() if k.startswith("asha:")}
        assert recorded == {r: learning_curve(x, s) for r, s in rung_steps.items() if s <= last}
        if t.state == TrialState.PRUNED:
            assert last in rung_steps.values()
    pruned = [t for t in trials if t.state == TrialState.PRUNED]
    assert len(pruned) >= len(trials) // 3
    # Each worker ranks at a rung against the values every worker stored there: the trial
    # with the best x leads every rung it reaches, so no worker may stop it.
    best = max(trials, key=lambda t: t.params["x"])
    assert best.state == TrialState.COMPLETE
    albacore.delete_study(study_name=name, storage=shared_storage)
