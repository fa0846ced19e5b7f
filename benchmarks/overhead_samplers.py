"""Per-trial sampler overhead: albacore samplers vs Optuna 5.0, side by side in one run.

The objective suggests 10 floats and does no other work, so the time per trial is the
engine plus the sampler's decision, which for model-based samplers grows with the history.
Reported per sampler: the average time per trial over the whole run and over its last 100
trials (a flat sampler has both close). Times are CPU time of this process
(``time.process_time``), so that other programs on a shared machine do not distort them.

Other samplers join the table by adding a row to ``ROWS`` (name, framework, factory,
trials): e.g. a GP sampler at 300 trials.

``--threads 1`` pins torch and BLAS to one thread in every row (Optuna's GP otherwise runs
torch on all cores, so its CPU time counts every thread; albacore's GP pins itself).

Usage:
    nice -n 10 python benchmarks/overhead_samplers.py [--samplers tpe,optuna-tpe] [--trials 1000] [--threads 1]
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import dataclass
from typing import Any, Callable


def _objective(trial: Any) -> float:
    return sum(trial.suggest_float(f"x{i}", -10.0, 10.0) ** 2 for i in range(10))


@dataclass
class Row:
    name: str
    framework: str  # "albacore" or "optuna"
    factory: Callable[[], Any]
    n_trials: int = 1000
    counterpart: str | None = None  # the Optuna row to report a ratio against


def _albacore_tpe() -> Any:
    import albacore

    return albacore.samplers.TPESampler(seed=0)


def _optuna_tpe() -> Any:
    import optuna

    return optuna.samplers.TPESampler(seed=0)


def _albacore(name: str) -> Callable[[], Any]:
    def make() -> Any:
        import albacore

        return getattr(albacore.samplers, name)(seed=0)

    return make


def _optuna(name: str) -> Callable[[], Any]:
    def make() -> Any:
        import optuna

        return getattr(optuna.samplers, name)(seed=0)

    return make


ROWS: dict[str, Row] = {
    row.name: row
    for row in [
        Row("tpe", "albacore", _albacore_tpe, 1000, counterpart="optuna-tpe"),
        Row("optuna-tpe", "optuna", _optuna_tpe, 1000),
        # Other samplers go here, e.g. Row("gp", "albacore", ..., 300, counterpart="optuna-gp").
        Row("gp", "albacore", _albacore("GPSampler"), 300, counterpart="optuna-gp"),
        Row("optuna-gp", "optuna", _optuna("GPSampler"), 300),
        Row("cmaes", "albacore", _albacore("CmaEsSampler"), 1000, counterpart="optuna-cmaes"),
        Row("optuna-cmaes", "optuna", _optuna("CmaEsSampler"), 1000),
    ]
}


def measure(row: Row, n_trials: int) -> tuple[float, float]:
    """Run ``n_trials`` trials; return (average ms per trial, average over the last 100)."""
    warnings.simplefilter("ignore")
    if row.framework == "optuna":
        import optuna as framework

        framework.logging.set_verbosity(framework.logging.ERROR)
    else:
        import albacore as framework  # type: ignore[no-redef]

        framework.logging.set_verbosity(framework.logging.ERROR)
    study = framework.create_study(sampler=row.factory())
    stamps = [time.process_time()]
    study.optimize(_objective, n_trials=n_trials, callbacks=[lambda s, t: stamps.append(time.process_time())])
    durations = [b - a for a, b in zip(stamps, stamps[1:])]
    last = durations[-100:]
    return 1000 * sum(durations) / len(durations), 1000 * sum(last) / len(last)


def _pin_threads(n: int) -> None:
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(n)
    threadpool_limits(limits=n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samplers", default=",".join(ROWS), help="comma-separated row names")
    parser.add_argument("--trials", type=int, default=None, help="override every row's number of trials")
    parser.add_argument("--threads", type=int, default=None, help="pin torch and BLAS to this many threads")
    args = parser.parse_args()
    if args.threads:
        _pin_threads(args.threads)
    names = args.samplers.split(",")
    unknown = [n for n in names if n not in ROWS]
    if unknown:
        parser.error(f"unknown samplers {unknown}; known: {sorted(ROWS)}")
    import optuna

    results = {}
    lines = [
        f"sampler overhead (CPU ms per trial), 10 float params, in-memory storage; optuna {optuna.__version__}"
        + (f"; torch/BLAS threads: {args.threads}" if args.threads else ""),
        "",
    ]
    lines.append(
        f"{'sampler':<22}{'trials':>8}{'avg ms/trial':>15}{'last 100 ms/trial':>20}"
        f"{'ratio avg':>12}{'ratio last100':>15}"
    )
    for name in names:
        row = ROWS[name]
        results[name] = measure(row, args.trials or row.n_trials)
    for name in names:
        row = ROWS[name]
        avg, last = results[name]
        ratio = ""
        if row.counterpart in results:
            base_avg, base_last = results[row.counterpart]
            ratio = f"{avg / base_avg:>12.2f}{last / base_last:>15.2f}"
        lines.append(f"{name:<22}{args.trials or row.n_trials:>8}{avg:>15.2f}{last:>20.2f}{ratio}")
    lines.append("")
    lines.append("ratio = albacore / Optuna (lower is better; target for TPE: <= 0.5)")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
