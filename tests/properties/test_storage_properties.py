"""Round trips through every storage: what is written is what every handle reads back.

A generated trial (any state; params of every distribution kind; objective values with
infinities and extremes; reported values with NaN; nested JSON attributes with unicode;
datetimes to the microsecond) is added to a study, and read back through the handle that
wrote it and through a fresh handle on the same storage (which has no cache to answer
from). The same for study attributes. The server-backed storages run when their
environment variables are set (see tests/conftest.py).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prop_strategies import attrs, reported_values, same, steps, trials

from albacore._study_types import StudyDirection
from albacore.storages import InMemoryStorage, RDBStorage
from albacore.storages.journal import JournalFileBackend, JournalRedisBackend, JournalStorage
from albacore.trial import FrozenTrial

STORAGES = ["memory", "sqlite", "journal-file", "postgresql", "mariadb", "journal-redis"]


@pytest.fixture(params=STORAGES)
def open_storage(request, tmp_path) -> Iterator[Callable[[], Any]]:
    """A function returning a new handle on one storage (the same object for in-memory)."""
    kind = request.param
    if kind == "memory":
        storage = InMemoryStorage()
        yield lambda: storage
        return
    if kind == "journal-file":
        yield lambda: JournalStorage(JournalFileBackend(tmp_path / "journal.log"))
        return
    if kind == "journal-redis":
        url, prefix = request.getfixturevalue("redis_url"), request.getfixturevalue("redis_prefix")
        yield lambda: JournalStorage(JournalRedisBackend(url, prefix=prefix))
        return
    url = {
        "sqlite": f"sqlite:///{tmp_path / 'rdb.db'}",
        "postgresql": request.getfixturevalue("postgres_url") if kind == "postgresql" else None,
        "mariadb": request.getfixturevalue("mysql_url") if kind == "mariadb" else None,
    }[kind]
    handles: list[RDBStorage] = []

    def open_rdb() -> RDBStorage:
        handles.append(RDBStorage(url))
        return handles[-1]

    yield open_rdb
    for handle in handles:
        handle.remove_session()


def _floats_equal(a: list[float] | None, b: list[float] | None) -> bool:
    if a is None or b is None:
        return a is b
    return len(a) == len(b) and all(x == y or math.isnan(x) and math.isnan(y) for x, y in zip(a, b))


def _reports_equal(a: dict[int, float], b: dict[int, float]) -> bool:
    """Same steps with the same values (NaN equals NaN), in any order."""
    return a.keys() == b.keys() and _floats_equal([a[k] for k in sorted(a)], [b[k] for k in sorted(b)])


def assert_same_trial(got: FrozenTrial, expected: FrozenTrial, number: int) -> None:
    assert got.number == number
    assert got.state == expected.state
    assert _floats_equal(got.values, expected.values), (got.values, expected.values)
    assert got.datetime_start == expected.datetime_start
    assert got.datetime_complete == expected.datetime_complete
    assert got.distributions == expected.distributions
    assert got.params.keys() == expected.params.keys()
    assert all(same(got.params[n], expected.params[n]) for n in expected.params), (got.params, expected.params)
    assert got.user_attrs == expected.user_attrs
    assert got.system_attrs == expected.system_attrs
    assert _reports_equal(got.intermediate_values, expected.intermediate_values)


@settings(max_examples=15)
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(st.just(n), st.lists(trials(n), min_size=1, max_size=3))))
def test_trials_survive_every_storage_unchanged(open_storage, case: tuple[int, list[FrozenTrial]]) -> None:
    n_objectives, templates = case
    writer = open_storage()
    study_id = writer.create_new_study([StudyDirection.MINIMIZE] * n_objectives, f"prop-{uuid.uuid4().hex}")
    ids = [writer.create_new_trial(study_id, template_trial=t) for t in templates]
    for reader in (writer, open_storage()):
        for number, (trial_id, template) in enumerate(zip(ids, templates)):
            assert_same_trial(reader.get_trial(trial_id), template, number)
        read = reader.get_all_trials(study_id)
        assert [t._trial_id for t in read] == ids
        for number, (got, template) in enumerate(zip(read, templates)):
            assert_same_trial(got, template, number)


@settings(max_examples=15)
@given(attrs, attrs, st.dictionaries(steps, reported_values, max_size=4))
def test_attrs_and_reports_written_one_by_one_survive(open_storage, user: dict, system: dict, reports: dict) -> None:
    writer = open_storage()
    study_id = writer.create_new_study([StudyDirection.MAXIMIZE], f"prop-{uuid.uuid4().hex}")
    trial_id = writer.create_new_trial(study_id)
    for key, value in user.items():
        writer.set_study_user_attr(study_id, key, value)
        writer.set_trial_user_attr(trial_id, key, value)
    for key, value in system.items():
        writer.set_study_system_attr(study_id, key, value)
        writer.set_trial_system_attr(trial_id, key, value)
    for step, value in reports.items():
        writer.set_trial_intermediate_value(trial_id, step, value)
    for reader in (writer, open_storage()):
        assert reader.get_study_user_attrs(study_id) == user
        assert reader.get_study_system_attrs(study_id) == system
        trial = reader.get_trial(trial_id)
        assert trial.user_attrs == user and trial.system_attrs == system
        assert _reports_equal(trial.intermediate_values, reports)
