"""The gRPC storage proxy: albacore's against Optuna 5.0's, on PostgreSQL and on a SQLite file.

Each proxy server runs in its own process on its own fresh database (PostgreSQL: a database
created for the run; SQLite: a file in a temporary directory); worker processes reach it
through ``GrpcStorageProxy`` and run ``study.optimize`` on one shared study (RandomSampler,
so the storage path is what is measured). The worker processes are started once, before
any timing, and every run waits until all of its workers have connected, loaded the study
and finished one warm-up trial; the clock starts when they are released together.

Throughput is measured over a window: each worker runs ``optimize(timeout=window)``, the
trials that end within ``window`` seconds of the release are counted, and trials/s is that
count / window (a steady-state rate: a worker that is still in its last trial at the end of
the window does not stretch the run). Each row also gives every trial finished and the
seconds from the release to the last one's end.

1. Throughput: ``--clients`` worker processes (default 32), a trivial objective,
   ``--seconds`` window (default 5). albacore's proxy and Optuna's
   (``optuna.storages.run_grpc_proxy_server`` / ``GrpcStorageProxy``, default thread pool)
   are measured in the same run, one after the other. Target: albacore at least 3x
   Optuna's trials/s.
2. Database connections: during each PostgreSQL run of part 1 the parent counts the rows of
   ``pg_stat_activity`` for that run's database every 50 ms (its own sampling connection is
   to another database); the table gives the largest count seen. Target: at most 4.
3. Scale-out: a 200 ms sleeping objective, N = 1, 4, 16 worker processes on one proxy,
   PostgreSQL, ``--sleep-seconds`` window (default 8); throughput relative to N = 1.
   Target: at least 0.9 * N.

Usage:
    nice -n 10 python benchmarks/grpc_proxy.py [--clients 32] [--seconds 5] [--sleep-seconds 8]

Needs a PostgreSQL server (``ALBACORE_TEST_POSTGRES_URL``, as in the tests; the user needs
the right to create databases). The latest run is committed in benchmarks/results/grpc_proxy.txt.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import tempfile
import threading
import time
import warnings
from typing import Any

import sqlalchemy

SLEEP = 0.2
SCALE_OUT = (1, 4, 16)
FRAMEWORKS = ("albacore", "optuna")


def _module(framework: str) -> Any:
    if framework == "albacore":
        import albacore

        albacore.logging.set_verbosity(albacore.logging.WARNING)
        return albacore
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
    return optuna


def trivial(trial: Any) -> float:
    return float(trial.suggest_float("x", -5, 5) ** 2)


def sleepy(trial: Any) -> float:
    x = trial.suggest_float("x", -5, 5)
    time.sleep(SLEEP)
    return float(x * x)


# --- the proxy server, in a process of its own -----------------------------------------------------
def _serve(framework: str, url: str, app_name: str, ports: Any) -> None:
    module = _module(framework)
    kwargs = {"connect_args": {"application_name": app_name}} if url.startswith("postgresql") else {}
    storage = module.storages.RDBStorage(url, engine_kwargs=kwargs)
    if framework == "albacore":
        from albacore.storages._grpc._server import start_server

        server, port = start_server(storage, "127.0.0.1", 0, None)
        ports.put(port)
        server.wait_for_termination()
    else:  # Optuna's public server takes a fixed port: find a free one first
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        ports.put(port)
        module.storages.run_grpc_proxy_server(storage, host="127.0.0.1", port=port)


class Proxy:
    """A proxy server process for one framework and one database URL."""

    def __init__(self, ctx: Any, framework: str, url: str, app_name: str) -> None:
        ports = ctx.Queue()
        self.process = ctx.Process(target=_serve, args=(framework, url, app_name, ports), daemon=True)
        self.process.start()
        self.port = ports.get(timeout=120)
        self.framework = framework
        module = _module(framework)
        client = module.storages.GrpcStorageProxy(host="127.0.0.1", port=self.port)
        client.wait_server_ready(timeout=60)
        self.study_name = f"bench-{os.getpid()}-{time.monotonic_ns()}"
        module.create_study(storage=client, study_name=self.study_name)

    def new_study(self) -> str:
        module = _module(self.framework)
        client = module.storages.GrpcStorageProxy(host="127.0.0.1", port=self.port)
        name = f"bench-{time.monotonic_ns()}"
        module.create_study(storage=client, study_name=name)
        return name

    def stop(self) -> None:
        self.process.kill()
        self.process.join()


# --- worker processes, started once ------------------------------------------------------------------
def _worker(jobs: Any, results: Any) -> None:
    """Run jobs from ``jobs``: set up, report ready, wait for "go", optimize, report when trials ended."""
    for framework in FRAMEWORKS:
        _module(framework)  # import both before any timing
    results.put(("started", os.getpid()))
    while True:
        job = jobs.get()
        if job is None:
            return
        framework, port, study_name, objective_name, seconds = job
        module = _module(framework)
        storage = module.storages.GrpcStorageProxy(host="127.0.0.1", port=port)
        study = module.load_study(study_name=study_name, storage=storage, sampler=module.samplers.RandomSampler())
        objective = trivial if objective_name == "trivial" else sleepy
        study.optimize(trivial, n_trials=1)  # warm-up: connection, first round trips
        results.put(("ready", os.getpid()))
        assert jobs.get() == "go"
        ends: list[float] = []
        study.optimize(objective, timeout=seconds, callbacks=[_recorder(ends)])
        results.put(("done", ends))
        storage.close()


def _recorder(ends: list[float]) -> Any:
    """A callback appending the time each trial ends to ``ends``."""

    def record(study: Any, trial: Any) -> None:
        ends.append(time.monotonic())

    return record


class Workers:
    """``n`` long-lived worker processes, each with its own job queue."""

    def __init__(self, ctx: Any, n: int) -> None:
        self.results = ctx.Queue()
        self.queues = [ctx.Queue() for _ in range(n)]
        self.processes = [ctx.Process(target=_worker, args=(q, self.results), daemon=True) for q in self.queues]
        for process in self.processes:
            process.start()
        for _ in range(n):  # every worker has imported both frameworks: nothing else competes for the CPUs
            assert self.results.get(timeout=600)[0] == "started"

    def run(self, n: int, job: tuple[Any, ...]) -> tuple[int, int, float]:
        """Run ``job`` on the first ``n`` workers at once.

        Returns ``(trials finished within the window, trials finished in all, seconds to the last one)``;
        the window is the job's ``seconds`` from the release.
        """
        for queue in self.queues[:n]:
            queue.put(job)
        for _ in range(n):
            assert self.results.get(timeout=300)[0] == "ready"
        go = time.monotonic()
        for queue in self.queues[:n]:
            queue.put("go")
        ends = [end - go for _ in range(n) for end in self.results.get(timeout=600)[1]]
        return sum(end <= job[-1] for end in ends), len(ends), max(ends)

    def stop(self) -> None:
        for queue in self.queues:
            queue.put(None)
        for process in self.processes:
            process.join(timeout=30)


# --- databases ---------------------------------------------------------------------------------------
class Postgres:
    """Fresh databases on the test server and a sampler of their connections."""

    def __init__(self, url: str) -> None:
        self.url = sqlalchemy.make_url(url)
        admin = self.url.set(database="postgres")
        self.engine = sqlalchemy.create_engine(admin, isolation_level="AUTOCOMMIT")

    def fresh(self, name: str) -> str:
        with self.engine.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
        return self.url.set(database=name).render_as_string(hide_password=False)

    def drop(self, name: str) -> None:
        with self.engine.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def connections(self, name: str) -> int:
        with self.engine.connect() as conn:
            query = "SELECT count(*) FROM pg_stat_activity WHERE datname = :name"
            return int(conn.execute(sqlalchemy.text(query), {"name": name}).scalar_one())


class Sampler(threading.Thread):
    """Counts a database's connections every 50 ms until stopped; keeps the largest count."""

    def __init__(self, pg: Postgres, name: str) -> None:
        super().__init__(daemon=True)
        self.pg, self.name, self.most, self.samples = pg, name, 0, 0
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(0.05):
            self.most = max(self.most, self.pg.connections(self.name))
            self.samples += 1


# --- the parts ---------------------------------------------------------------------------------------
HEADER = f"{'in window':>10}{'trials/s':>10}{'all':>6}{'to last end':>13}{'trials/s':>10}"


def _rates(window: int, trials: int, last: float, seconds: float) -> str:
    return f"{window:>10}{window / seconds:>10.1f}{trials:>6}{last:>11.2f} s{trials / last:>10.1f}"


def throughput(ctx: Any, workers: Workers, pg: Postgres, args: argparse.Namespace) -> list[str]:
    lines = [f"1./2. {args.clients} client processes, trivial objective, {args.seconds:g} s window, RandomSampler",
             f"{'database':12}{'framework':10}{HEADER}  max DB connections (samples)"]
    rates: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory() as directory:
        for database in ("postgresql", "sqlite"):
            for framework in FRAMEWORKS:
                db_name = f"grpc_bench_{framework}"
                if database == "postgresql":
                    url = pg.fresh(db_name)
                else:
                    url = f"sqlite:///{os.path.join(directory, framework + '.db')}"
                proxy = Proxy(ctx, framework, url, f"grpc-bench-{framework}")
                sampler = Sampler(pg, db_name) if database == "postgresql" else None
                try:
                    if sampler is not None:
                        sampler.start()
                    job = (framework, proxy.port, proxy.study_name, "trivial", args.seconds)
                    window, trials, last = workers.run(args.clients, job)
                finally:
                    if sampler is not None:
                        sampler.halt.set()
                        sampler.join()
                    proxy.stop()
                    if database == "postgresql":
                        pg.drop(db_name)
                rates[database, framework] = window / args.seconds
                conns = f"{sampler.most} ({sampler.samples})" if sampler is not None else "-"
                lines.append(f"{database:12}{framework:10}{_rates(window, trials, last, args.seconds)}  {conns}")
    for database in ("postgresql", "sqlite"):
        ratio = rates[database, "albacore"] / rates[database, "optuna"]
        lines.append(f"ratio albacore/optuna on {database}: {ratio:.2f}x "
                     f"(target >= 3x: {'met' if ratio >= 3 else 'not met'})")
    return lines


def scale_out(ctx: Any, workers: Workers, pg: Postgres, args: argparse.Namespace) -> list[str]:
    lines = [f"3. scale-out, {SLEEP * 1000:.0f} ms sleeping objective, {args.sleep_seconds:g} s window, PostgreSQL",
             f"{'framework':10}{'N':>4}{HEADER}{'vs N=1':>8}{'target':>8}  met"]
    for framework in FRAMEWORKS:
        db_name = f"grpc_bench_{framework}"
        proxy = Proxy(ctx, framework, pg.fresh(db_name), f"grpc-bench-{framework}")
        try:
            base = 0.0
            for n in SCALE_OUT:
                job = (framework, proxy.port, proxy.new_study(), "sleepy", args.sleep_seconds)
                window, trials, last = workers.run(n, job)
                rate = window / args.sleep_seconds
                base = base or rate
                ratio = rate / base
                met = "yes" if ratio >= 0.9 * n else "no"
                lines.append(f"{framework:10}{n:>4}{_rates(window, trials, last, args.sleep_seconds)}"
                             f"{ratio:>8.2f}{0.9 * n:>8.1f}  {met}")
        finally:
            proxy.stop()
            pg.drop(db_name)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32, help="Client processes of parts 1 and 2.")
    parser.add_argument("--seconds", type=float, default=5.0, help="Seconds each client optimizes in part 1.")
    parser.add_argument("--sleep-seconds", type=float, default=8.0, help="Window of each run of part 3.")
    parser.add_argument("--skip-scaleout", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("ALBACORE_TEST_POSTGRES_URL")
    if not url:
        parser.error("set ALBACORE_TEST_POSTGRES_URL to a PostgreSQL server (source /tmp/ciemu.sh)")
    import grpc
    import optuna

    import albacore

    ctx = multiprocessing.get_context("spawn")
    pg = Postgres(url)
    print(f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.1f}; albacore {albacore.__version__}, "
          f"optuna {optuna.__version__}, grpcio {grpc.__version__}, Python {platform.python_version()}", flush=True)
    started = time.monotonic()
    workers = Workers(ctx, max(args.clients, max(SCALE_OUT)))
    try:
        if not args.skip_throughput:
            print("\n" + "\n".join(throughput(ctx, workers, pg, args)), flush=True)
        if not args.skip_scaleout:
            print("\n" + "\n".join(scale_out(ctx, workers, pg, args)), flush=True)
    finally:
        workers.stop()
        pg.engine.dispose()
    print(f"\nwhole run {time.monotonic() - started:.0f} s, load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
