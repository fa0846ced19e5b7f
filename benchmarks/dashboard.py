"""Dashboard speed: albacore's dashboard vs optuna-dashboard 0.21, side by side in one run.

The same study (N trials x 10 params: floats, log floats, ints, a categorical; the same
values) is written once into albacore's storage and once by Optuna 5.0 into its own database
(optuna-dashboard cannot read albacore's storages), on SQLite and on PostgreSQL. Both are
written in bulk (one transaction per 2,000 trials, through each library's own schema) and the
SQLite files are cached under /tmp between runs.

Each dashboard runs as its own server process. Measured:

- the API calls the study page makes, warm (the server has read the study once; median of
  a few calls), each beside optuna-dashboard's equivalent, and the first (cold) call;
- a refresh with nothing new (albacore: ``/updates?since=<marker>``; optuna-dashboard:
  ``/api/studies/<id>?after=<n>``), spaced beyond albacore's 0.5 s read interval so the
  storage is really read, as server time measured inside the process and as HTTP latency;
- the study page ready in headless Chromium (summary, first table page and the history plot
  drawn; the first figure is drawn as static SVG before plotly.js has loaded), and the history
  plot interactive (plotly.js loaded and drawn), from the page's own performance marks, for a
  first visit and for revisits with plotly.js cached; optuna-dashboard's study page until its
  trials have arrived and its plot is drawn;
- peak memory (VmHWM) of each server process.

Usage:
    pip install -c constraints.txt optuna==5.0.0 'optuna-dashboard==0.21.*'   # only for this benchmark
    python benchmarks/dashboard.py [--trials 100000] [--storages sqlite,postgresql] [--postgres-url URL]

Output: the latest run is committed in benchmarks/results/dashboard.txt.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from typing import Any, Callable

import numpy as np

CACHE = "/tmp/albacore-dashboard-bench"
CHUNK = 2000
PARAMS = [("f0", "float"), ("f1", "float"), ("f2", "float"), ("l0", "log"), ("l1", "log"), ("i0", "int"),
          ("i1", "int"), ("i2", "int"), ("c0", "cat"), ("c1", "cat")]
CHOICES = ("a", "b", "c", "d")


# --- the study's data ------------------------------------------------------------------------------
def trial_rows(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}
    for name, kind in PARAMS:
        if kind == "float":
            cols[name] = rng.uniform(-5, 5, n)
        elif kind == "log":
            cols[name] = np.exp(rng.uniform(np.log(1e-5), np.log(1.0), n))
        elif kind == "int":
            cols[name] = rng.integers(0, 100, n).astype(float)
        else:
            cols[name] = rng.integers(0, len(CHOICES), n).astype(float)  # the choice index
    cols["value"] = sum(cols[f"f{i}"] ** 2 for i in range(3)) + np.log10(cols["l0"]) ** 2 + cols["i0"] / 50
    return cols


def albacore_distributions() -> dict[str, Any]:
    from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

    out: dict[str, Any] = {}
    for name, kind in PARAMS:
        out[name] = {"float": FloatDistribution(-5, 5), "log": FloatDistribution(1e-5, 1.0, log=True),
                     "int": IntDistribution(0, 99), "cat": CategoricalDistribution(CHOICES)}[kind]
    return out


def write_albacore(url: str, name: str, n: int) -> None:
    """Bulk-write the study through the RDB storage's own schema (one transaction a chunk)."""
    import albacore
    from albacore.storages._rdb._writes import insert_template_children, insert_trial
    from albacore.trial import TrialState, create_trial

    storage = albacore.storages.RDBStorage(url)
    if name in albacore.get_all_study_names(storage):
        albacore.delete_study(study_name=name, storage=storage)
    study = albacore.create_study(storage=storage, study_name=name)
    study_id = storage.get_study_id_from_name(name)
    cols = trial_rows(n)
    dists = albacore_distributions()
    start = datetime.datetime(2026, 1, 1)
    for begin in range(0, n, CHUNK):
        templates = []
        for i in range(begin, min(n, begin + CHUNK)):
            params = {
                p: (CHOICES[int(cols[p][i])] if k == "cat" else int(cols[p][i]) if k == "int" else float(cols[p][i]))
                for p, k in PARAMS
            }
            t0 = start + datetime.timedelta(seconds=i)
            trial = create_trial(value=float(cols["value"][i]), params=params, distributions=dists)
            trial.datetime_start, trial.datetime_complete = t0, t0 + datetime.timedelta(seconds=0.8)
            templates.append(trial)

        def work(conn: Any, templates: list[Any] = templates) -> None:
            for template in templates:
                trial_id = insert_trial(
                    conn, study_id, TrialState.COMPLETE, template.datetime_start, template.datetime_complete
                )
                insert_template_children(conn, trial_id, template)

        storage._run("bench_bulk_write", work, write=True, idempotent=False, durable=True)
    assert len(study.get_trials(deepcopy=False)) == n
    storage.remove_session()


def write_optuna(url: str, name: str, n: int) -> None:
    """Bulk-write the same study into Optuna 5.0's own schema with SQLAlchemy Core."""
    import optuna
    import sqlalchemy as sa
    from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution, distribution_to_json

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        optuna.delete_study(study_name=name, storage=url)
    except KeyError:
        pass
    study = optuna.create_study(storage=url, study_name=name)
    study_id = study._study_id
    dists = {
        p: distribution_to_json(
            {
                "float": FloatDistribution(-5, 5),
                "log": FloatDistribution(1e-5, 1.0, log=True),
                "int": IntDistribution(0, 99),
                "cat": CategoricalDistribution(CHOICES),
            }[k]
        )
        for p, k in PARAMS
    }
    engine = sa.create_engine(url)
    meta = sa.MetaData()
    meta.reflect(engine, only=["trials", "trial_params", "trial_values"])
    trials, params_t, values_t = meta.tables["trials"], meta.tables["trial_params"], meta.tables["trial_values"]
    cols = trial_rows(n)
    start = datetime.datetime(2026, 1, 1)
    with engine.begin() as conn:
        for begin in range(0, n, CHUNK):
            numbers = range(begin, min(n, begin + CHUNK))
            conn.execute(
                trials.insert(),
                [
                    {
                        "number": i,
                        "study_id": study_id,
                        "state": "COMPLETE",
                        "datetime_start": start + datetime.timedelta(seconds=i),
                        "datetime_complete": start + datetime.timedelta(seconds=i + 0.8),
                    }
                    for i in numbers
                ],
            )
            ids = dict(
                conn.execute(
                    sa.select(trials.c.number, trials.c.trial_id).where(
                        trials.c.study_id == study_id, trials.c.number >= begin, trials.c.number < begin + CHUNK
                    )
                ).all()
            )
            conn.execute(
                params_t.insert(),
                [
                    {
                        "trial_id": ids[i],
                        "param_name": p,
                        "param_value": float(cols[p][i]),
                        "distribution_json": dists[p],
                    }
                    for i in numbers
                    for p, _ in PARAMS
                ],
            )
            conn.execute(
                values_t.insert(),
                [
                    {"trial_id": ids[i], "objective": 0, "value": float(cols["value"][i]), "value_type": "FINITE"}
                    for i in numbers
                ],
            )
    engine.dispose()
    assert len(optuna.load_study(study_name=name, storage=url).get_trials(deepcopy=False)) == n


# --- servers ---------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str) -> tuple[float, bytes]:
    t0 = time.perf_counter()
    with _OPENER.open(url, timeout=600) as response:
        body = response.read()
    return time.perf_counter() - t0, body


class Server:
    def __init__(self, command: list[str], port: int) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            try:
                get(self.base + "/")
                return
            except OSError as exc:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"server {command} did not start") from exc
                time.sleep(0.2)

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def timed(call: Callable[[], Any], repeat: int, pause: float = 0.0) -> float:
    times = []
    for _ in range(repeat):
        if pause:
            time.sleep(pause)
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# --- measurements ----------------------------------------------------------------------------------
def bench_albacore(url: str, name: str, repeat: int, browser: bool) -> dict[str, Any]:
    port = free_port()
    server = Server([sys.executable, "-m", "albacore.cli", "dashboard", "--storage", url, "--port", str(port)], port)
    out: dict[str, Any] = {}
    try:
        b = server.base
        out["cold studies"], body = get(f"{b}/api/studies")
        sid = [s["study_id"] for s in json.loads(body) if s["study_name"] == name][0]
        calls = {
            "study list": f"{b}/api/studies",
            "study summary": f"{b}/api/studies/{sid}",
            "trial table page": f"{b}/api/studies/{sid}/trials?sort=number&order=desc&offset=0&limit=25",
            "table sorted+filtered": f"{b}/api/studies/{sid}/trials?sort=value&order=asc&limit=25&states=COMPLETE"
            "&filters=" + urllib.request.quote(json.dumps([{"field": "param:f0", "op": ">", "value": 0}])),
            "history figure": f"{b}/api/studies/{sid}/figures/history",
            "importance figure": f"{b}/api/studies/{sid}/figures/importance",
        }
        for label, address in calls.items():
            out[f"cold {label}"], _ = get(address)
            out[label] = timed(lambda a=address: get(a), repeat)
        marker = json.loads(get(calls["study summary"])[1])["marker"]
        out["refresh (nothing new)"] = timed(
            lambda: get(f"{b}/api/studies/{sid}/updates?since={marker}"), repeat, pause=0.6
        )
        out["csv download"] = timed(lambda: get(f"{b}/api/studies/{sid}/trials.csv"), 1)
        if browser:
            out["page ready (browser)"] = page_ready(f"{b}/#/study/{sid}", repeat=3)
        out["peak RSS MB"] = server.peak_rss_mb()
    finally:
        server.stop()
    out["refresh server time"] = refresh_server_time(url, name, repeat)
    return out


def refresh_server_time(url: str, name: str, repeat: int) -> float:
    """Server time of a refresh with nothing new: the storage read, the comparison and the
    update payload, measured inside the process."""
    from albacore.dashboard._routes import Backend
    from albacore.dashboard._storage import open_storage

    storage = open_storage(url)
    backend = Backend(storage, read_only=True, epoch="bench")
    sid = storage.get_study_id_from_name(name)
    backend.snapshot(sid)
    marker = backend.marker(backend.snapshot(sid))

    def call() -> None:
        backend.snapshot(sid, force=True)
        assert backend.updates(sid, marker)["changed"] == []

    result = timed(call, repeat)
    storage.remove_session()
    return result


def page_ready(address: str, repeat: int) -> dict[str, tuple[float, float]]:
    """Seconds from navigation start to (a) the study page ready: summary, first table page
    and the history figure drawn (by the page's light SVG renderer), and (b) the history
    figure interactive (plotly.js loaded, parsed and drawn), read from the page's own
    ``performance.mark`` entries; for a first visit (empty browser cache) and as the median
    of revisits (plotly.js in the HTTP cache)."""
    from playwright.sync_api import sync_playwright

    marks: dict[str, list[float]] = {"ready": [], "interactive": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        for _ in range(repeat + 1):
            page = context.new_page()
            page.goto(address, wait_until="commit")
            page.wait_for_selector("#app[data-ready=study]", timeout=120_000)
            page.wait_for_selector("#plot[data-ready=history] .main-svg", state="attached", timeout=120_000)
            at = page.evaluate("() => Object.fromEntries(performance.getEntriesByType('mark')"
                               ".map((m) => [m.name, m.startTime / 1000]))")
            marks["ready"].append(at["study-ready"])
            marks["interactive"].append(at["figure-interactive"])
            page.close()
        browser.close()
    return {k: (v[0], statistics.median(v[1:])) for k, v in marks.items()}


def optuna_page_ready(address: str, sid: int) -> float:
    """Seconds from navigation to optuna-dashboard's study page drawn with its data: the
    study's trials received (``/api/studies/<id>``) and its plotly history plot present
    (wall clock around Playwright's waits, first visit)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        t0 = time.perf_counter()
        with page.expect_response(lambda r: f"/api/studies/{sid}?" in r.url, timeout=400_000):
            page.goto(address, wait_until="commit")
        page.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=120_000)
        ready = time.perf_counter() - t0
        browser.close()
    return ready


def bench_optuna(url: str, name: str, n: int, repeat: int, browser: bool) -> dict[str, Any]:
    port = free_port()
    server = Server(["optuna-dashboard", url, "--port", str(port), "--host", "127.0.0.1"], port)
    out: dict[str, Any] = {}
    try:
        b = server.base
        out["cold studies"], body = get(f"{b}/api/studies")
        sid = [s["study_id"] for s in json.loads(body)["study_summaries"] if s["study_name"] == name][0]
        calls = {
            "study list": f"{b}/api/studies",
            "study detail (all trials)": f"{b}/api/studies/{sid}?after=0",
            "importance": f"{b}/api/studies/{sid}/param_importances",
        }
        for label, address in calls.items():
            out[f"cold {label}"], _ = get(address)
            out[label] = timed(lambda a=address: get(a), repeat)
        out["refresh (nothing new)"] = timed(lambda: get(f"{b}/api/studies/{sid}?after={n}"), repeat, pause=0.6)
        out["csv download"] = timed(lambda: get(f"{b}/csv/{sid}"), 1)
        if browser:
            try:
                out["page ready (browser)"] = optuna_page_ready(f"{b}/dashboard/studies/{sid}", sid)
            except Exception as exc:  # noqa: BLE001 - reported in the results instead
                out["page ready error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        out["peak RSS MB"] = server.peak_rss_mb()
    finally:
        server.stop()
    return out


# albacore call -> optuna-dashboard call the study page makes for the same thing
PAIRS = [
    ("study list", "study list"),
    ("study summary", "study detail (all trials)"),
    ("trial table page", "study detail (all trials)"),
    ("history figure", "study detail (all trials)"),
    ("importance figure", "importance"),
    ("refresh (nothing new)", "refresh (nothing new)"),
    ("csv download", "csv download"),
]


def report(kind: str, n: int, ours: dict[str, Any], theirs: dict[str, Any] | None) -> list[str]:
    lines = [f"## {kind}: one study of {n:,} COMPLETE trials x {len(PARAMS)} params", ""]
    lines.append(
        f"{'API call (warm, median)':<34}{'albacore ms':>12}  {'optuna-dashboard equivalent':<28}{'ms':>10}{'ratio':>9}"
    )
    for mine, other in PAIRS:
        a = ours[mine] * 1000
        if theirs is None:
            lines.append(f"{mine:<34}{a:>12.1f}")
            continue
        o = theirs[other] * 1000
        lines.append(f"{mine:<34}{a:>12.1f}  {other:<28}{o:>10.1f}{o / a:>8.1f}x")
    lines.append(
        f"{'table sorted+filtered':<34}{ours['table sorted+filtered'] * 1000:>12.1f}  "
        "(optuna-dashboard filters in the browser)"
    )
    lines.append("")
    lines.append(
        f"first (cold) calls, albacore: studies {ours['cold studies']:.2f} s (reads the whole study once), summary "
        f"{ours['cold study summary'] * 1000:.0f} ms, table {ours['cold trial table page'] * 1000:.0f} ms, history "
        f"{ours['cold history figure'] * 1000:.0f} ms, importance {ours['cold importance figure'] * 1000:.0f} ms"
    )
    if theirs is not None:
        lines.append(
            f"first (cold) calls, optuna-dashboard: studies {theirs['cold studies']:.2f} s, detail "
            f"{theirs['cold study detail (all trials)']:.2f} s, importance {theirs['cold importance']:.2f} s"
        )
    if theirs is not None and "page ready (browser)" in theirs:
        lines.append(f"optuna-dashboard study page with its history plot drawn: {theirs['page ready (browser)']:.2f} s "
                     "(wall clock, first visit; it fetches every trial first)")
    elif theirs is not None:
        lines.append(f"optuna-dashboard study page: not measured ({theirs.get('page ready error', 'no browser')})")
    lines.append(
        f"refresh with nothing new, albacore server time (in process): {ours['refresh server time'] * 1000:.1f} ms "
        f"(target <= 50 ms); HTTP latency: albacore {ours['refresh (nothing new)'] * 1000:.1f} ms"
        + (f", optuna-dashboard {theirs['refresh (nothing new)'] * 1000:.1f} ms" if theirs else "")
    )
    if "page ready (browser)" in ours:
        times = ours["page ready (browser)"]
        (first, again), (first_i, again_i) = times["ready"], times["interactive"]
        lines.append(
            f"study page ready in headless Chromium (warm server; summary, table page and history drawn): first visit "
            f"{first:.2f} s, revisit {again:.2f} s (target <= 1.5 s)"
        )
        lines.append(
            f"history plot interactive (plotly.js loaded after first paint): first visit {first_i:.2f} s, "
            f"revisit with plotly.js cached {again_i:.2f} s"
        )
    lines.append(
        f"peak server RSS: albacore {ours['peak RSS MB']:.0f} MB (target < 500 MB)"
        + (f", optuna-dashboard {theirs['peak RSS MB']:.0f} MB" if theirs else "")
    )
    lines.append("")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100_000)
    parser.add_argument("--storages", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("ALBACORE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--optuna-repeat", type=int, default=2, help="calls per optuna-dashboard endpoint (each reads the whole study)"
    )
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--skip-optuna", action="store_true")
    args = parser.parse_args()
    import albacore

    albacore.logging.set_verbosity(albacore.logging.WARNING)
    os.makedirs(CACHE, exist_ok=True)
    name = f"bench-{args.trials}"
    lines = ["# benchmarks/dashboard.py: albacore dashboard vs optuna-dashboard (Optuna 5.0 storage)", ""]
    versions = f"python {platform.python_version()}, albacore {albacore.__version__}"
    skip_reason = "--skip-optuna given" if args.skip_optuna else _optuna_missing()
    if skip_reason is None:
        from importlib.metadata import version

        import optuna

        versions += f", optuna {optuna.__version__}, optuna-dashboard {version('optuna-dashboard')}"
    lines += [versions, f"machine: {os.cpu_count()} cores; ratio = optuna-dashboard time / albacore time", ""]
    if skip_reason is not None:
        lines += [f"optuna-dashboard not run: {skip_reason}", ""]
        print(lines[-2], flush=True)
    for kind in args.storages.split(","):
        if kind == "sqlite":
            ours_url = f"sqlite:///{CACHE}/albacore-{args.trials}.db"
            theirs_url = f"sqlite:///{CACHE}/optuna-{args.trials}.db"
        else:
            ours_url, theirs_url = (
                _pg_database(args.postgres_url, "albacore_dash_bench"),
                _pg_database(args.postgres_url, "optuna_dash_bench"),
            )
        cached_ours = _has_study(ours_url, name, args.trials, "albacore_")
        cached_theirs = skip_reason is None and _has_study(theirs_url, name, args.trials, "")
        t0 = time.perf_counter()
        if not cached_ours:
            write_albacore(ours_url, name, args.trials)
        if skip_reason is None and not cached_theirs:
            write_optuna(theirs_url, name, args.trials)
        print(f"{kind}: studies ready in {time.perf_counter() - t0:.0f} s", flush=True)
        ours = bench_albacore(ours_url, name, args.repeat, browser=not args.no_browser)
        theirs = (None if skip_reason is not None
                  else bench_optuna(theirs_url, name, args.trials, args.optuna_repeat, browser=not args.no_browser))
        section = report(kind, args.trials, ours, theirs)
        print("\n".join(section), flush=True)
        lines += section
    os.makedirs("benchmarks/results", exist_ok=True)
    with open("benchmarks/results/dashboard.txt", "w") as out:
        out.write("\n".join(lines).rstrip() + "\n")


def _optuna_missing() -> str | None:
    """Why optuna-dashboard cannot be run here, or None when it can."""
    import shutil
    from importlib.metadata import PackageNotFoundError, version

    try:
        optuna_version, dashboard_version = version("optuna"), version("optuna-dashboard")
    except PackageNotFoundError as exc:
        return (f"{exc.name} is not installed (pip install -c constraints.txt optuna==5.0.0 "
                "'optuna-dashboard==0.21.*'; it failed or was not run on this machine)")
    if not optuna_version.startswith("5.0") or not dashboard_version.startswith("0.21"):
        return f"need optuna 5.0 and optuna-dashboard 0.21, found {optuna_version} and {dashboard_version}"
    if shutil.which("optuna-dashboard") is None:
        return "the optuna-dashboard console script is not on PATH"
    return None


def _pg_database(base: str, database: str) -> str:
    """URL of ``database`` on the server of ``base``, created if missing (kept between runs)."""
    import sqlalchemy as sa

    url = sa.engine.make_url(base)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).first():
            conn.exec_driver_sql(f"CREATE DATABASE {database}")
    engine.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


def _has_study(url: str, name: str, n: int, prefix: str) -> bool:
    """Whether a complete copy of the study is already there (``prefix``: albacore's tables
    are albacore_studies and albacore_trials, Optuna's studies and trials)."""
    import sqlalchemy as sa

    if url.startswith("sqlite:///") and not os.path.exists(url[len("sqlite:///") :]):
        return False
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(
                sa.text(
                    f"SELECT count(*) FROM {prefix}trials t JOIN {prefix}studies s ON s.study_id = t.study_id "
                    "WHERE s.study_name = :n"
                ),
                {"n": name},
            ).scalar()
        return count == n
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
