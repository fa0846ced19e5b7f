"""Every plot of albacore.visualization for one study: HTML (plotly) and PNG (matplotlib).

A simulated training run (no ML framework, so it takes seconds) tunes a learning rate
(log scale), an optimizer (categorical) with a momentum only SGD has (conditional), a depth
and a dropout. Each trial reports a learning curve (MedianPruner stops poor ones), its
cross-validation scores (for the terminator's error estimate) and a size constraint, so
pruned and infeasible trials show up in the plots. A second, two-objective study (error
against latency) gets the Pareto front and hypervolume plots.

Run:
    pip install 'albacore[visualization]'
    python examples/visualization.py                       # writes plots/plotly/*.html, plots/matplotlib/*.png
    python examples/visualization.py --out /tmp/plots --trials 40
    python examples/visualization.py --images docs/images  # also the README's PNGs (plotly + kaleido)
"""

from __future__ import annotations

import argparse
import math
import os
import pathlib
from typing import Any, Callable

import numpy as np

import albacore
from albacore import visualization as vis
from albacore.terminator import report_cross_validation_scores
from albacore.visualization import matplotlib as vis_mpl

EPOCHS = 12


def train(trial: albacore.Trial) -> float:
    """A made-up validation error that falls with epochs, best near lr=3e-3 with Adam."""
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    optimizer = trial.suggest_categorical("optimizer", ["sgd", "adam", "rmsprop"])
    momentum = trial.suggest_float("momentum", 0.0, 0.99) if optimizer == "sgd" else 0.9
    layers = trial.suggest_int("layers", 1, 8)
    dropout = trial.suggest_float("dropout", 0.0, 0.6)
    rng = np.random.default_rng(trial.number)
    floor = 0.05 + 0.04 * (math.log10(lr) + 2.5) ** 2 + 0.1 * (dropout - 0.25) ** 2 + 0.01 * abs(layers - 4)
    floor += {"sgd": 0.04 * (1 - momentum), "adam": 0.0, "rmsprop": 0.02}[optimizer]
    error = 1.0
    for epoch in range(EPOCHS):
        error = floor + (1.0 - floor) * math.exp(-(epoch + 1) * (0.2 + 8 * lr))
        trial.report(error, epoch)
        if trial.should_prune():
            raise albacore.TrialPruned()
    folds = error + rng.normal(0.0, 0.01, size=5)
    report_cross_validation_scores(trial, folds)
    trial.set_constraint("size", layers * (1.0 - dropout) - 5.0)  # feasible iff <= 0
    return float(folds.mean())


def error_and_latency(trial: albacore.Trial) -> tuple[float, float]:
    layers = trial.suggest_int("layers", 1, 8)
    width = trial.suggest_float("width", 16, 512, log=True)
    dropout = trial.suggest_float("dropout", 0.0, 0.6)  # costs nothing, but a bad one costs error
    error = 0.3 / math.sqrt(layers * width / 16) + 0.02 + 0.2 * (dropout - 0.2) ** 2
    trial.set_constraint("memory", layers * width / 1024 - 3.0)
    return error, layers * width / 100.0


def build_studies(n_trials: int) -> tuple[albacore.Study, albacore.Study]:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.create_study(
        study_name="training", sampler=albacore.samplers.TPESampler(seed=0),
        pruner=albacore.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=3),
    )
    study.optimize(train, n_trials=n_trials)
    mo = albacore.create_study(
        study_name="error-vs-latency", directions=["minimize", "minimize"],
        sampler=albacore.samplers.RandomSampler(seed=0),
    )
    mo.set_metric_names(["error", "latency ms"])
    mo.optimize(error_and_latency, n_trials=n_trials)
    return study, mo


def plots(backend: Any, study: albacore.Study, mo: albacore.Study) -> dict[str, Callable[[], Any]]:
    """Every plot function of ``backend`` (``vis`` or ``vis_mpl``) on the example studies."""
    return {
        "optimization_history": lambda: backend.plot_optimization_history(study),
        "intermediate_values": lambda: backend.plot_intermediate_values(study),
        "parallel_coordinate": lambda: backend.plot_parallel_coordinate(
            study, params=["lr", "layers", "dropout", "optimizer"]
        ),
        "contour": lambda: backend.plot_contour(study, params=["lr", "dropout", "optimizer"]),
        "slice": lambda: backend.plot_slice(study),
        "param_importances": lambda: backend.plot_param_importances(study),
        "edf": lambda: backend.plot_edf(study),
        "rank": lambda: backend.plot_rank(study, params=["lr", "dropout", "layers"]),
        "timeline": lambda: backend.plot_timeline(study),
        "terminator_improvement": lambda: backend.plot_terminator_improvement(study, plot_error=True, min_n_trials=10),
        "pareto_front": lambda: backend.plot_pareto_front(mo),
        "hypervolume_history": lambda: backend.plot_hypervolume_history(mo, reference_point=[0.5, 50.0]),
    }


def _save_matplotlib(result: Any, path: pathlib.Path) -> None:
    import matplotlib.pyplot as plt

    figure = (result.flat[0] if isinstance(result, np.ndarray) else result).figure
    figure.savefig(path, dpi=80, bbox_inches="tight")
    plt.close(figure)


# The README's pictures: the main plots, small.
README_IMAGES = ("optimization_history", "parallel_coordinate", "contour", "slice", "param_importances", "pareto_front")


def main() -> None:
    parser = argparse.ArgumentParser(description="Write every plot of one study to a folder.")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("plots"))
    parser.add_argument("--trials", type=int, default=int(os.environ.get("ALBACORE_EXAMPLE_TRIALS", 80)))
    parser.add_argument("--images", type=pathlib.Path, help="also write the README's PNGs here (needs kaleido)")
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")

    study, mo = build_studies(args.trials)
    states = [t.state.name for t in study.trials]
    print(f"trials: {len(states)}, complete: {states.count('COMPLETE')}, pruned: {states.count('PRUNED')}")
    (args.out / "plotly").mkdir(parents=True, exist_ok=True)
    (args.out / "matplotlib").mkdir(parents=True, exist_ok=True)
    for name, make in plots(vis, study, mo).items():
        path = args.out / "plotly" / f"{name}.html"
        make().write_html(path, include_plotlyjs="cdn")
        print(f"wrote {path}")
    for name, make in plots(vis_mpl, study, mo).items():
        path = args.out / "matplotlib" / f"{name}.png"
        _save_matplotlib(make(), path)
        print(f"wrote {path}")
    if args.images is not None:
        args.images.mkdir(parents=True, exist_ok=True)
        figures = plots(vis, study, mo)
        for name in README_IMAGES:
            path = args.images / f"{name}.png"
            figures[name]().update_layout(margin={"l": 60, "r": 20, "t": 60, "b": 50}).write_image(
                path, width=640, height=420
            )
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
