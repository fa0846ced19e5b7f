"""Hypothesis strategies shared by the property-based tests: search spaces, points in them,
JSON attribute values, trials."""

from __future__ import annotations

import datetime
import math
import warnings

from hypothesis import strategies as st

from albacore.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.trial import FrozenTrial, TrialState, create_trial

# Names and keys hold no NUL: PostgreSQL text cannot (RDBStorage raises StorageInternalError).
names = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=12
)
choices = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.floats(-1e6, 1e6), st.text(max_size=8))


@st.composite
def distributions(draw: st.DrawFn) -> BaseDistribution:
    kind = draw(st.sampled_from(["float", "float-log", "float-step", "int", "int-log", "categorical"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a high adjusted onto the step grid
        if kind == "float":
            low = draw(st.floats(-1e6, 1e6))
            return FloatDistribution(low, low + draw(st.floats(0, 1e6)))
        if kind == "float-log":
            low = draw(st.floats(1e-8, 1e3))
            return FloatDistribution(low, low * draw(st.floats(1, 1e6)), log=True)
        if kind == "float-step":
            low = draw(st.floats(-1e3, 1e3))
            step = draw(st.sampled_from([0.01, 0.1, 0.5, 2.0]))
            return FloatDistribution(low, low + step * draw(st.integers(0, 100)), step=step)
        if kind == "int":
            low = draw(st.integers(-(10**6), 10**6))
            return IntDistribution(low, low + draw(st.integers(0, 10**4)), step=draw(st.integers(1, 7)))
        if kind == "int-log":
            low = draw(st.integers(1, 1000))
            return IntDistribution(low, low + draw(st.integers(0, 10**5)), log=True)
    return CategoricalDistribution(draw(st.lists(choices, min_size=1, max_size=6)))


spaces = st.dictionaries(names, distributions(), min_size=1, max_size=5)


@st.composite
def space_and_point(draw: st.DrawFn) -> tuple[dict, dict]:
    space = draw(spaces)
    point = {}
    for name, dist in space.items():
        if isinstance(dist, CategoricalDistribution):
            point[name] = draw(st.sampled_from(dist.choices))
        elif isinstance(dist, IntDistribution):
            point[name] = dist.low + dist.step * draw(st.integers(0, (dist.high - dist.low) // dist.step))
        elif dist.step is not None:
            point[name] = dist.low + dist.step * draw(st.integers(0, round((dist.high - dist.low) / dist.step)))
        else:
            point[name] = draw(st.floats(dist.low, dist.high))
    return space, point


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b




json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(names, children, max_size=3),
    max_leaves=8,
)
attrs = st.dictionaries(names, json_values, max_size=4)
# Naive datetimes, as albacore records them, to the microsecond.
datetimes = st.datetimes(min_value=datetime.datetime(1971, 1, 1), max_value=datetime.datetime(2099, 12, 31))
objective_values = st.floats(allow_nan=False)  # +-inf, subnormals and extremes included
reported_values = st.floats()  # NaN too
steps = st.integers(0, 2**31 - 1)


@st.composite
def trials(draw: st.DrawFn, n_objectives: int) -> FrozenTrial:
    """A trial in any state, with params, attrs, reported values and datetimes."""
    space, point = draw(space_and_point())
    params = {n: space[n].to_external_repr(space[n].to_internal_repr(v)) for n, v in point.items()}
    state = draw(st.sampled_from(list(TrialState)))
    values = None
    if state == TrialState.COMPLETE or state == TrialState.PRUNED and draw(st.booleans()):
        values = draw(st.lists(objective_values, min_size=n_objectives, max_size=n_objectives))
    start = None if state == TrialState.WAITING else draw(datetimes)
    complete = draw(datetimes.filter(lambda d: d >= start)) if state.is_finished() else None
    trial = create_trial(
        state=state,
        values=values,
        params=params,
        distributions=space,
        user_attrs=draw(attrs),
        system_attrs=draw(attrs),
        intermediate_values=draw(st.dictionaries(steps, reported_values, max_size=4)),
    )
    trial.datetime_start = start
    trial.datetime_complete = complete
    return trial
