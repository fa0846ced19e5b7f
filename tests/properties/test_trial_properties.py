"""Properties of ``suggest_*``, ``enqueue_trial`` and ``add_trial`` on generated search spaces."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from prop_strategies import names, same, space_and_point, spaces

import albacore
from albacore.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.samplers import RandomSampler
from albacore.trial import TrialState, create_trial

albacore.logging.set_verbosity(albacore.logging.WARNING)


def suggest(trial: albacore.Trial, name: str, dist: BaseDistribution):
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)
    return trial.suggest_categorical(name, dist.choices)


def _external_type(dist: BaseDistribution) -> type:
    return int if isinstance(dist, IntDistribution) else float


@given(spaces, st.integers(0, 2**32 - 1))
def test_suggested_values_lie_in_their_distribution(space: dict, seed: int) -> None:
    study = albacore.create_study(sampler=RandomSampler(seed=seed))
    trial = study.ask()
    suggested = {name: suggest(trial, name, dist) for name, dist in space.items()}
    for name, dist in space.items():
        value = suggested[name]
        assert dist.contains(dist.to_internal_repr(value)), (name, dist, value)
        if isinstance(dist, CategoricalDistribution):
            assert any(same(value, c) for c in dist.choices)
        else:
            assert type(value) is _external_type(dist)
        assert same(suggest(trial, name, dist), value)  # asking again gives the same value
    study.tell(trial, 0.0)
    frozen = study.trials[0]
    assert frozen.distributions == space
    assert all(same(frozen.params[n], suggested[n]) for n in space)


@given(space_and_point())
def test_enqueued_params_are_suggested_unchanged(case: tuple[dict, dict]) -> None:
    space, point = case
    study = albacore.create_study(sampler=RandomSampler(seed=0))
    study.enqueue_trial(point)
    trial = study.ask()
    for name, dist in space.items():
        value = suggest(trial, name, dist)
        expected = point[name]
        if not isinstance(dist, CategoricalDistribution):
            expected = dist.to_external_repr(dist.to_internal_repr(expected))
        assert same(value, expected), (name, dist, value, point[name])


@given(space_and_point(), st.floats(allow_nan=False), st.dictionaries(names, st.integers() | st.text(), max_size=3))
def test_added_trial_reads_back_unchanged(case: tuple[dict, dict], value: float, attrs: dict) -> None:
    space, point = case
    params = {n: space[n].to_external_repr(space[n].to_internal_repr(v)) for n, v in point.items()}
    study = albacore.create_study()
    study.add_trial(create_trial(params=params, distributions=space, value=value, user_attrs=attrs))
    trial = study.trials[0]
    assert trial.state == TrialState.COMPLETE and trial.number == 0
    assert trial.values == [value] and trial.user_attrs == attrs and trial.distributions == space
    assert all(same(trial.params[n], params[n]) for n in space)
