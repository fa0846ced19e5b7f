"""Bringing the history of Optuna 5.0 studies (database or journal file) into albacore storages.

The sources are written by Optuna itself in the test run; every field of every trial is then
compared with what Optuna reads back from the same source.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy

import albacore
from albacore.cli import main as cli_main
from albacore.distributions import distribution_to_json
from albacore.exceptions import DuplicatedStudyError
from albacore.storages import InMemoryStorage, JournalFileBackend, JournalStorage, RDBStorage
from albacore.storages._optuna import import_optuna_studies, read_optuna_studies

optuna = pytest.importorskip("optuna")
from optuna.storages.journal import JournalFileBackend as OptunaJournalFileBackend  # noqa: E402

optuna.logging.set_verbosity(optuna.logging.ERROR)


def _objective(trial: Any) -> float:
    x = trial.suggest_float("x", 1e-3, 1.0, log=True)
    y = trial.suggest_float("y", -1.0, 1.0, step=0.25)
    n = trial.suggest_int("n", 1, 9, step=2)
    k = trial.suggest_int("k", 1, 64, log=True)
    c = trial.suggest_categorical("c", ["a", None, 3, 2.5, True])
    trial.set_user_attr("nested", {"list": [1, None, {"deep": "x"}], "n": n})
    for step, value in enumerate([math.nan, math.inf, -math.inf, x]):
        trial.report(value, step)
    if trial.number == 2:
        raise optuna.TrialPruned()
    if trial.number == 3:
        raise RuntimeError("objective failed")
    return x + y + k + (1.0 if c is None else 0.0)


def _multi(trial: Any) -> tuple[float, float]:
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.set_constraint("c0", x - 0.5)
    trial.set_constraint("c1", -x)
    return x, float(trial.suggest_int("k", 1, 100, log=True))


def _fill(storage: Any) -> None:
    """Studies covering every state, kind of parameter, non-finite values and nested attributes."""
    single = optuna.create_study(study_name="single", storage=storage, direction="maximize")
    single.set_user_attr("config", {"layers": [64, 32], "dropout": None, "ok": True})
    optuna_storage = single._storage
    optuna_storage.set_study_system_attr(
        optuna_storage.get_study_id_from_name("single"), "sampler:state", {"gen": 3, "pop": [1.5, -2.0]}
    )
    single.optimize(_objective, n_trials=6, catch=(RuntimeError,))
    running = single.ask()
    running.suggest_float("x", 1e-3, 1.0, log=True)
    running.report(0.25, 7)
    running.set_user_attr("worker", "host-1")
    single.enqueue_trial({"x": 0.5, "c": "a"}, user_attrs={"queued": [1, 2]})
    single.add_trial(
        optuna.trial.create_trial(
            params={"x": 0.1, "c": 2.5},
            distributions={
                "x": optuna.distributions.FloatDistribution(1e-3, 1.0, log=True),
                "c": optuna.distributions.CategoricalDistribution(["a", None, 3, 2.5, True]),
            },
            value=-math.inf,
            intermediate_values={0: math.nan, 5: 1.5},
            system_attrs={"origin": {"imported": True}},
        )
    )
    multi = optuna.create_study(study_name="multi", storage=storage, directions=["minimize", "maximize"])
    multi.optimize(_multi, n_trials=4)
    multi.tell(multi.ask(), [math.inf, -math.inf])
    optuna.create_study(study_name="empty", storage=storage)


def _journal_source(tmp_path: Any) -> tuple[str, Any]:
    path = str(tmp_path / "optuna.log")
    storage = optuna.storages.JournalStorage(OptunaJournalFileBackend(path))
    _fill(storage)
    return path, storage


def _server_database(base_url: str) -> Iterator[str]:
    """A database of its own on the server of ``base_url`` (Optuna's tables alone in it)."""
    url = sqlalchemy.make_url(base_url)
    name = f"optuna_import_{uuid.uuid4().hex[:10]}"
    engine = sqlalchemy.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            force = " WITH (FORCE)" if url.get_backend_name() == "postgresql" else ""
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}{force}")
        engine.dispose()


@pytest.fixture(params=["sqlite", "journal", "postgresql", "mysql"])
def source(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[tuple[str, Any]]:
    """``(what albacore reads, the Optuna storage that wrote it)``."""
    if request.param == "journal":
        yield _journal_source(tmp_path)
        return
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'optuna.db'}"
        _fill(url)
        yield url, url
        return
    fixture = "postgres_url" if request.param == "postgresql" else "mysql_url"
    for url in _server_database(request.getfixturevalue(fixture)):
        _fill(url)
        yield url, url


def _target(kind: str, tmp_path: Any) -> albacore.storages.BaseStorage:
    if kind == "memory":
        return InMemoryStorage()
    if kind == "sqlite":
        return RDBStorage(f"sqlite:///{tmp_path / 'albacore.db'}")
    return JournalStorage(JournalFileBackend(str(tmp_path / "albacore.log")))


def _same_float(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _assert_study_equal(optuna_storage: Any, name: str, target: Any, target_name: str | None = None) -> None:
    expected = optuna.load_study(study_name=name, storage=optuna_storage)
    got = albacore.load_study(study_name=target_name or name, storage=target)
    assert [d.name for d in got.directions] == [d.name for d in expected.directions]
    assert got.user_attrs == expected.user_attrs
    storage = expected._storage
    assert got.system_attrs == storage.get_study_system_attrs(storage.get_study_id_from_name(name))
    got_trials, expected_trials = got.get_trials(deepcopy=False), expected.get_trials(deepcopy=False)
    assert len(got_trials) == len(expected_trials)
    for mine, theirs in zip(got_trials, expected_trials):
        assert mine.number == theirs.number
        assert mine.state.name == theirs.state.name
        assert mine.datetime_start == theirs.datetime_start
        assert mine.datetime_complete == theirs.datetime_complete
        assert (mine.values is None) == (theirs.values is None)
        if theirs.values is not None:
            assert mine.values == theirs.values
        assert mine.params == theirs.params
        assert {k: type(v) for k, v in mine.params.items()} == {k: type(v) for k, v in theirs.params.items()}
        assert set(mine.distributions) == set(theirs.distributions)
        for param, dist in theirs.distributions.items():
            assert json.loads(distribution_to_json(mine.distributions[param])) == json.loads(
                optuna.distributions.distribution_to_json(dist)
            )
        assert sorted(mine.intermediate_values) == sorted(theirs.intermediate_values)
        for step, value in theirs.intermediate_values.items():
            assert _same_float(mine.intermediate_values[step], value)
        assert mine.user_attrs == theirs.user_attrs
        # Optuna 5.0 keeps each constraint under a "constraints:<name>" key, albacore all of
        # them in one "constraints" mapping; the rest is the same.
        assert mine.constraints == theirs.constraints
        assert {k: v for k, v in mine.system_attrs.items() if k != "constraints"} == {
            k: v for k, v in theirs.system_attrs.items() if not k.startswith("constraints:")
        }


def test_the_sources_cover_what_the_import_must_carry(source: tuple[str, Any]) -> None:
    studies = {s.name: s for s in read_optuna_studies(source[0])}
    assert list(studies) == ["single", "multi", "empty"]
    states = {t.state.name for t in studies["single"].trials}
    assert states == {"COMPLETE", "PRUNED", "FAIL", "RUNNING", "WAITING"}
    steps = studies["single"].trials[0].intermediate_values
    assert math.isnan(steps[0]) and steps[1] == math.inf and steps[2] == -math.inf
    assert studies["multi"].trials[-1].values == [math.inf, -math.inf]


@pytest.mark.parametrize("kind", ["memory", "sqlite", "journal"])
def test_import_is_lossless(source: tuple[str, Any], kind: str, tmp_path: Any) -> None:
    target = _target(kind, tmp_path)
    assert import_optuna_studies(source[0], target) == ["single", "multi", "empty"]
    for name in ("single", "multi", "empty"):
        _assert_study_equal(source[1], name, target)


def test_imported_study_goes_on_optimizing(tmp_path: Any) -> None:
    url, optuna_storage = _journal_source(tmp_path)
    target = f"sqlite:///{tmp_path / 'albacore.db'}"
    import_optuna_studies(url, target, ["multi"])
    study = albacore.load_study(study_name="multi", storage=target)
    study.optimize(lambda t: (t.suggest_float("x", 0.0, 1.0), float(t.suggest_int("k", 1, 100, log=True))), n_trials=2)
    assert [t.number for t in study.trials] == list(
        range(len(optuna.load_study(study_name="multi", storage=optuna_storage).trials) + 2)
    )


@pytest.mark.parametrize("as_path", [True, False])
def test_copy_study_reads_optuna_sources(tmp_path: Any, as_path: bool) -> None:
    db = tmp_path / "optuna.db"
    _fill(f"sqlite:///{db}")
    target = InMemoryStorage()
    albacore.copy_study(
        from_study_name="single",
        from_storage=str(db) if as_path else f"sqlite:///{db}",
        to_storage=target,
        to_study_name="renamed",
    )
    assert [s.study_name for s in target.get_all_studies()] == ["renamed"]
    _assert_study_equal(f"sqlite:///{db}", "single", target, "renamed")
    journal, optuna_journal = _journal_source(tmp_path)
    albacore.copy_study(from_study_name="multi", from_storage=f"journal://{journal}", to_storage=target)
    _assert_study_equal(optuna_journal, "multi", target)


def test_cli_storage_import(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    journal, optuna_journal = _journal_source(tmp_path)
    target = f"sqlite:///{tmp_path / 'albacore.db'}"
    assert (
        cli_main(
            ["storage", "import", "--from", journal, "--to", target, "--study-name", "single", "--study-name", "empty"]
        )
        == 0
    )
    assert "Imported 2 study(ies)" in capsys.readouterr().err
    assert albacore.get_all_study_names(target) == ["single", "empty"]
    _assert_study_equal(optuna_journal, "single", target)
    assert cli_main(["storage", "import", "--from", journal, "--to", target, "--study-name", "single"]) == 1
    assert "already has a study named 'single'" in capsys.readouterr().err
    assert cli_main(["storage", "import", "--from", journal, "--to", target, "--study-name", "multi"]) == 0
    _assert_study_equal(optuna_journal, "multi", target)


def _study_counts(storage: Any) -> dict[str, int]:
    return {s.study_name: storage.get_n_trials(s._study_id) for s in storage.get_all_studies()}


def test_bad_input_writes_nothing(tmp_path: Any) -> None:
    db = f"sqlite:///{tmp_path / 'optuna.db'}"
    _fill(db)
    target = InMemoryStorage()
    albacore.create_study(study_name="multi", storage=target).optimize(lambda t: t.suggest_float("x", 0, 1), 2)
    before = _study_counts(target)
    with pytest.raises(DuplicatedStudyError, match="already has a study named 'multi'; nothing was imported"):
        import_optuna_studies(db, target)
    with pytest.raises(KeyError, match="no study named 'missing' in the Optuna storage"):
        import_optuna_studies(db, target, ["single", "missing"])
    with pytest.raises(ValueError, match="to_study_name='x' names one study, but 3 studies"):
        import_optuna_studies(db, target, to_study_name="x")
    with pytest.raises(KeyError, match="no study named 'nope'"):
        albacore.copy_study(from_study_name="nope", from_storage=db, to_storage=target)
    assert _study_counts(target) == before

    albacore_db = tmp_path / "albacore.db"
    albacore.create_study(study_name="mine", storage=f"sqlite:///{albacore_db}")
    with pytest.raises(ValueError, match="is not an Optuna storage"):
        import_optuna_studies(f"sqlite:///{albacore_db}", target)
    with pytest.raises(ValueError, match="is not an Optuna storage"):
        import_optuna_studies(str(tmp_path / "no-such-file.db"), target)
    assert not (tmp_path / "no-such-file.db").exists()
    assert (
        cli_main(
            ["storage", "import", "--from", f"sqlite:///{albacore_db}", "--to", f"sqlite:///{tmp_path / 'new.db'}"]
        )
        == 1
    )
    assert not (tmp_path / "new.db").exists()
    assert _study_counts(target) == before


def test_albacore_storages_refuse_optuna_sources(tmp_path: Any) -> None:
    db = tmp_path / "optuna.db"
    _fill(f"sqlite:///{db}")
    tables = set(sqlalchemy.inspect(sqlalchemy.create_engine(f"sqlite:///{db}")).get_table_names())
    with pytest.raises(ValueError, match="is an Optuna database.*albacore storage import --from"):
        albacore.load_study(study_name="single", storage=f"sqlite:///{db}")
    with pytest.raises(ValueError, match="is an Optuna database"):
        RDBStorage(f"sqlite:///{db}")
    assert set(sqlalchemy.inspect(sqlalchemy.create_engine(f"sqlite:///{db}")).get_table_names()) == tables

    journal, _ = _journal_source(tmp_path)
    with open(journal, "rb") as file:
        content = file.read()
    with pytest.raises(ValueError, match="is an Optuna journal file.*albacore storage import --from"):
        albacore.load_study(study_name="single", storage=f"journal://{journal}")
    with pytest.raises(ValueError, match="is an Optuna journal file"):
        JournalFileBackend(journal)
    with open(journal, "rb") as file:
        assert file.read() == content
    assert not os.path.exists(journal + ".lock") or os.path.getsize(journal + ".lock") >= 0


def test_a_torn_last_journal_line_is_skipped_and_a_damaged_one_named(tmp_path: Any) -> None:
    journal, optuna_journal = _journal_source(tmp_path)
    with open(journal, "ab") as file:
        file.write(b'{"op_code": 4, "worker_id": "w", "stu')
    target = InMemoryStorage()
    import_optuna_studies(journal, target, ["multi"])
    _assert_study_equal(optuna_journal, "multi", target)
    with open(journal, "ab") as file:
        file.write(b'\n{"op_code": 2}\n')
    with pytest.raises(ValueError, match=r"line \d+ is not a journal record"):
        import_optuna_studies(journal, InMemoryStorage())


def test_an_albacore_database_that_optuna_opened_stays_albacore(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'albacore.db'}"
    albacore.create_study(study_name="mine", storage=url).optimize(lambda t: t.suggest_float("x", 0, 1), 3)
    optuna.create_study(study_name="theirs", storage=url)  # adds Optuna's tables beside albacore's
    assert len(albacore.load_study(study_name="mine", storage=url).trials) == 3
    with pytest.raises(ValueError, match="is not an Optuna storage"):
        import_optuna_studies(url, InMemoryStorage())


def test_a_database_older_than_optuna_3_is_named(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    _fill(url)
    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE trial_values DROP COLUMN value_type")
    engine.dispose()
    with pytest.raises(ValueError, match=r"older than Optuna 3.0 \(no trial_values.value_type\)"):
        import_optuna_studies(url, InMemoryStorage())
