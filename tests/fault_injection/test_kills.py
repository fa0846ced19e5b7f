"""Workers SIGKILLed at random points of ask, tell and report, on every shared storage.

Each campaign runs one study on one storage. Worker processes (two at a time) optimize it
until they die: each is armed, from a seeded RNG, to SIGKILL itself at one storage write of
its own trial (creating or claiming it in ``ask``, a param, a ``report``, the state in
``tell``), either just before the write, at a random moment during it (from a timer thread),
or just after it, before the caller sees the result. Killed workers are replaced until the
campaign has its kills; then the test process waits out the grace period, fails what stopped
beating and runs the retries. Invariants, on every storage:

* trial numbers are unique and gapless;
* a finished trial never changes and is never lost: every trial a worker saw finish, and
  every trial the test saw finished during the campaign, is there, unchanged;
* nothing is left RUNNING or WAITING; every FAIL is a killed trial (objectives never fail),
  at most one per kill, and each killed trial that was no retry itself is retried exactly
  once (``RetryHeartbeatStaleTrialCallback(max_retry=1)``) with its params.

Five storages times ``N_KILLS`` makes 125 kills a run; seeds are fixed, so a failure names
the seed to rerun.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import threading
import time
import uuid
import zlib
from typing import Any, Callable

import pytest

import albacore
from albacore.samplers import RandomSampler
from albacore.storages import RDBStorage, RetryHeartbeatStaleTrialCallback, fail_stale_trials
from albacore.storages.journal import JournalFileBackend, JournalRedisBackend, JournalStorage
from albacore.trial import FrozenTrial, TrialState

pytestmark = [pytest.mark.fault_injection, pytest.mark.timeout(300)]

N_KILLS = 25
CONCURRENCY = 2
HEARTBEAT_INTERVAL = 0.1
GRACE_PERIOD = 1.0
N_STEPS = 2

retried_from = RetryHeartbeatStaleTrialCallback.retried_trial_number
retry_history = RetryHeartbeatStaleTrialCallback.retry_history


def value_of(x: float, k: int) -> float:
    return (x - 1.0) ** 2 + k


def objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -10, 10)
    k = trial.suggest_int("k", 0, 3)
    for step in range(N_STEPS):
        trial.report(value_of(x, k) + step, step)
    return value_of(x, k)


# --- storages ------------------------------------------------------------------------------------
def make_storage(spec: tuple[str, str, str]) -> Any:
    """A storage with short heartbeats and one retry of each killed trial."""
    kind, location, prefix = spec
    heartbeats: dict[str, Any] = {
        "heartbeat_interval": HEARTBEAT_INTERVAL,
        "grace_period": GRACE_PERIOD,
        "heartbeat_stale_trial_callback": RetryHeartbeatStaleTrialCallback(max_retry=1),
    }
    if kind == "rdb":
        return RDBStorage(location, **heartbeats)
    if kind == "journal-file":
        return JournalStorage(JournalFileBackend(location, lock_timeout=10), **heartbeats)
    return JournalStorage(JournalRedisBackend(location, prefix=prefix), **heartbeats)


# --- the kill point ------------------------------------------------------------------------------
def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _is_own_write(name: str, args: tuple, kwargs: dict) -> bool:
    """Whether a storage write belongs to this worker's own trial.

    The writes ``ask`` makes on other workers' trials (failing a stale trial, enqueueing its
    retry) are left alone: a worker killed between those two writes loses the retry, which
    no storage can prevent and which this suite does not test.
    """
    if name == "create_new_trial":
        template = args[1] if len(args) > 1 else kwargs.get("template_trial")
        return template is None or template.state != TrialState.WAITING
    if name == "set_trial_state_values":
        state = args[1] if len(args) > 1 else kwargs["state"]
        return state != TrialState.FAIL
    return True


def arm(storage: Any, rng: random.Random) -> None:
    """Make ``storage`` SIGKILL this process at one randomly chosen write of its own trials."""
    target = rng.randrange(0, 16)
    mode = rng.choice(("before", "during", "after"))
    delay = rng.uniform(0.0, 0.003)
    count = [0]

    def wrap(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not _is_own_write(name, args, kwargs):
                return original(*args, **kwargs)
            count[0] += 1
            if count[0] - 1 != target:
                return original(*args, **kwargs)
            if mode == "before":
                _die()
            if mode == "during":
                threading.Timer(delay, _die).start()
            original(*args, **kwargs)
            _die()  # after the write (or before a slow timer fired): the caller never sees it

        return wrapped

    for name in ("create_new_trial", "set_trial_param", "set_trial_intermediate_value", "set_trial_state_values"):
        setattr(storage, name, wrap(name, getattr(storage, name)))


class RecordFinished:
    """A callback appending each trial this worker saw finish to a file (one JSON line)."""

    def __init__(self, path: str) -> None:
        self._path = path

    def __call__(self, study: albacore.Study, trial: FrozenTrial) -> None:
        line = json.dumps({"number": trial.number, "state": trial.state.name, "values": trial.values,
                           "params": trial.params})
        with open(self._path, "a") as f:
            f.write(line + "\n")


def worker(spec: tuple[str, str, str], study_name: str, seed: int, finished_log: str) -> None:
    albacore.logging.set_verbosity(albacore.logging.ERROR)
    storage = make_storage(spec)
    arm(storage, random.Random(seed))
    study = albacore.load_study(study_name=study_name, storage=storage, sampler=RandomSampler(seed=seed))
    study.optimize(objective, n_trials=1000, callbacks=[RecordFinished(finished_log)])
    os._exit(3)  # unreachable: the kill point lies within the first three trials


# --- the campaign --------------------------------------------------------------------------------
def _finished(trial: FrozenTrial) -> tuple:
    return (trial.state, trial.values, trial.params, trial.intermediate_values, trial.datetime_complete,
            trial.system_attrs)


def run_campaign(spec: tuple[str, str, str], tmp_path, seed: int) -> None:
    albacore.logging.set_verbosity(albacore.logging.ERROR)
    storage = make_storage(spec)
    study_name = f"fault-{spec[0]}-{uuid.uuid4().hex[:8]}"
    study = albacore.create_study(study_name=study_name, storage=storage, sampler=RandomSampler(seed=seed))
    finished_log = str(tmp_path / f"{study_name}.finished")
    open(finished_log, "w").close()
    rng = random.Random(seed)
    context = multiprocessing.get_context("fork")
    seen: dict[int, tuple] = {}
    running: list[Any] = []
    started = kills = 0
    while kills < N_KILLS:
        while len(running) < CONCURRENCY and started < N_KILLS:
            process = context.Process(target=worker, args=(spec, study_name, rng.randrange(2**32), finished_log))
            process.start()
            running.append(process)
            started += 1
        process = running.pop(0)
        process.join(timeout=60)
        if process.is_alive():
            process.kill()
            pytest.fail(f"seed {seed}: a worker on {spec[0]} did not reach its kill point in 60 s")
        assert process.exitcode == -signal.SIGKILL, f"seed {seed}: a worker exited with {process.exitcode}"
        kills += 1
        _check_unchanged(study, seen, seed)
    _reap(study, finished_log)
    _check_unchanged(study, seen, seed)
    _check_invariants(study, finished_log, kills, seed)


def _check_unchanged(study: albacore.Study, seen: dict[int, tuple], seed: int) -> None:
    """Every trial seen finished before is still there and unchanged; remember the new ones."""
    trials = study.get_trials(deepcopy=False)
    for trial in trials:
        if trial.state.is_finished():
            assert seen.setdefault(trial.number, _finished(trial)) == _finished(trial), (
                f"seed {seed}: finished trial {trial.number} changed"
            )
    numbers = {t.number for t in trials}
    assert set(seen) <= numbers, f"seed {seed}: finished trials {sorted(set(seen) - numbers)} were lost"


def _reap(study: albacore.Study, finished_log: str) -> None:
    """Wait out the grace period, fail what stopped beating, run the retries; until all is done."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(GRACE_PERIOD * 1.3)
        fail_stale_trials(study)
        waiting = study.get_trials(deepcopy=False, states=(TrialState.WAITING,))
        if waiting:
            study.optimize(objective, n_trials=len(waiting), callbacks=[RecordFinished(finished_log)])
        if not study.get_trials(deepcopy=False, states=(TrialState.RUNNING, TrialState.WAITING)):
            return
    pytest.fail("trials were still RUNNING or WAITING a minute after the last kill")


def _check_invariants(study: albacore.Study, finished_log: str, kills: int, seed: int) -> None:
    trials = study.get_trials()
    assert [t.number for t in trials] == list(range(len(trials))), f"seed {seed}: numbers with gaps"
    assert len({t._trial_id for t in trials}) == len(trials), f"seed {seed}: duplicate trial ids"
    assert {t.state for t in trials} <= {TrialState.COMPLETE, TrialState.FAIL}, f"seed {seed}"
    for trial in trials:
        if trial.state == TrialState.COMPLETE:
            value = value_of(trial.params["x"], trial.params["k"])
            assert trial.values == [value], f"seed {seed}: trial {trial.number}"
            assert trial.intermediate_values == {s: value + s for s in range(N_STEPS)}, f"seed {seed}"
    with open(finished_log) as f:
        for line in f:
            done = json.loads(line)
            trial = trials[done["number"]]
            assert (trial.state.name, trial.values, trial.params) == (done["state"], done["values"], done["params"])

    fails = [t for t in trials if t.state == TrialState.FAIL]
    assert len(fails) <= kills, f"seed {seed}: {len(fails)} FAIL trials from {kills} kills"
    assert len(fails) >= kills // 3, f"seed {seed}: only {len(fails)} of {kills} kills left a trial behind"
    for failed in fails:
        retries = [t for t in trials if retried_from(t) == failed.number]
        if retry_history(failed):  # a retry killed in its turn: max_retry=1 allows no second one
            assert retries == [], f"seed {seed}: retry {failed.number} was retried again"
            continue
        assert len(retries) == 1, f"seed {seed}: killed trial {failed.number} has {len(retries)} retries"
        assert failed.params.items() <= retries[0].params.items(), f"seed {seed}: retry lost params"
        assert retry_history(retries[0]) == [failed.number]
    for trial in trials:
        if retried_from(trial) is not None:
            assert trials[retried_from(trial)].state == TrialState.FAIL, f"seed {seed}: retry of a finished trial"


def _seed(name: str) -> int:
    return zlib.crc32(name.encode())


def test_kills_on_sqlite(tmp_path) -> None:
    run_campaign(("rdb", f"sqlite:///{tmp_path / 'fault.db'}", ""), tmp_path, _seed("sqlite"))


def test_kills_on_postgresql(tmp_path, postgres_url) -> None:
    run_campaign(("rdb", postgres_url, ""), tmp_path, _seed("postgresql"))


def test_kills_on_mariadb(tmp_path, mysql_url) -> None:
    run_campaign(("rdb", mysql_url, ""), tmp_path, _seed("mariadb"))


def test_kills_on_journal_file(tmp_path) -> None:
    run_campaign(("journal-file", str(tmp_path / "fault.log"), ""), tmp_path, _seed("journal-file"))


def test_kills_on_journal_redis(tmp_path, redis_url, redis_prefix) -> None:
    run_campaign(("journal-redis", redis_url, redis_prefix), tmp_path, _seed("journal-redis"))
