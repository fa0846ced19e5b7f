"""Studies with known parameter importances for the importance tests."""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import pytest

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.trial import create_trial

#: Main-effect scale of each parameter of the synthetic objective.
SCALES = {"a": 8.0, "b": 4.0, "c": 1.2, "d": 1.0, "e": 0.5}
DISTRIBUTIONS = {
    "a": FloatDistribution(0.0, 1.0),
    "b": FloatDistribution(1e-4, 1.0, log=True),
    "c": CategoricalDistribution(["p", "q", "r", "s"]),
    "d": IntDistribution(0, 10),
    "e": FloatDistribution(-1.0, 1.0),
}
_CHOICE_EFFECT = {"p": -1.5, "q": 0.5, "r": 1.5, "s": -0.5}


def synthetic_value(params: dict) -> float:
    """Additive main effects of decreasing variance plus a d*e interaction without main effects."""
    u_b = (math.log10(params["b"]) + 4.0) / 4.0  # uniform in [0, 1] under the log-uniform measure
    return (
        SCALES["a"] * params["a"]
        + SCALES["b"] * u_b
        + SCALES["c"] * _CHOICE_EFFECT[params["c"]] / 1.5
        + SCALES["d"] * params["d"] / 10.0
        + SCALES["e"] * params["e"] / 2.0
        + 0.5 * (params["d"] / 10.0 - 0.5) * params["e"]
    )


#: Variance of each parameter's main effect under the sampling measure (see synthetic_value).
TRUE_VARIANCES = {
    "a": SCALES["a"] ** 2 / 12.0,  # a uniform in [0, 1]
    "b": SCALES["b"] ** 2 / 12.0,  # log10(b) uniform in [-4, 0]
    "c": SCALES["c"] ** 2 * np.mean(np.square(list(_CHOICE_EFFECT.values()))) / 1.5**2,
    "d": SCALES["d"] ** 2 * 10.0 / 100.0,  # variance of an int uniform on 0..10 is 10
    "e": SCALES["e"] ** 2 / 12.0,  # e / 2 uniform in [-0.5, 0.5]
}
#: The parameters from the most to the least important.
TRUE_RANKING = sorted(TRUE_VARIANCES, key=TRUE_VARIANCES.__getitem__, reverse=True)


def spearman(ranking: list[str], truth: list[str]) -> float:
    n = len(truth)
    position = {name: i for i, name in enumerate(ranking)}
    d2 = sum((position[name] - i) ** 2 for i, name in enumerate(truth))
    return 1.0 - 6.0 * d2 / (n * (n * n - 1))


@pytest.fixture
def synthetic_study() -> Callable[..., albacore.Study]:
    """``synthetic_study(n_trials, seed)``: random trials of the synthetic objective, with noise."""

    def build(n_trials: int = 300, seed: int = 0, noise: float = 0.1) -> albacore.Study:
        rng = np.random.default_rng(seed)
        study = albacore.create_study()
        trials = []
        for _ in range(n_trials):
            params = {
                "a": float(rng.uniform()),
                "b": float(10 ** rng.uniform(-4.0, 0.0)),
                "c": str(rng.choice(["p", "q", "r", "s"])),
                "d": int(rng.integers(0, 11)),
                "e": float(rng.uniform(-1.0, 1.0)),
            }
            value = synthetic_value(params) + noise * float(rng.normal())
            trials.append(create_trial(params=params, distributions=DISTRIBUTIONS, value=value))
        study.add_trials(trials)
        return study

    return build
