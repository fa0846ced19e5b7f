"""Pruning on a real learning curve: albacore vs Optuna 5.0, side by side.

Task: scikit-learn's ``SGDClassifier`` trained epoch by epoch (``partial_fit``) on the
bundled ``load_digits`` data (standardized, 2/3 train, 1/3 validation), up to ``--epochs``
epochs. The search space is the loss, the penalty, ``alpha``, the learning-rate schedule
and ``eta0``; after every epoch the validation accuracy is reported and the pruner asked.
Both libraries run the same objective with their TPE sampler (RandomSampler when
albacore's TPESampler is not available; the header says which), the same seeds, for
NopPruner, MedianPruner, SuccessiveHalvingPruner and HyperbandPruner with their default
arguments.

Reported per library and pruner, averaged over seeds: epochs trained (as % of the same
library's NopPruner run), wall time, and the best validation accuracy of a completed trial
(``study.best_value``), with albacore/Optuna ratios. Targets (issue 6): successive halving
<= 20% and Hyperband <= 35% of NopPruner's epochs with a best accuracy within 0.5
percentage points of NopPruner's.

Usage:
    nice -n 10 python benchmarks/pruning.py            # 100 trials x 30 epochs x 5 seeds
    python benchmarks/pruning.py --quick               # 30 trials x 2 seeds, a smoke run
    python benchmarks/pruning.py --sampler random      # the pruners alone, without TPE
    python benchmarks/pruning.py --replay --trials 60  # same configurations through both pruners

The latest full run is committed in benchmarks/results/pruning.txt.
"""

from __future__ import annotations

import argparse
import logging
import platform
import statistics
import sys
import time
import warnings
from typing import Any, Callable

import numpy as np

import albacore

PRUNERS = ("NopPruner", "MedianPruner", "SuccessiveHalvingPruner", "HyperbandPruner")


def load_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Standardized digits, split 2/3 train and 1/3 validation (fixed split)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x, y = load_digits(return_X_y=True)
    x_train, x_valid, y_train, y_valid = train_test_split(x, y, test_size=1 / 3, random_state=0, stratify=y)
    scaler = StandardScaler().fit(x_train)
    return scaler.transform(x_train), scaler.transform(x_valid), y_train, y_valid


def make_objective(data: tuple, epochs: int, pruned_exc: type[Exception], counter: list[int]) -> Callable[[Any], float]:
    """The objective, written against the API both libraries share."""
    from sklearn.linear_model import SGDClassifier

    x_train, x_valid, y_train, y_valid = data
    classes = np.unique(y_train)

    def objective(trial: Any) -> float:
        model = SGDClassifier(
            loss=trial.suggest_categorical("loss", ["hinge", "log_loss", "modified_huber"]),
            penalty=trial.suggest_categorical("penalty", ["l2", "l1"]),
            alpha=trial.suggest_float("alpha", 1e-6, 1e-1, log=True),
            learning_rate=trial.suggest_categorical("learning_rate", ["constant", "invscaling", "adaptive"]),
            eta0=trial.suggest_float("eta0", 1e-4, 1.0, log=True),
            random_state=0,
        )
        accuracy = 0.0
        for epoch in range(1, epochs + 1):
            model.partial_fit(x_train, y_train, classes=classes)
            counter[0] += 1
            accuracy = float(model.score(x_valid, y_valid))
            trial.report(accuracy, epoch)
            if trial.should_prune():
                raise pruned_exc()
        return accuracy

    return objective


def albacore_study(pruner_name: str, seed: int, use_tpe: bool) -> Any:
    samplers = albacore.samplers
    sampler = samplers.TPESampler(seed=seed) if use_tpe else samplers.RandomSampler(seed=seed)
    pruner = getattr(albacore.pruners, pruner_name)()
    return albacore.create_study(direction="maximize", sampler=sampler, pruner=pruner)


def optuna_study(pruner_name: str, seed: int, use_tpe: bool) -> Any:
    import optuna

    sampler = optuna.samplers.TPESampler(seed=seed) if use_tpe else optuna.samplers.RandomSampler(seed=seed)
    pruner = getattr(optuna.pruners, pruner_name)()
    return optuna.create_study(direction="maximize", sampler=sampler, pruner=pruner)


def run_one(lib: str, pruner_name: str, seed: int, args: argparse.Namespace, data: tuple, use_tpe: bool) -> dict:
    import optuna

    counter = [0]
    if lib == "albacore":
        study = albacore_study(pruner_name, seed, use_tpe)
        objective = make_objective(data, args.epochs, albacore.TrialPruned, counter)
    else:
        study = optuna_study(pruner_name, seed, use_tpe)
        objective = make_objective(data, args.epochs, optuna.TrialPruned, counter)
    start = time.perf_counter()
    study.optimize(objective, n_trials=args.trials)
    wall = time.perf_counter() - start
    return {"epochs": counter[0], "wall": wall, "best": study.best_value}


def replay(args: argparse.Namespace, data: tuple) -> list[str]:
    """The same configurations, in the same order, through both libraries' pruners.

    With the sampler taken out (every trial is enqueued), this shows whether the pruners
    themselves decide alike on this task.
    """
    import optuna

    rng = np.random.default_rng(12345)
    configs = [
        {
            "loss": str(rng.choice(["hinge", "log_loss", "modified_huber"])),
            "penalty": str(rng.choice(["l2", "l1"])),
            "alpha": float(10 ** rng.uniform(-6, -1)),
            "learning_rate": str(rng.choice(["constant", "invscaling", "adaptive"])),
            "eta0": float(10 ** rng.uniform(-4, 0)),
        }
        for _ in range(args.trials)
    ]
    lines = [
        f"replay: {args.trials} fixed configurations enqueued in both libraries (no sampler decisions)",
        f"{'pruner':<24} {'albacore epochs':>15} {'optuna epochs':>14} {'same stop epoch':>16}",
    ]
    for name in PRUNERS[1:]:
        stops = {}
        for lib in (albacore, optuna):
            study = lib.create_study(direction="maximize", pruner=getattr(lib.pruners, name)(), study_name="replay")
            for config in configs:
                study.enqueue_trial(config)
            counter = [0]
            study.optimize(make_objective(data, args.epochs, lib.TrialPruned, counter), n_trials=len(configs))
            stops[lib.__name__] = [t.last_step for t in study.trials]
        same = sum(a == o for a, o in zip(stops["albacore"], stops["optuna"]))
        lines.append(
            f"{name:<24} {sum(stops['albacore']):>15} {sum(stops['optuna']):>14} {same:>10}/{len(configs)}"
        )
    lines.append("(Hyperband assigns trials to brackets with a different hash in each library.)")
    return lines


def summarize(results: dict, args: argparse.Namespace) -> list[str]:
    lines = []
    header = (
        f"{'pruner':<24} {'lib':<9} {'epochs':>8} {'% of Nop':>9} {'wall s':>8} "
        f"{'best acc %':>10} {'vs Nop pp':>9}"
    )
    lines += [header, "-" * len(header)]
    for name in PRUNERS:
        for lib in ("albacore", "optuna"):
            runs = results[(lib, name)]
            nop = results[(lib, "NopPruner")]
            epochs = statistics.mean(r["epochs"] for r in runs)
            share = 100 * sum(r["epochs"] for r in runs) / sum(r["epochs"] for r in nop)
            best = 100 * statistics.mean(r["best"] for r in runs)
            delta = best - 100 * statistics.mean(r["best"] for r in nop)
            wall = statistics.mean(r["wall"] for r in runs)
            lines.append(
                f"{name:<24} {lib:<9} {epochs:>8.0f} {share:>8.1f}% {wall:>8.2f} {best:>10.2f} {delta:>+9.2f}"
            )
    lines += ["", "albacore / optuna ratios (epochs and wall time: lower is better; best acc: difference in pp)"]
    for name in PRUNERS:
        a, o = results[("albacore", name)], results[("optuna", name)]
        epochs = sum(r["epochs"] for r in a) / sum(r["epochs"] for r in o)
        wall = sum(r["wall"] for r in a) / sum(r["wall"] for r in o)
        best = 100 * (statistics.mean(r["best"] for r in a) - statistics.mean(r["best"] for r in o))
        lines.append(f"{name:<24} epochs x{epochs:.2f}   wall x{wall:.2f}   best acc {best:+.2f} pp")
    return lines


def targets(results: dict) -> list[str]:
    def share(lib: str, name: str) -> float:
        return 100 * sum(r["epochs"] for r in results[(lib, name)]) / sum(
            r["epochs"] for r in results[(lib, "NopPruner")]
        )

    def gap(lib: str, name: str) -> float:
        return 100 * (
            statistics.mean(r["best"] for r in results[(lib, "NopPruner")])
            - statistics.mean(r["best"] for r in results[(lib, name)])
        )

    lines = ["", "targets (albacore)"]
    for name, limit in (("SuccessiveHalvingPruner", 20.0), ("HyperbandPruner", 35.0)):
        ok = share("albacore", name) <= limit and gap("albacore", name) <= 0.5
        lines.append(
            f"  {name}: {share('albacore', name):.1f}% of Nop epochs (target <= {limit:.0f}%), best acc "
            f"{gap('albacore', name):.2f} pp below Nop (target <= 0.5): {'MET' if ok else 'MISSED'}"
        )
    for name in PRUNERS[1:]:
        fewer = share("albacore", name) <= share("optuna", name)
        better = gap("albacore", name) <= gap("optuna", name)
        verdict = "at least as good" if fewer and better else "mixed" if fewer or better else "worse"
        lines.append(
            f"  {name} vs Optuna: epochs {share('albacore', name):.1f}% vs {share('optuna', name):.1f}%, "
            f"gap to Nop {gap('albacore', name):.2f} vs {gap('optuna', name):.2f} pp: {verdict}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="30 trials, 2 seeds")
    parser.add_argument(
        "--sampler", choices=("tpe", "random"), default="tpe",
        help="random isolates the pruners: both libraries then draw from the same distribution",
    )
    parser.add_argument("--replay", action="store_true", help="only the fixed-configuration replay")
    args = parser.parse_args()
    if args.quick:
        args.trials, args.seeds = 30, 2

    import optuna
    import sklearn

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    logging.getLogger("albacore").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore")
    use_tpe = args.sampler == "tpe" and hasattr(albacore.samplers, "TPESampler")
    data = load_data()
    if args.replay:
        print("\n".join(replay(args, data)))
        return
    results: dict = {}
    for seed in range(args.seeds):
        for name in PRUNERS:
            for lib in ("albacore", "optuna"):
                run = run_one(lib, name, seed, args, data, use_tpe)
                results.setdefault((lib, name), []).append(run)
                print(
                    f"# seed {seed} {name} {lib}: {run['epochs']} epochs, {run['wall']:.1f} s, best {run['best']:.4f}",
                    file=sys.stderr, flush=True,
                )

    if use_tpe:
        sampler = "TPESampler"
    elif args.sampler == "random":
        sampler = "RandomSampler (--sampler random)"
    else:
        sampler = "RandomSampler (albacore.samplers.TPESampler not available yet)"
    out = [
        "Pruning benchmark: SGDClassifier.partial_fit on load_digits, validation accuracy per epoch",
        f"{args.trials} trials x up to {args.epochs} epochs, seeds 0..{args.seeds - 1}, sampler: {sampler}, "
        "default pruner arguments, n_jobs=1",
        f"albacore {albacore.__version__}, optuna {optuna.__version__}, scikit-learn {sklearn.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}",
        "Means over seeds; '% of Nop' is the library's own NopPruner epochs; best acc is study.best_value.",
        "",
        *summarize(results, args),
        *targets(results),
    ]
    print("\n".join(out))


if __name__ == "__main__":
    main()
