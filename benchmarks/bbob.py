"""Search quality on COCO's BBOB suite: albacore's samplers against Optuna, SMAC3, HEBO and Nevergrad.

Every sampler minimizes the noiseless ``bbob`` functions of the ``coco-experiment`` package
(``import cocoex``) on their box [-5, 5]^d, each through its own ask/tell interface, with the same
seeds. The full default grid: functions 1-24, dimensions 2, 5 and 10 (20 as well for the TPE and
CMA-ES rows, whose cost allows it), instances 1-5, budgets of 50, 100 and 200 trials, one seed.

Reported per sampler, per budget and dimension:

* the final precision, log10(best f - f_opt) with a floor of 1e-8 (median and mean);
* the share of problems solved to a precision of 1e-2 and 1e-5;
* the mean rank among the samplers run on the same (function, dimension, instance, seed) case
  (ties share their ranks);
* paired wins: on which share of the cases a sampler ended better than each other one (ties
  count half);
* the wall time per run (sampler and function together; the functions cost microseconds);
* an ECDF plot (PNG next to the text results): the share of (problem, target) pairs reached
  against the number of trials, for 51 targets from 1e2 to 1e-8, as COCO draws them.

Samplers that use their budget to plan (SMAC3's scenario, Nevergrad's NGOpt) are run once per
budget; the others are run once at the largest budget and read at every smaller one (their first
n proposals do not depend on the budget). Runs are appended to a JSON-lines file as they finish,
so an interrupted run still reports, and ``--resume`` skips the runs already there. ``--report``
summarizes JSON-lines files (plain or .gz) without running anything.

Setting up the peers (kept out of albacore's own environment; a peer that fails to import
is reported n/a and the run goes on)::

    python -m venv /tmp/bbobvenv
    /tmp/bbobvenv/bin/pip install -c constraints.txt -e . optuna==5.0.0 torch matplotlib \\
        coco-experiment nevergrad smac
    # HEBO 0.3.6 pins numpy<1.25, so it gets a venv of its own; this script drives it as a
    # subprocess (``--hebo-python``) that proposes points and is told the values.
    python -m venv /tmp/hebovenv
    /tmp/hebovenv/bin/pip install hebo

Usage:
    nice -n 10 /tmp/bbobvenv/bin/python benchmarks/bbob.py --hebo-python /tmp/hebovenv/bin/python
    python benchmarks/bbob.py --dims 2,5 --instances 1,2 --budgets 100 --samplers auto,gp,optuna-gp
    python benchmarks/bbob.py --report benchmarks/results/bbob.jsonl
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one thread per run: the samplers compare on equal terms
import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import multiprocessing  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any, Callable  # noqa: E402

import numpy as np  # noqa: E402

FLOOR = 1e-8
LOWER, UPPER = -5.0, 5.0
#: COCO's targets: 51 precisions evenly spaced on a log scale from 1e2 to 1e-8.
TARGETS = np.logspace(2, -8, 51)


# --- the samplers ---------------------------------------------------------------------------------
# A sampler row is a factory: (dim, seed, budget) -> an object with ask() -> x and tell(x, y).


@dataclass
class SamplerSpec:
    name: str
    library: str  # the package whose version the report prints
    factory: Callable[[int, int, int], Any]
    budget_aware: bool = False  # True: run once per budget (the sampler plans with its budget)
    max_dim: int = 10  # the largest dimension it runs on in the default grid


class _StudyDriver:
    """Ask/tell over an albacore or Optuna study with parameters x0..x{d-1} in [-5, 5]."""

    def __init__(self, module: Any, sampler: Any, dim: int) -> None:
        self._study = module.create_study(sampler=sampler)
        self._dim = dim
        self._trial: Any = None

    def ask(self) -> np.ndarray:
        self._trial = self._study.ask()
        return np.array([self._trial.suggest_float(f"x{i}", LOWER, UPPER) for i in range(self._dim)])

    def tell(self, x: np.ndarray, y: float) -> None:
        self._study.tell(self._trial, y)

    def close(self) -> None:
        pass


def _study_sampler(module_name: str, class_name: str) -> Callable[[int, int, int], Any]:
    def make(dim: int, seed: int, budget: int) -> Any:
        module = __import__(module_name)
        module.logging.set_verbosity(module.logging.WARNING)
        return _StudyDriver(module, getattr(module.samplers, class_name)(seed=seed), dim)

    return make


class _SmacDriver:
    """SMAC3 through its ask/tell interface (BlackBox facade: a GP; HPO facade: a random forest)."""

    def __init__(self, facade_name: str, dim: int, seed: int, budget: int) -> None:
        import smac
        from ConfigSpace import ConfigurationSpace, Float
        from smac.runhistory.dataclasses import TrialValue

        self._value_class = TrialValue
        space = ConfigurationSpace(seed=seed)
        space.add([Float(f"x{i}", (LOWER, UPPER)) for i in range(dim)])
        self._dir = tempfile.mkdtemp(prefix="bbob-smac-")
        scenario = smac.Scenario(space, deterministic=True, n_trials=budget, seed=seed, output_directory=self._dir)
        facade = getattr(smac, facade_name)
        self._smac = facade(scenario, _never_called, overwrite=True, logging_level=40)
        self._dim = dim
        self._info: Any = None

    def ask(self) -> np.ndarray:
        self._info = self._smac.ask()
        return np.array([self._info.config[f"x{i}"] for i in range(self._dim)], dtype=float)

    def tell(self, x: np.ndarray, y: float) -> None:
        self._smac.tell(self._info, self._value_class(cost=y))

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


def _never_called(config: Any, seed: int = 0) -> float:
    raise RuntimeError("bbob.py drives SMAC through ask/tell; its target function is never called")


def _smac(facade_name: str) -> Callable[[int, int, int], Any]:
    return lambda dim, seed, budget: _SmacDriver(facade_name, dim, seed, budget)


class _NevergradDriver:
    """Nevergrad's NGOpt (it picks its algorithm from the dimension and the budget)."""

    def __init__(self, dim: int, seed: int, budget: int) -> None:
        import nevergrad as ng

        parametrization = ng.p.Array(shape=(dim,), lower=LOWER, upper=UPPER)
        parametrization.random_state = np.random.RandomState(seed)
        self._opt = ng.optimizers.NGOpt(parametrization=parametrization, budget=budget, num_workers=1)
        self._candidate: Any = None

    def ask(self) -> np.ndarray:
        self._candidate = self._opt.ask()
        return np.asarray(self._candidate.value, dtype=float)

    def tell(self, x: np.ndarray, y: float) -> None:
        self._opt.tell(self._candidate, y)

    def close(self) -> None:
        pass


class _HeboDriver:
    """HEBO, in this process or (``--hebo-python``) in a subprocess of its own environment."""

    def __init__(self, dim: int, seed: int, budget: int) -> None:
        self.python = os.environ.get("BBOB_HEBO_PYTHON")  # --hebo-python (read in the pool's workers too)
        self._proc: subprocess.Popen[str] | None = None
        if self.python is None:
            self._local = _HeboLocal(dim, seed)
            return
        self._proc = subprocess.Popen(
            [self.python, os.path.abspath(__file__), "--hebo-worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._send({"dim": dim, "seed": seed})
        self._receive()  # {"ready": true}: imports done, the optimizer built

    def _send(self, message: dict[str, Any]) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(message) + "\n")
        self._proc.stdin.flush()

    def _receive(self) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the HEBO worker ({self.python}) exited with code {self._proc.wait()}")
        return json.loads(line)

    def ask(self) -> np.ndarray:
        if self._proc is None:
            return self._local.ask()
        self._send({"op": "ask"})
        return np.array(self._receive()["x"], dtype=float)

    def tell(self, x: np.ndarray, y: float) -> None:
        if self._proc is None:
            self._local.tell(x, y)
        else:
            self._send({"op": "tell", "x": x.tolist(), "y": y})

    def close(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            self._proc.wait()


class _HeboLocal:
    def __init__(self, dim: int, seed: int) -> None:
        import pandas as pd
        import torch
        from hebo.design_space.design_space import DesignSpace
        from hebo.optimizers.hebo import HEBO

        np.random.seed(seed)  # HEBO draws from the global generators
        torch.manual_seed(seed)
        self._pd = pd
        self._names = [f"x{i}" for i in range(dim)]
        space = DesignSpace().parse([{"name": n, "type": "num", "lb": LOWER, "ub": UPPER} for n in self._names])
        self._opt = HEBO(space, scramble_seed=seed)

    def ask(self) -> np.ndarray:
        self._proposal = self._opt.suggest(n_suggestions=1)
        return self._proposal[self._names].to_numpy(dtype=float)[0]

    def tell(self, x: np.ndarray, y: float) -> None:
        self._opt.observe(self._proposal, np.array([[y]]))


def _hebo_worker() -> None:
    """The subprocess side of ``_HeboDriver``: JSON lines in on stdin, out on stdout."""
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever HEBO prints goes to stderr, not into the protocol
    warnings.simplefilter("ignore")
    config = json.loads(sys.stdin.readline())
    driver = _HeboLocal(config["dim"], config["seed"])
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        message = json.loads(line)
        if message["op"] == "ask":
            out.write(json.dumps({"x": driver.ask().tolist()}) + "\n")
            out.flush()
        else:
            driver.tell(np.array(message["x"]), float(message["y"]))


def _random(dim: int, seed: int, budget: int) -> Any:
    import albacore

    albacore.logging.set_verbosity(albacore.logging.WARNING)
    return _StudyDriver(albacore, albacore.samplers.RandomSampler(seed=seed), dim)


REGISTRY: dict[str, SamplerSpec] = {}


def register(spec: SamplerSpec) -> None:
    """Add a sampler row to the benchmark."""
    REGISTRY[spec.name] = spec


register(SamplerSpec("auto", "albacore", _study_sampler("albacore", "AutoSampler")))
register(SamplerSpec("tpe", "albacore", _study_sampler("albacore", "TPESampler"), max_dim=20))
register(SamplerSpec("gp", "albacore", _study_sampler("albacore", "GPSampler")))
register(SamplerSpec("cmaes", "albacore", _study_sampler("albacore", "CmaEsSampler"), max_dim=20))
register(SamplerSpec("optuna-tpe", "optuna", _study_sampler("optuna", "TPESampler"), max_dim=20))
register(SamplerSpec("optuna-gp", "optuna", _study_sampler("optuna", "GPSampler")))
register(SamplerSpec("optuna-cmaes", "optuna", _study_sampler("optuna", "CmaEsSampler"), max_dim=20))
register(SamplerSpec("smac-bb", "smac", _smac("BlackBoxFacade"), budget_aware=True))
register(SamplerSpec("smac-hpo", "smac", _smac("HyperparameterOptimizationFacade"), budget_aware=True))
register(SamplerSpec("hebo", "hebo", _HeboDriver))
register(SamplerSpec("ngopt", "nevergrad", _NevergradDriver, budget_aware=True))
register(SamplerSpec("random", "albacore", _random, max_dim=20))


# --- running --------------------------------------------------------------------------------------


def _problem(function: int, dim: int, instance: int) -> tuple[Any, float]:
    """The bbob problem and its optimal value f_opt (the value at its recorded optimum)."""
    import cocoex

    cocoex.log_level("warning")
    suite = cocoex.Suite("bbob", "", f"function_indices:{function} dimensions:{dim} instance_indices:{instance}")
    problem = suite[0]
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)  # cocoex writes the optimum to a file in the working directory
        try:
            problem._best_parameter("print")
            x_opt = np.loadtxt("._bbob_problem_best_parameter.txt", ndmin=1)
        finally:
            os.chdir(here)
    f_opt = float(problem(x_opt))
    # bbob's f_opt values have two decimals; the printed optimum may be off in its last digits.
    if abs(f_opt - round(f_opt, 2)) < 1e-3:
        f_opt = round(f_opt, 2)
    return problem, f_opt


def run_one(task: dict[str, Any]) -> dict[str, Any]:
    """One run: ``task`` names the sampler, function, dimension, instance, seed and budget."""
    warnings.simplefilter("ignore")
    spec = REGISTRY[task["sampler"]]
    problem, f_opt = _problem(task["function"], task["dim"], task["instance"])
    record = dict(task, f_opt=f_opt)
    try:
        start = time.perf_counter()
        driver = spec.factory(task["dim"], task["seed"], task["budget"])
        best, trace = math.inf, []
        for _ in range(task["budget"]):
            x = driver.ask()
            y = float(problem(np.clip(x, LOWER, UPPER)))
            driver.tell(x, y)
            best = min(best, y)
            trace.append(round(math.log10(max(best - f_opt, FLOOR)), 4))
        record["wall_s"] = round(time.perf_counter() - start, 3)
        driver.close()
        record["trace"] = trace
    except Exception as exc:  # a peer that fails is reported n/a, the run goes on
        record["error"] = f"{type(exc).__name__}: {exc}"[:500]
    problem.free()
    return record


def _available(names: list[str]) -> dict[str, str]:
    """``name -> version`` of the samplers whose library imports, ``name -> 'n/a: ...'`` otherwise."""
    versions: dict[str, str] = {}
    for name in names:
        library = REGISTRY[name].library
        if library == "hebo" and os.environ.get("BBOB_HEBO_PYTHON"):
            code = "import hebo, importlib.metadata as m; print(m.version('hebo'))"
            done = subprocess.run([os.environ["BBOB_HEBO_PYTHON"], "-c", code], capture_output=True, text=True)
            ok = done.returncode == 0
            versions[name] = done.stdout.strip() if ok else "n/a: " + (done.stderr.strip().splitlines() or [""])[-1]
            continue
        try:
            __import__(library)
            from importlib.metadata import version

            versions[name] = version(library)
        except Exception as exc:
            versions[name] = f"n/a: {type(exc).__name__}: {exc}"[:200]
    return versions


def _tasks(args: argparse.Namespace, samplers: list[str]) -> list[dict[str, Any]]:
    """The runs of the grid, ordered so that a run cut short has every sampler on the same problems."""
    tasks = []
    for seed in range(args.seeds):
        for instance in args.instances:
            for dim in args.dims:
                for function in args.functions:
                    for name in samplers:
                        spec = REGISTRY[name]
                        if dim > spec.max_dim and not args.all_dims:
                            continue
                        for budget in args.budgets if spec.budget_aware else [max(args.budgets)]:
                            tasks.append(
                                {
                                    "sampler": name,
                                    "function": function,
                                    "dim": dim,
                                    "instance": instance,
                                    "seed": seed,
                                    "budget": budget,
                                }
                            )
    return tasks


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record[k] for k in ("sampler", "function", "dim", "instance", "seed", "budget"))


def run(args: argparse.Namespace) -> None:
    samplers = args.samplers.split(",")
    unknown = [s for s in samplers if s not in REGISTRY]
    if unknown:
        raise SystemExit(f"--samplers: unknown sampler(s) {unknown}; known: {sorted(REGISTRY)}")
    versions = _available(samplers)
    for name, version in versions.items():
        print(f"{name:>13}: {version}", flush=True)
    usable = [s for s in samplers if not versions[s].startswith("n/a")]
    tasks = _tasks(args, usable)
    done: set[tuple[Any, ...]] = set()
    if args.resume and os.path.exists(args.out):
        done = {_key(r) for r in _read(args.out) if "trace" in r}
    elif os.path.exists(args.out):
        os.remove(args.out)
    tasks = [t for t in tasks if _key(t) not in done]
    meta = {
        "meta": True,
        "argv": sys.argv[1:],
        "versions": versions,
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
    }
    with open(args.out, "a") as out:
        out.write(json.dumps(meta) + "\n")
    print(f"{len(tasks)} runs to do ({len(done)} already in {args.out})", flush=True)
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.jobs, maxtasksperchild=20) as pool:
        for i, record in enumerate(pool.imap(run_one, tasks), 1):
            with open(args.out, "a") as out:
                out.write(json.dumps(record) + "\n")
            status = record.get("error") or f"{record['trace'][-1]:+.2f} in {record['wall_s']:.1f} s"
            print(
                f"[{i}/{len(tasks)} {time.perf_counter() - started:6.0f}s] {record['sampler']:>12} "
                f"f{record['function']:02d} d{record['dim']} i{record['instance']} s{record['seed']} "
                f"b{record['budget']}: {status}",
                flush=True,
            )
    report(args.out, args.text, args.plot)


# --- the report -----------------------------------------------------------------------------------


def _read(path: str) -> list[dict[str, Any]]:
    """The records of a JSON-lines file (gzip-compressed when its name ends in .gz)."""
    import gzip

    with gzip.open(path, "rt") if path.endswith(".gz") else open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def _finals(records: list[dict[str, Any]], budget: int) -> dict[tuple[Any, ...], dict[str, list[float]]]:
    """case (function, dim, instance, seed) -> sampler -> its trace cut at ``budget`` trials."""
    aware = {r["sampler"] for r in records if REGISTRY.get(r["sampler"], SamplerSpec("", "", _random)).budget_aware}
    cases: dict[tuple[Any, ...], dict[str, list[float]]] = {}
    for r in records:
        use = r["budget"] == budget if r["sampler"] in aware else r["budget"] >= budget
        if use and "trace" in r:
            case = (r["function"], r["dim"], r["instance"], r["seed"])
            cases.setdefault(case, {})[r["sampler"]] = r["trace"][:budget]
    return cases


def _ranks(values: dict[str, float]) -> dict[str, float]:
    """Ranks from 1 (best, lowest value); ties share the mean of their ranks."""
    ordered = sorted(values.values())
    return {name: 1 + ordered.index(v) + (ordered.count(v) - 1) / 2 for name, v in values.items()}


def _table(cases: dict[tuple[Any, ...], dict[str, list[float]]], names: list[str]) -> list[str]:
    """Per sampler of ``names``: final precisions, solved shares and mean rank (among ``names``)."""
    finals = {c: {s: t[-1] for s, t in by.items() if s in names} for c, by in cases.items()}
    ranks = {c: _ranks(v) for c, v in finals.items()}
    lines = [f"{'sampler':>13} {'runs':>5} {'median':>7} {'mean':>7} {'<=1e-2':>7} {'<=1e-5':>7} {'rank':>5}"]
    for name in names:
        got = [v[name] for v in finals.values() if name in v]
        if not got:
            continue
        rank = np.mean([r[name] for r in ranks.values() if name in r])
        lines.append(
            f"{name:>13} {len(got):>5} {np.median(got):>+7.2f} {np.mean(got):>+7.2f} "
            f"{np.mean(np.array(got) <= -2):>7.0%} {np.mean(np.array(got) <= -5):>7.0%} {rank:>5.2f}"
        )
    return lines


def _tiers(cases: dict[tuple[Any, ...], dict[str, list[float]]], names: list[str]) -> list[tuple[Any, list[str]]]:
    """(cases, samplers) tables of a group: the samplers that ran the most cases over the cases they all ran, then
    with each slower peer that ran fewer (a subset) added, over the cases all of those ran."""
    count = {n: sum(n in by for by in cases.values()) for n in names}
    tiers: list[tuple[Any, list[str]]] = []
    for level in sorted({c for c in count.values() if c > 0}, reverse=True):
        members = [n for n in names if count[n] >= level]
        shared = {c: by for c, by in cases.items() if all(n in by for n in members)}
        if len(members) >= 2 and shared:
            tiers.append((shared, members))
    return tiers


def _group(title: str, cases: dict[tuple[Any, ...], dict[str, list[float]]], names: list[str]) -> list[str]:
    """The tables of one group of cases (see ``_tiers``)."""
    lines: list[str] = []
    for i, (shared, members) in enumerate(_tiers(cases, names)):
        label = f"{title} ({len(shared)} cases; ranks among {len(members)} samplers)"
        if i:
            label = f"{title}, with the slower peers: the {len(shared)} cases that all {len(members)} samplers ran"
        lines += ["", f"## {label}"] + _table(shared, members)
    return lines


def _wins(cases: dict[tuple[Any, ...], dict[str, list[float]]], names: list[str]) -> list[str]:
    """Row sampler's paired win share against each column sampler (ties half), over shared cases."""
    width = max(len(_short(n)) for n in names) + 1
    lines = [" " * 13 + "".join(f"{_short(n):>{width}}" for n in names)]
    for a in names:
        cells = []
        for b in names:
            pairs = [(v[a][-1], v[b][-1]) for v in cases.values() if a in v and b in v]
            if a == b or not pairs:
                cells.append(f"{'-':>{width}}")
                continue
            score = np.mean([1.0 if x < y else 0.5 if x == y else 0.0 for x, y in pairs])
            cells.append(f"{score:>{width}.0%}")
        lines.append(f"{a:>13}" + "".join(cells))
    return lines


def _short(name: str) -> str:
    return name.replace("optuna-", "o-")


def _per_function(cases: dict[tuple[Any, ...], dict[str, list[float]]], focus: str, names: list[str]) -> list[str]:
    """Per function and dimension: ``focus``'s mean final precision, and who beat it by how much."""
    lines = [f"{'f':>3} {'d':>2} {focus:>8} {'best other (mean log10 precision over instances)':<48}"]
    keys = sorted({(c[0], c[1]) for c in cases})
    for function, dim in keys:
        group = [by for c, by in cases.items() if (c[0], c[1]) == (function, dim) and focus in by]
        if not group:
            continue
        mean = {n: np.mean([by[n][-1] for by in group if n in by]) for n in names if all(n in by for by in group)}
        others = sorted((v, n) for n, v in mean.items() if n != focus)
        ahead = [f"{n} {v:+.2f}" for v, n in others[:3] if v < mean[focus] - 0.3]
        lines.append(f"{function:>3} {dim:>2} {mean[focus]:>+8.2f}  " + (", ".join(ahead) if ahead else "-"))
    return lines


def _walls(records: list[dict[str, Any]], names: list[str], dims: list[int]) -> list[str]:
    lines = [f"{'sampler':>13} " + "".join(f"{f'd={d}':>10}" for d in dims) + "   (median s per run; budget)"]
    for name in names:
        cells = []
        for d in dims:
            walls = [r["wall_s"] for r in records if r["sampler"] == name and r["dim"] == d and "wall_s" in r]
            cells.append(f"{np.median(walls):>10.2f}" if walls else f"{'-':>10}")
        budgets = sorted({r["budget"] for r in records if r["sampler"] == name and "wall_s" in r})
        lines.append(f"{name:>13} " + "".join(cells) + f"   {','.join(map(str, budgets))}")
    return lines


def _ecdf(cases: dict[tuple[Any, ...], dict[str, list[float]]], name: str, budget: int) -> np.ndarray:
    """Share of (case, target) pairs reached after each of the first ``budget`` trials."""
    traces = np.array([by[name] for by in cases.values() if name in by])
    reached = traces[:, :, None] <= np.log10(TARGETS)[None, None, :]
    return reached.mean(axis=(0, 2))


def _panels(cases: dict[tuple[Any, ...], dict[str, list[float]]], names: list[str]) -> list[tuple[str, Any, list[str]]]:
    """(title, cases, samplers) of each ECDF panel: per dimension, the samplers that ran the most cases; then,
    over all dimensions, each larger set of samplers that slower peers running a subset join."""
    panels = []
    for dim in sorted({c[1] for c in cases}):
        tiers = _tiers({c: by for c, by in cases.items() if c[1] == dim}, names)
        if tiers:
            panels.append((f"d={dim}, {len(tiers[0][0])} problems", tiers[0][0], tiers[0][1]))
    for shared, members in _tiers(cases, names)[1:]:
        panels.append((f"{len(members)} samplers, the {len(shared)} problems all ran", shared, members))
    return panels


def _plot(records: list[dict[str, Any]], names: list[str], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    budget = max(r["budget"] for r in records if "trace" in r)
    panels = _panels(_finals(records, budget), names)
    styles = {name: (plt.get_cmap("tab10")(i % 10), "-" if i < 10 else "--") for i, name in enumerate(names)}
    cols = min(3, len(panels))
    rows = -(-len(panels) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 4.4 * rows), squeeze=False)
    for ax in axes.flat[len(panels) :]:
        ax.set_visible(False)
    for ax, (title, cases, samplers) in zip(axes.flat, panels):
        for name in samplers:
            width = 2.8 if name == "auto" else 1.3
            color, style = styles[name]
            ax.plot(np.arange(1, budget + 1), _ecdf(cases, name, budget), style, color=color, label=name, lw=width)
        ax.set_title(f"bbob f1-24, {title}", fontsize=9)
        ax.set_xlabel("trials")
        ax.set_xscale("log")
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    for row in axes:
        row[0].set_ylabel("share of (problem, target) pairs reached\n(51 targets, 1e2 to 1e-8)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def report(path: str, text_path: str | None, plot_path: str | None) -> None:
    """Summarize the JSON-lines file ``path``; print it, write it to ``text_path``, plot to ``plot_path``."""
    records = [r for one in path.split(",") for r in _read(one)]
    metas = [r for r in records if r.get("meta")]
    records = [r for r in records if not r.get("meta")]
    names = [n for n in REGISTRY if any(r["sampler"] == n for r in records)]
    names += sorted({r["sampler"] for r in records} - set(names))
    lines = ["# bbob.py: search quality on COCO's bbob suite (noiseless, box [-5, 5]^d)", ""]
    for meta in metas:
        lines.append(f"run started {meta['started']} on {meta['machine']}: bbob.py {' '.join(meta['argv'])}")
    versions: dict[str, str] = {}
    for meta in metas:  # a sampler that a pass found n/a keeps the version another pass found
        versions.update({k: v for k, v in meta["versions"].items() if k not in versions or not v.startswith("n/a")})
    if versions:
        lines.append("versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    errors = [r for r in records if "error" in r]
    for name in sorted({r["sampler"] for r in errors}):
        first = next(r for r in errors if r["sampler"] == name)
        lines.append(f"n/a: {name} failed {sum(r['sampler'] == name for r in errors)} runs: {first['error']}")
    grid = {k: sorted({r[k] for r in records}) for k in ("function", "dim", "instance", "seed", "budget")}
    functions = grid["function"]
    lines.append(
        f"grid: {len(functions)} functions {functions[0]}-{functions[-1]}, dims {grid['dim']}, "
        f"instances {grid['instance']}, seeds {grid['seed']}, run lengths {grid['budget']}"
    )
    lines += [
        "",
        "Final precision = log10(best f - f_opt), floor 1e-8 (-8.00 = solved to 1e-8); <=1e-2 / <=1e-5:",
        "share of problems solved to that precision; rank: mean rank per (function, dim, instance, seed) among",
        "the samplers run on it (1 = best, ties share).",
    ]
    budgets = sorted({r["budget"] for r in records})
    for budget in budgets:
        cases = _finals(records, budget)
        groups = [(f"d={d}", {c: by for c, by in cases.items() if c[1] == d}) for d in sorted({c[1] for c in cases})]
        if len(groups) > 1:
            groups.append(("all dims", cases))
        for label, sub in groups:
            lines += _group(f"budget {budget}, {label}", sub, names)
        lines += ["", f"## budget {budget}: paired wins, row vs column, all dims (ties half; over the cases both ran)"]
        lines += _wins(cases, names)
    focus = "auto" if "auto" in names else names[0]
    cases = _finals(records, budgets[-1])
    lines += ["", f"## budget {budgets[-1]}: {focus} per function, and the samplers ahead of it by > 0.3 decades"]
    lines += _per_function(cases, focus, names)
    lines += ["", "## wall time per run (ask + tell + evaluation; machine shared, so indicative)"]
    lines += _walls(records, names, sorted({r["dim"] for r in records}))
    text = "\n".join(lines) + "\n"
    print(text)
    if text_path:
        with open(text_path, "w") as f:
            f.write(text)
    if plot_path:
        _plot(records, names, plot_path)


def _ints(text: str) -> list[int]:
    """``"1-3,5"`` -> ``[1, 2, 3, 5]``."""
    out: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        out += list(range(int(low), int(high or low) + 1))
    return out


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--functions", type=_ints, default=_ints("1-24"), help="bbob functions, e.g. 1-24 or 1,8,15")
    parser.add_argument("--dims", type=_ints, default=[2, 5, 10, 20])
    parser.add_argument("--all-dims", action="store_true", help="run every sampler on every dim (no max_dim)")
    parser.add_argument("--instances", type=_ints, default=_ints("1-5"))
    parser.add_argument("--budgets", type=_ints, default=[50, 100, 200])
    parser.add_argument("--seeds", type=int, default=1, help="seeds 0..N-1 per problem")
    parser.add_argument("--samplers", default=",".join(REGISTRY), help=f"comma-separated, from {','.join(REGISTRY)}")
    parser.add_argument("--jobs", type=int, default=1, help="runs in parallel (processes)")
    parser.add_argument("--hebo-python", help="python of a separate venv with hebo (HEBO runs in a subprocess)")
    parser.add_argument("--out", default=os.path.join(here, "results", "bbob.jsonl"), help="JSON-lines results")
    parser.add_argument("--text", default=os.path.join(here, "results", "bbob.txt"), help="text report")
    parser.add_argument("--plot", default=os.path.join(here, "results", "bbob.png"), help="ECDF plot (PNG)")
    parser.add_argument("--resume", action="store_true", help="append to --out, skipping runs already there")
    parser.add_argument("--report", metavar="JSONL", help="only summarize these JSON-lines files (comma-separated)")
    parser.add_argument("--hebo-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hebo_worker:
        _hebo_worker()
        return
    if args.report:
        report(args.report, args.text, args.plot)
        return
    if args.hebo_python:
        os.environ["BBOB_HEBO_PYTHON"] = args.hebo_python
    run(args)


if __name__ == "__main__":
    main()
