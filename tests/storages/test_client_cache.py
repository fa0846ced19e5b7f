"""ClientTrialCache: what remote storage clients (gRPC proxy, Dask, Ray) keep of trials."""

from __future__ import annotations

import albacore
from albacore.storages._client_cache import ClientTrialCache
from albacore.trial import FrozenTrial, TrialState


def _trial(number: int, state: TrialState) -> FrozenTrial:
    trial = albacore.trial.create_trial(state=state, value=float(number) if state == TrialState.COMPLETE else None)
    trial.number, trial._trial_id = number, 100 + number
    return trial


def test_finished_trials_are_kept_and_handed_out_as_copies() -> None:
    cache = ClientTrialCache()
    done = _trial(0, TrialState.COMPLETE)
    assert cache.read(done) == done and cache.read(done) is not done
    first, second = cache.lookup(done._trial_id), cache.lookup(done._trial_id)
    assert first == done and first is not done and second is not first
    running = _trial(1, TrialState.RUNNING)
    assert cache.read(running) is running and cache.lookup(running._trial_id) is None


def test_a_created_running_trial_is_read_once_and_dropped_by_a_write() -> None:
    cache = ClientTrialCache()
    trial = _trial(0, TrialState.RUNNING)
    cache.created(trial._trial_id, trial)
    assert cache.lookup(trial._trial_id) is trial
    assert cache.lookup(trial._trial_id) is None  # once only: later reads go to the server
    cache.created(trial._trial_id, trial)
    cache.touched(trial._trial_id)
    assert cache.lookup(trial._trial_id) is None
    waiting = _trial(1, TrialState.WAITING)  # another worker may take it at any time
    cache.created(waiting._trial_id, waiting)
    assert cache.lookup(waiting._trial_id) is None


def test_all_trials_merge_the_finished_prefix_with_what_the_server_sent() -> None:
    cache = ClientTrialCache()
    assert cache.read_position(7) == (0, [])
    sent = [_trial(0, TrialState.COMPLETE), _trial(1, TrialState.RUNNING), _trial(2, TrialState.FAIL)]
    assert [t.number for t in cache.trials(7, sent, deepcopy=False, states=None)] == [0, 1, 2]
    # 0 is in the gapless prefix; 2 is finished after the still running 1.
    assert cache.read_position(7) == (1, [2])
    again = [_trial(1, TrialState.PRUNED), _trial(3, TrialState.RUNNING)]
    merged = cache.trials(7, again, deepcopy=True, states=None)
    assert [(t.number, t.state) for t in merged] == [
        (0, TrialState.COMPLETE), (1, TrialState.PRUNED), (2, TrialState.FAIL), (3, TrialState.RUNNING),
    ]
    assert merged[0] is not sent[0]  # deepcopy=True copies
    assert cache.read_position(7) == (3, [])
    finished = cache.trials(7, [], deepcopy=False, states=(TrialState.FAIL,))
    assert [t.number for t in finished] == [2]


def test_a_deleted_study_is_forgotten() -> None:
    cache = ClientTrialCache()
    done = _trial(0, TrialState.COMPLETE)
    cache.trials(7, [done], deepcopy=False, states=None)
    cache.forget_study(7)
    assert cache.read_position(7) == (0, []) and cache.lookup(done._trial_id) is None
