"""Storage throughput: albacore vs Optuna 5.0 on the same databases, in the same run.

Trials per second of ``study.optimize`` with RandomSampler and a trivial objective (one float
parameter), for the in-memory storage, SQLite (a file), PostgreSQL, MariaDB, and the journal
storages (a file, Redis), with 1 worker process and with 4 worker processes sharing the study.
Both libraries run the same protocol against fresh databases on the same servers.

Method (bounded run time): a study of size N is first pre-filled with N - 2*M finished trials
by a fast bulk path (direct multi-row INSERTs into each library's own tables for RDB storages;
``add_trials`` for journals), then M trials are timed with 1 worker and the next M with 4
workers, so both measurements are taken as the study holds about N trials. The in-memory
storage runs all N trials in one process. Every run then checks that no trial was lost
(albacore: numbers exactly 0..N-1, all COMPLETE; Optuna: N COMPLETE trials).

A last table shows scaling from 1 to 4 workers with a 50 ms objective on PostgreSQL.

Usage:
    python benchmarks/storage.py [--sizes 1000 10000] [--measure 200] [--only sqlite postgresql]

Servers come from ALBACORE_TEST_POSTGRES_URL, ALBACORE_TEST_MYSQL_URL and ALBACORE_TEST_REDIS_URL
(defaults: the local services). Each run creates its own databases / Redis prefixes and
removes them at the end. The latest output is committed in benchmarks/results/storage.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import multiprocessing
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Iterator
from typing import Any, Callable

import sqlalchemy as sa

import albacore

PG = os.environ.get("ALBACORE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MYSQL = os.environ.get("ALBACORE_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")
REDIS = os.environ.get("ALBACORE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIBS = ("albacore", "optuna")


def _quiet() -> None:
    import warnings

    import optuna

    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)

    albacore.logging.set_verbosity(albacore.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)


def trivial(trial: Any) -> float:
    return trial.suggest_float("x", -10, 10) ** 2


def slow(trial: Any) -> float:
    x = trial.suggest_float("x", -10, 10)
    time.sleep(0.05)
    return x**2


# --- where a study lives -----------------------------------------------------------------------
@contextlib.contextmanager
def _server_database(base_url: str) -> Iterator[str]:
    """A fresh database on the server of ``base_url``, dropped afterwards."""
    url = sa.make_url(base_url)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        force = " WITH (FORCE)" if url.get_backend_name() == "postgresql" else ""
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}{force}")
        admin.dispose()


@contextlib.contextmanager
def _location(kind: str) -> Iterator[str]:
    """A fresh place for one library's study: a URL, a file path or a Redis prefix."""
    if kind in ("postgresql", "mariadb"):
        with _server_database(PG if kind == "postgresql" else MYSQL) as url:
            yield url
    elif kind == "journal redis":
        prefix = f"bench-{uuid.uuid4().hex[:10]}:"
        try:
            yield prefix
        finally:
            import redis

            client = redis.Redis.from_url(REDIS)
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)
            client.close()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            name = "study.db" if kind == "sqlite" else "journal.log"
            yield os.path.join(tmp, name)


def _storage(lib: str, kind: str, where: str) -> Any:
    """A storage object (or URL) of ``lib`` for a study at ``where``."""
    if lib == "albacore":
        from albacore.storages import InMemoryStorage, RDBStorage

        if kind == "in-memory":
            return InMemoryStorage()
        if kind.startswith("journal"):
            from albacore.storages.journal import JournalFileBackend, JournalRedisBackend, JournalStorage

            backend = JournalFileBackend(where) if kind == "journal file" else JournalRedisBackend(REDIS, prefix=where)
            return JournalStorage(backend)
        return RDBStorage(f"sqlite:///{where}" if kind == "sqlite" else where)
    import optuna

    if kind == "in-memory":
        return optuna.storages.InMemoryStorage()
    if kind.startswith("journal"):
        from optuna.storages.journal import JournalFileBackend, JournalRedisBackend

        backend = JournalFileBackend(where) if kind == "journal file" else JournalRedisBackend(REDIS, prefix=where)
        return optuna.storages.JournalStorage(backend)
    return optuna.storages.RDBStorage(f"sqlite:///{where}" if kind == "sqlite" else where)


def _module(lib: str) -> Any:
    if lib == "albacore":
        return albacore
    import optuna

    return optuna


# --- bulk pre-fill -----------------------------------------------------------------------------
def _rows(n: int) -> Iterator[tuple[int, float, datetime.datetime]]:
    now = datetime.datetime.now()
    for number in range(n):
        x = (number * 7919 % 2000) / 100.0 - 10.0
        yield number, x, now


def _ids_by_number(conn: Any, trials: sa.Table, study_id: int) -> list[int]:
    query = sa.select(trials.c.trial_id).where(trials.c.study_id == study_id).order_by(trials.c.number)
    return list(conn.execute(query).scalars())


def _prefill_albacore_rdb(storage: Any, study_id: int, n: int) -> None:
    from albacore.distributions import FloatDistribution, distribution_to_json
    from albacore.storages._rdb import _models as m

    dist = distribution_to_json(FloatDistribution(-10, 10))
    engine = storage._runner.engine
    with engine.begin() as conn:
        rows = list(_rows(n))
        conn.execute(sa.insert(m.trials), [
            {"study_id": study_id, "number": number, "state": 1, "datetime_start": now,
             "datetime_complete": now, "heartbeat": None}
            for number, _, now in rows
        ])
        ids = _ids_by_number(conn, m.trials, study_id)
        conn.execute(sa.insert(m.trial_params), [
            {"trial_id": tid, "param_name": "x", "param_value": x, "distribution_json": dist}
            for tid, (_, x, _) in zip(ids, rows)
        ])
        conn.execute(sa.insert(m.trial_values), [
            {"trial_id": tid, "objective": 0, "value": x * x, "kind": 0} for tid, (_, x, _) in zip(ids, rows)
        ])
        conn.execute(sa.update(m.studies).where(m.studies.c.study_id == study_id).values(next_trial_number=n))


def _prefill_optuna_rdb(url: str, study_id: int, n: int) -> None:
    import optuna

    dist = optuna.distributions.distribution_to_json(optuna.distributions.FloatDistribution(-10, 10))
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine, only=["trials", "trial_params", "trial_values"])
    trials, params, values = (meta.tables[t] for t in ("trials", "trial_params", "trial_values"))
    with engine.begin() as conn:
        rows = list(_rows(n))
        conn.execute(sa.insert(trials), [
            {"number": number, "study_id": study_id, "state": "COMPLETE", "datetime_start": now,
             "datetime_complete": now}
            for number, _, now in rows
        ])
        ids = _ids_by_number(conn, trials, study_id)
        conn.execute(sa.insert(params), [
            {"trial_id": tid, "param_name": "x", "param_value": x, "distribution_json": dist}
            for tid, (_, x, _) in zip(ids, rows)
        ])
        conn.execute(sa.insert(values), [
            {"trial_id": tid, "objective": 0, "value": x * x, "value_type": "FINITE"}
            for tid, (_, x, _) in zip(ids, rows)
        ])
    engine.dispose()


def _prefill(lib: str, kind: str, where: str, study_name: str, n: int) -> None:
    """Create the study and add ``n`` finished trials by the fastest path."""
    storage = _storage(lib, kind, where)
    mod = _module(lib)
    study = mod.create_study(storage=storage, study_name=study_name, sampler=mod.samplers.RandomSampler(seed=0))
    if n == 0:
        return
    if kind in ("sqlite", "postgresql", "mariadb"):
        if lib == "albacore":
            _prefill_albacore_rdb(storage, study._study_id, n)
            storage.remove_session()
        else:
            _prefill_optuna_rdb(f"sqlite:///{where}" if kind == "sqlite" else where, study._study_id, n)
        return
    dist = mod.distributions.FloatDistribution(-10, 10)
    study.add_trials(
        mod.trial.create_trial(params={"x": x}, distributions={"x": dist}, value=x * x) for _, x, _ in _rows(n)
    )


# --- timed runs --------------------------------------------------------------------------------
def _worker(lib: str, kind: str, where: str, study_name: str, n: int, objective: Callable, barrier: Any) -> None:
    _quiet()
    mod = _module(lib)
    study = mod.load_study(study_name=study_name, storage=_storage(lib, kind, where),
                           sampler=mod.samplers.RandomSampler())
    barrier.wait()
    study.optimize(objective, n_trials=n)


def _timed(lib: str, kind: str, where: str, study_name: str, n: int, workers: int, objective: Callable) -> float:
    """Trials per second of ``workers`` processes running ``n`` trials in total."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers + 1)
    shares = [n // workers + (1 if i < n % workers else 0) for i in range(workers)]
    procs = [context.Process(target=_worker, args=(lib, kind, where, study_name, k, objective, barrier))
             for k in shares]
    for p in procs:
        p.start()
    barrier.wait()
    start = time.perf_counter()
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - start
    if any(p.exitcode != 0 for p in procs):
        raise RuntimeError(f"a {lib} worker on {kind} failed")
    return n / elapsed


def _lost(lib: str, kind: str, where: str, study_name: str, expected: int) -> int:
    """How many of ``expected`` trials are missing or not COMPLETE (albacore: numbers 0..n-1)."""
    mod = _module(lib)
    trials = mod.load_study(study_name=study_name, storage=_storage(lib, kind, where)).get_trials(deepcopy=False)
    complete = [t for t in trials if t.state == mod.trial.TrialState.COMPLETE]
    if lib == "albacore" and sorted(t.number for t in trials) != list(range(len(trials))):
        return max(1, expected - len(complete))
    return expected - len(complete)


def _in_memory(lib: str, n: int) -> float:
    mod = _module(lib)
    study = mod.create_study(storage=_storage(lib, "in-memory", ""), sampler=mod.samplers.RandomSampler(seed=0))
    # A run of ~50 ms: a full garbage collection of what earlier imports left would land in
    # one library's window or the other's by chance (it made either run up to 4x slower).
    gc.collect()
    start = time.perf_counter()
    study.optimize(trivial, n_trials=n)
    rate = n / (time.perf_counter() - start)
    assert len(study.trials) == n
    return rate


def _run_kind(kind: str, sizes: list[int], m: int) -> list[tuple]:
    """Rows (kind, n, workers, albacore t/s, optuna t/s, lost albacore, lost optuna).

    One library's sizes run back to back, so that a change of the machine's load between
    runs does not pass for a slowdown from one size to the next.
    """
    if kind == "in-memory":
        return [(kind, n, 1, _in_memory("albacore", n), _in_memory("optuna", n), 0, 0) for n in sizes]
    rates: dict[tuple[str, int, int], float] = {}
    lost: dict[tuple[str, int], int] = {}
    for lib in LIBS:
        for n in sizes:
            with _location(kind) as where:
                name = f"bench-{lib}"
                _prefill(lib, kind, where, name, n - 2 * m)
                for workers in (1, 4):
                    rates[(lib, n, workers)] = _timed(lib, kind, where, name, m, workers, trivial)
                lost[(lib, n)] = _lost(lib, kind, where, name, n)
    return [
        (kind, n, w, rates[("albacore", n, w)], rates[("optuna", n, w)], lost[("albacore", n)], lost[("optuna", n)])
        for n in sizes
        for w in (1, 4)
    ]


def _scaling(m: int) -> list[tuple[str, int, float, float]]:
    """Trials/s with a 50 ms objective on PostgreSQL, 1 and 4 workers."""
    rows = []
    for lib in LIBS:
        with _location("postgresql") as where:
            _prefill(lib, "postgresql", where, "scaling", 0)
            one = _timed(lib, "postgresql", where, "scaling", m, 1, slow)
            four = _timed(lib, "postgresql", where, "scaling", m, 4, slow)
            rows.append((lib, _lost(lib, "postgresql", where, "scaling", 2 * m), one, four))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--measure", type=int, default=200, help="M: trials timed per worker setting")
    parser.add_argument("--only", nargs="+", default=None,
                        help="storages: in-memory sqlite postgresql mariadb journal-file journal-redis")
    parser.add_argument("--scaling-trials", type=int, default=80)
    args = parser.parse_args()
    _quiet()
    import optuna

    kinds = ["in-memory", "sqlite", "postgresql", "mariadb", "journal file", "journal redis"]
    if args.only:
        kinds = [k for k in kinds if k.replace(" ", "-") in args.only]
    print("Storage throughput, RandomSampler, objective: one suggest_float, trials per second (higher is better)")
    print(f"albacore {albacore.__version__}, optuna {optuna.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.1f}")
    print(f"RDB and journal rows: study pre-filled to N - {2 * args.measure} trials, then {args.measure} trials "
          f"timed with 1 worker and the next {args.measure} with 4 worker processes; in-memory: all N trials, "
          f"1 process.\n")
    header = f"{'storage':<14}{'N':>7}{'workers':>9}{'albacore':>11}{'optuna':>9}{'ratio':>8}{'lost a/o':>10}"
    print(header)
    print("-" * len(header))
    for kind in kinds:
        for row in _run_kind(kind, args.sizes, args.measure):
            k, size, workers, a, o, la, lo = row
            print(f"{k:<14}{size:>7}{workers:>9}{a:>11.1f}{o:>9.1f}{a / o:>8.1f}{f'{la}/{lo}':>10}", flush=True)
    if "postgresql" in kinds:
        print(f"\nScaling on PostgreSQL, objective sleeps 50 ms, {args.scaling_trials} trials per setting")
        print(f"{'library':<10}{'1 worker':>10}{'4 workers':>11}{'speedup':>9}{'lost':>6}")
        for lib, lost, one, four in _scaling(args.scaling_trials):
            print(f"{lib:<10}{one:>10.1f}{four:>11.1f}{four / one:>9.2f}{lost:>6}", flush=True)
    print("\ntargets: ratio >= 5 on SQLite and PostgreSQL with 1 worker at N=1,000 and N=10,000; no slowdown "
          "from 1,000 to 10,000; albacore speedup near 4 with the 50 ms objective; lost 0 everywhere.")


if __name__ == "__main__":
    main()
