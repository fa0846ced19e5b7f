"""Small hand-built studies whose plots are checked value by value."""

from __future__ import annotations

from typing import Any

import matplotlib
import pytest

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.trial import TrialState, create_trial

matplotlib.use("Agg")

X = FloatDistribution(1e-3, 10.0, log=True)
C = CategoricalDistribution(["a", "b"])
Y = IntDistribution(0, 5)


def _trial(state: TrialState = TrialState.COMPLETE, value: Any = None, infeasible: bool = False, iv: Any = None,
           **params: Any) -> Any:
    dists = {"x": X, "c": C, "y": Y}
    trial = create_trial(
        state=state, value=value if state == TrialState.COMPLETE else None, params=params,
        distributions={k: dists[k] for k in params}, intermediate_values=iv,
    )
    trial.set_constraint("c0", 1.0 if infeasible else -1.0)
    return trial


@pytest.fixture
def study() -> albacore.Study:
    """Trials 0-6: COMPLETE 0, 1, 2 (infeasible), 4, 6; FAIL 3; PRUNED 5. ``y`` exists only
    where ``c == "a"`` (a conditional parameter), ``x`` is log-scaled, ``c`` categorical."""
    s = albacore.create_study(study_name="vis")
    s.add_trials([
        _trial(value=3.0, x=0.01, c="a", y=2, iv={0: 5.0, 1: 3.0}),
        _trial(value=1.0, x=1.0, c="b", iv={0: 4.0, 1: 2.0, 2: 1.0}),
        _trial(value=2.0, infeasible=True, x=0.1, c="a", y=4),
        _trial(state=TrialState.FAIL, x=5.0),
        _trial(value=4.0, x=5.0, c="b"),
        _trial(state=TrialState.PRUNED, x=0.5, c="b", iv={0: 9.0}),
        _trial(value=0.5, x=0.001, c="a", y=0),
    ])
    return s


@pytest.fixture
def mo_study() -> albacore.Study:
    """Two objectives (minimize, maximize); trial 3 is dominated, trial 4 infeasible."""
    s = albacore.create_study(study_name="mo", directions=["minimize", "maximize"])
    points = [(1.0, 1.0), (2.0, 3.0), (3.0, 4.0), (3.0, 2.0), (0.5, 5.0)]
    for i, (a, b) in enumerate(points):
        t = create_trial(values=[a, b], params={"p": float(i)}, distributions={"p": FloatDistribution(0, 10)})
        t.set_constraint("c0", 1.0 if i == 4 else 0.0)
        s.add_trial(t)
    return s


@pytest.fixture
def failed_study() -> albacore.Study:
    s = albacore.create_study(study_name="failed")
    s.add_trial(create_trial(state=TrialState.FAIL, params={"x": 1.0}, distributions={"x": X}))
    return s


@pytest.fixture
def empty_study() -> albacore.Study:
    return albacore.create_study(study_name="empty")
