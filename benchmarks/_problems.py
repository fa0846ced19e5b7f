"""Test problems for benchmarks/quality.py.

Each problem is an objective written against the define-by-run trial API shared by
albacore and Optuna (``suggest_float``/``suggest_int``/``suggest_categorical``), so the same
function is optimized by both frameworks. ``optimum`` is the known best value (None when
unknown, e.g. for ML tasks: regret is then measured against the best value any run found).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

import numpy as np


@dataclass(frozen=True)
class Problem:
    name: str
    kind: str  # a short description of what the problem tests
    objective: Callable[[Any], Any]
    optimum: float | None = None
    directions: tuple[str, ...] = ("minimize",)
    reference_point: tuple[float, ...] | None = None  # multi-objective hypervolume box


def _floats(trial: Any, d: int, low: float, high: float) -> np.ndarray:
    return np.array([trial.suggest_float(f"x{i}", low, high) for i in range(d)])


def sphere(trial: Any) -> float:
    x = _floats(trial, 5, -5.0, 5.0)
    return float(np.sum((x - 1.0) ** 2))


def rosenbrock(trial: Any) -> float:
    x = _floats(trial, 4, -2.0, 2.0)
    return float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2))


def ellipsoid(trial: Any) -> float:
    x = _floats(trial, 6, -5.0, 5.0)
    scales = 10.0 ** (6.0 * np.arange(6) / 5.0)
    return float(np.sum(scales * (x - 0.5) ** 2))


def rastrigin(trial: Any) -> float:
    x = _floats(trial, 4, -5.12, 5.12)
    return float(10 * len(x) + np.sum(x**2 - 10 * np.cos(2 * np.pi * x)))


def ackley(trial: Any) -> float:
    x = _floats(trial, 5, -10.0, 10.0)
    d = len(x)
    return float(
        -20 * np.exp(-0.2 * np.sqrt(np.sum(x**2) / d)) - np.exp(np.sum(np.cos(2 * np.pi * x)) / d) + 20 + math.e
    )


def styblinski_tang(trial: Any) -> float:
    x = _floats(trial, 5, -5.0, 5.0)
    return float(0.5 * np.sum(x**4 - 16 * x**2 + 5 * x))


def branin(trial: Any) -> float:
    x1 = trial.suggest_float("x1", -5.0, 10.0)
    x2 = trial.suggest_float("x2", 0.0, 15.0)
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


_H6_A = np.array(
    [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(trial: Any) -> float:
    x = _floats(trial, 6, 0.0, 1.0)
    return float(-np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


def log_scale(trial: Any) -> float:
    lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)
    wd = trial.suggest_float("weight_decay", 1e-6, 1e-1, log=True)
    momentum = trial.suggest_float("momentum", 0.0, 0.99)
    return (math.log10(lr) + 2.5) ** 2 + 0.5 * (math.log10(wd) + 4.0) ** 2 + (5.0 * (momentum - 0.9)) ** 2


_ACTIVATION_PENALTY = {"relu": 0.0, "tanh": 0.5, "sigmoid": 1.0, "linear": 2.0}


def mixed(trial: Any) -> float:
    layers = trial.suggest_int("layers", -10, 10)
    units = trial.suggest_int("units", 1, 1000, log=True)
    activation = trial.suggest_categorical("activation", list(_ACTIVATION_PENALTY))
    dropout = trial.suggest_float("dropout", 0.0, 0.8, step=0.05)
    return (
        ((layers - 3) / 3.0) ** 2
        + math.log(units / 50.0) ** 2
        + _ACTIVATION_PENALTY[activation]
        + 4 * (dropout - 0.25) ** 2
    )


def conditional(trial: Any) -> float:
    branch = trial.suggest_categorical("branch", ["quadratic", "wave", "absolute"])
    if branch == "quadratic":
        a = trial.suggest_float("a", -5.0, 5.0)
        b = trial.suggest_int("b", 0, 10)
        return (a - 1.0) ** 2 + (b - 3) ** 2 / 10.0
    if branch == "wave":
        u = trial.suggest_float("u", 0.0, 2 * math.pi)
        return 1.5 + math.sin(u)
    v = trial.suggest_float("v", -10.0, 10.0)
    return abs(v - 2.0) + 0.2


@cache
def _dataset(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    if name == "digits":
        x, y = datasets.load_digits(return_X_y=True)
        return x[:600] / 16.0, y[:600]
    if name == "diabetes":
        return datasets.load_diabetes(return_X_y=True)
    x, y = datasets.load_breast_cancer(return_X_y=True)
    return (x - x.mean(axis=0)) / x.std(axis=0), y


def kernel_ridge_diabetes(trial: Any) -> float:
    from sklearn.kernel_ridge import KernelRidge
    from sklearn.model_selection import cross_val_score

    kernel = trial.suggest_categorical("kernel", ["rbf", "laplacian", "polynomial"])
    model = KernelRidge(
        alpha=trial.suggest_float("alpha", 1e-4, 1e1, log=True),
        kernel=kernel,
        gamma=trial.suggest_float("gamma", 1e-4, 1e1, log=True),
        degree=trial.suggest_int("degree", 1, 4) if kernel == "polynomial" else 3,
    )
    x, y = _dataset("diabetes")
    return -float(cross_val_score(model, x, y / 100.0, cv=3, scoring="neg_mean_squared_error").mean())


def tree_cancer(trial: Any) -> float:
    from sklearn.model_selection import cross_val_score
    from sklearn.tree import DecisionTreeClassifier

    model = DecisionTreeClassifier(
        max_depth=trial.suggest_int("max_depth", 1, 20),
        min_samples_leaf=trial.suggest_int("min_samples_leaf", 1, 64, log=True),
        criterion=trial.suggest_categorical("criterion", ["gini", "entropy", "log_loss"]),
        max_features=trial.suggest_float("max_features", 0.05, 1.0),
        ccp_alpha=trial.suggest_float("ccp_alpha", 1e-5, 1e-1, log=True),
        random_state=0,
    )
    x, y = _dataset("cancer")
    return 1.0 - float(cross_val_score(model, x, y, cv=3).mean())


def zdt1(trial: Any) -> tuple[float, float]:
    x = _floats(trial, 6, 0.0, 1.0)
    g = 1.0 + 9.0 * np.mean(x[1:])
    f1 = x[0]
    return float(f1), float(g * (1.0 - math.sqrt(f1 / g)))


def dtlz2(trial: Any) -> tuple[float, float, float]:
    x = _floats(trial, 6, 0.0, 1.0)
    g = np.sum((x[2:] - 0.5) ** 2)
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return (
        float((1 + g) * math.cos(a) * math.cos(b)),
        float((1 + g) * math.cos(a) * math.sin(b)),
        float((1 + g) * math.sin(a)),
    )


SINGLE_OBJECTIVE = [
    Problem("sphere5", "smooth", sphere, 0.0),
    Problem("rosenbrock4", "curved valley", rosenbrock, 0.0),
    Problem("ellipsoid6", "ill-conditioned (1e6)", ellipsoid, 0.0),
    Problem("rastrigin4", "multimodal", rastrigin, 0.0),
    Problem("ackley5", "multimodal", ackley, 0.0),
    Problem("styblinski5", "multimodal", styblinski_tang, -39.16616570377142 * 5),
    Problem("branin2", "three optima", branin, 0.39788735772973816),
    Problem("hartmann6", "multimodal", hartmann6, -3.322368011391339),
    Problem("log_scale3", "log-scaled", log_scale, 0.0),
    Problem("mixed4", "int/log-int/categorical/step", mixed, 0.0),
    Problem("conditional", "conditional branches", conditional, 0.0),
    Problem("kridge_diabetes", "ML: kernel ridge on diabetes, 3-fold CV MSE", kernel_ridge_diabetes, None),
    Problem("tree_cancer", "ML: decision tree on breast cancer, 3-fold CV error", tree_cancer, None),
]

MULTI_OBJECTIVE = [
    Problem("zdt1", "2 objectives, 6 vars", zdt1, None, ("minimize", "minimize"), (1.1, 6.0)),
    Problem("dtlz2", "3 objectives, 6 vars", dtlz2, None, ("minimize",) * 3, (1.5, 1.5, 1.5)),
]
