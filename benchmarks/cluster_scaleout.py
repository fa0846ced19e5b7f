"""Scale-out on Dask and Ray, and DaskStorage against optuna-integration's DaskStorage.

1. Scale-out: a 200 ms sleeping objective (sleep, so 2 cores can host many workers) run by
   ``study.optimize(executor=...)`` with N = 1, 4, 16 trials at a time, for Dask (a
   LocalCluster of min(N, 4) worker processes with N threads in all, DaskStorage) and Ray
   (``ray.init(num_cpus=16)``, ``RayExecutor(num_cpus=1)``, RayStorage). Throughput is trials
   per second of the ``optimize`` call; the target is at least 0.9 * N times that of N = 1.
2. DaskStorage: trials/s of a trivial objective (RandomSampler, so the storage is what is
   measured) through albacore's DaskStorage and through optuna-integration 5.0's, on the
   same 2-worker LocalCluster: (a) the optimize loop in the client process, one trial at a
   time; (b) trials on the 2 Dask workers (albacore: ``executor=client, n_jobs=2``; Optuna:
   two ``client.submit(study.optimize, ...)`` futures, the pattern its docs show). The
   albacore and Optuna runs of (a) and of (b) take turns, ``--repeats`` rounds (default 5)
   with RandomSampler, and each rate is the median (the machine is shared); with TPE one
   round. Target: albacore at least 3x Optuna's trials/s.

Usage:
    python benchmarks/cluster_scaleout.py [--seconds-per-run 3] [--storage-trials 200] [--repeats 5]

The latest run is committed in benchmarks/results/cluster_scaleout.txt.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import time
import warnings

import numpy as np
import ray
from dask.distributed import Client, LocalCluster

import albacore
from albacore.integrations.dask import DaskStorage
from albacore.integrations.ray import RayExecutor, RayStorage

SLEEP = 0.2
WORKERS = (1, 4, 16)


def sleepy(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    time.sleep(SLEEP)
    return x * x


def trivial(trial) -> float:  # albacore or Optuna trial
    return trial.suggest_float("x", -5, 5) ** 2


def _rate(run, n_trials: int) -> float:
    start = time.perf_counter()
    run(n_trials=n_trials)
    return n_trials / (time.perf_counter() - start)


REPEATS = 5


def _interleaved(runs: dict, n_trials: int) -> dict[str, float]:
    """Median trials/s of each run over ``REPEATS`` rounds, the runs taking turns in each round."""
    measured: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(REPEATS):
        for name, run in runs.items():
            measured[name].append(_rate(run, n_trials))
    return {name: float(np.median(values)) for name, values in measured.items()}


def dask_scaleout(seconds: float) -> dict[int, float]:
    rates = {}
    for n in WORKERS:
        processes = min(n, 4)
        cluster = LocalCluster(n_workers=processes, threads_per_worker=n // processes, dashboard_address=None)
        with cluster, Client(cluster) as client:
            storage = DaskStorage(client=client)
            sampler = albacore.samplers.RandomSampler(seed=0)
            study = albacore.create_study(storage=storage, sampler=sampler)
            study.optimize(sleepy, n_trials=n, n_jobs=n, executor=client)  # warm: workers load the runner
            n_trials = max(n, int(seconds * n / SLEEP))
            rates[n] = _rate(functools.partial(study.optimize, sleepy, n_jobs=n, executor=client), n_trials)
    return rates


def ray_scaleout(seconds: float) -> dict[int, float]:
    ray.init(num_cpus=max(WORKERS), include_dashboard=False, log_to_driver=False)
    try:
        storage = RayStorage()
        executor = RayExecutor(num_cpus=1)
        rates = {}
        for n in WORKERS:
            study = albacore.create_study(storage=storage, sampler=albacore.samplers.RandomSampler(seed=0))
            study.optimize(sleepy, n_trials=2 * n, n_jobs=n, executor=executor)  # warm: Ray starts n workers
            n_trials = max(n, int(seconds * n / SLEEP))
            rates[n] = _rate(functools.partial(study.optimize, sleepy, n_jobs=n, executor=executor), n_trials)
        return rates
    finally:
        ray.shutdown()


SAMPLER = "random"


HISTORY = 0


def make_sampler(framework: str):
    """RandomSampler (storage cost only) or TPESampler (which reads the whole history each trial)."""
    module = albacore if framework == "albacore" else __import__("optuna")
    return module.samplers.RandomSampler() if SAMPLER == "random" else module.samplers.TPESampler()


def add_history(study, framework: str) -> None:
    """``HISTORY`` finished trials, added before timing (a study that has run a while)."""
    module = albacore if framework == "albacore" else __import__("optuna")
    dist = module.distributions.FloatDistribution(-5, 5)
    study.add_trials(
        [module.trial.create_trial(params={"x": x}, distributions={"x": dist}, value=x * x)
         for x in np.random.default_rng(0).uniform(-5, 5, HISTORY)]
    )


def _albacore_on_worker(storage, study_name: str, n_trials: int) -> int:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.load_study(study_name=study_name, storage=storage, sampler=make_sampler("albacore"))
    study.optimize(trivial, n_trials=n_trials)
    return n_trials


def _optuna_on_worker(storage, study_name: str, n_trials: int) -> int:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.load_study(study_name=study_name, storage=storage, sampler=make_sampler("optuna"))
    study.optimize(trivial, n_trials=n_trials)
    return n_trials


def storage_comparison(n_trials: int) -> dict[str, float]:
    import optuna
    from optuna_integration.dask import DaskStorage as OptunaDaskStorage

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    rates = {}
    for framework, module in (("albacore", albacore), ("optuna", optuna)):  # the samplers' own cost
        in_memory = module.create_study(sampler=make_sampler(framework))
        add_history(in_memory, framework)
        rates[f"{framework}, in memory (no Dask)"] = _rate(functools.partial(in_memory.optimize, trivial), n_trials)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    with cluster, Client(cluster) as client, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours_storage = DaskStorage(client=client)
        ours = albacore.create_study(storage=ours_storage, sampler=make_sampler("albacore"))
        add_history(ours, "albacore")
        ours.optimize(trivial, n_trials=5)
        theirs = optuna.create_study(storage=OptunaDaskStorage(client=client), sampler=make_sampler("optuna"))
        add_history(theirs, "optuna")
        theirs.optimize(trivial, n_trials=5)
        rates.update(_interleaved({
            "albacore, loop in the client": functools.partial(ours.optimize, trivial),
            "optuna, loop in the client": functools.partial(theirs.optimize, trivial),
        }, n_trials))

        ours.optimize(trivial, n_trials=10, n_jobs=2, executor=client)
        rates["albacore, executor=client, 2 workers"] = _rate(
            functools.partial(ours.optimize, trivial, n_jobs=2, executor=client), n_trials
        )
        our_name = albacore.create_study(storage=ours_storage).study_name
        add_history(albacore.load_study(study_name=our_name, storage=ours_storage), "albacore")
        client.gather([client.submit(_albacore_on_worker, ours_storage, our_name, 5, pure=False) for _ in range(2)])

        def ours_on_workers(n_trials: int) -> None:
            futures = [
                client.submit(_albacore_on_worker, ours_storage, our_name, n_trials // 2, pure=False) for _ in range(2)
            ]
            client.gather(futures)

        storage = OptunaDaskStorage(client=client)
        name = optuna.create_study(storage=storage).study_name
        add_history(optuna.load_study(study_name=name, storage=storage), "optuna")
        client.gather([client.submit(_optuna_on_worker, storage, name, 5, pure=False) for _ in range(2)])

        def on_workers(n_trials: int) -> None:
            futures = [client.submit(_optuna_on_worker, storage, name, n_trials // 2, pure=False) for _ in range(2)]
            client.gather(futures)

        rates.update(_interleaved({
            "albacore, a loop on each of 2 workers": ours_on_workers,
            "optuna, a loop on each of 2 workers": on_workers,
        }, n_trials))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds-per-run", type=float, default=3.0, help="Ideal duration of one timed optimize.")
    parser.add_argument("--storage-trials", type=int, default=200)
    parser.add_argument("--samplers", default="random,tpe", help="Samplers of part 2: random and/or tpe.")
    parser.add_argument("--history", type=int, default=1000, help="Finished trials in the study before TPE runs.")
    parser.add_argument("--repeats", type=int, default=5, help="Rounds of part 2's side-by-side runs (median).")
    parser.add_argument("--skip-scaleout", action="store_true")
    args = parser.parse_args()
    global REPEATS
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    import optuna

    print(
        f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.1f}; albacore {albacore.__version__}, "
        f"optuna {optuna.__version__}, Python {platform.python_version()}\n"
    )
    if not args.skip_scaleout:
        print(f"1. scale-out: {SLEEP * 1000:.0f} ms sleeping objective, about {args.seconds_per_run} s of trials a run")
        print(f"{'engine':8}{'N':>4}{'trials/s':>10}{'vs N=1':>8}{'target':>8}  met")
        for engine, run in (("dask", dask_scaleout), ("ray", ray_scaleout)):
            rates = run(args.seconds_per_run)
            for n, rate in rates.items():
                ratio = rate / rates[1]
                met = "yes" if ratio >= 0.9 * n else "no"
                print(f"{engine:8}{n:>4}{rate:>10.2f}{ratio:>8.2f}{0.9 * n:>8.1f}  {met}")
    global SAMPLER, HISTORY
    for SAMPLER in args.samplers.split(","):
        HISTORY = 0 if SAMPLER == "random" else args.history
        REPEATS = args.repeats if SAMPLER == "random" else 1  # TPE: Optuna's runs take minutes; ratios >> 3
        label = "RandomSampler" if SAMPLER == "random" else f"TPESampler on a study of {HISTORY} finished trials"
        print(f"\n2. DaskStorage, trivial objective, {label}, {args.storage_trials} trials a run")
        rates = storage_comparison(args.storage_trials)
        for name, rate in rates.items():
            print(f"{name:40}{rate:>10.1f} trials/s")
        for where in ("loop in the client", "a loop on each of 2 workers"):
            ratio = rates[f"albacore, {where}"] / rates[f"optuna, {where}"]
            print(f"ratio albacore/optuna, {where}: {ratio:.2f}x (target >= 3x: {'met' if ratio >= 3 else 'not met'})")


if __name__ == "__main__":
    main()
