"""Intersection search spaces."""

from __future__ import annotations

import pickle

import albacore
from albacore.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from albacore.search_space import IntersectionSearchSpace, intersection_search_space
from albacore.trial import TrialState, create_trial

X = FloatDistribution(0, 1)
N = IntDistribution(0, 5)
C = CategoricalDistribution(["a", "b"])


def _trial(state=TrialState.COMPLETE, **dists):
    params = {name: (d.choices[0] if isinstance(d, CategoricalDistribution) else d.low) for name, d in dists.items()}
    value = 0.0 if state in (TrialState.COMPLETE, TrialState.PRUNED) else None
    return create_trial(state=state, value=value, params=params, distributions=dists)


def test_intersection_keeps_params_with_identical_distributions_in_every_trial() -> None:
    trials = [_trial(x=X, n=N, c=C), _trial(x=X, n=N), _trial(x=X, n=IntDistribution(0, 9), c=C)]
    assert intersection_search_space(trials) == {"x": X}


def test_intersection_is_name_sorted_and_empty_without_complete_trials() -> None:
    assert list(intersection_search_space([_trial(z=X, a=N, m=C)])) == ["a", "m", "z"]
    assert intersection_search_space([]) == {}
    assert intersection_search_space([_trial(TrialState.FAIL, x=X)]) == {}


def test_pruned_trials_count_only_when_asked() -> None:
    trials = [_trial(x=X, n=N), _trial(TrialState.PRUNED, x=X)]
    assert intersection_search_space(trials) == {"n": N, "x": X}
    assert intersection_search_space(trials, include_pruned=True) == {"x": X}


def test_incremental_search_space_follows_the_study() -> None:
    study = albacore.create_study()
    space = IntersectionSearchSpace()
    assert space.calculate(study) == {}
    study.add_trial(_trial(x=X, n=N, c=C))
    assert space.calculate(study) == {"c": C, "n": N, "x": X}
    study.add_trial(_trial(x=X, c=C))
    study.add_trial(_trial(TrialState.FAIL))
    study.ask()  # a running trial does not count
    assert space.calculate(study) == {"c": C, "x": X}
    assert space.calculate(study) == intersection_search_space(study.trials)

    other = albacore.create_study()
    other.add_trial(_trial(n=N))
    assert space.calculate(other) == {"n": N}  # switching studies starts over


def test_incremental_search_space_with_pruned_and_pickling() -> None:
    study = albacore.create_study()
    study.add_trial(_trial(x=X, n=N))
    study.add_trial(_trial(TrialState.PRUNED, x=X))
    assert IntersectionSearchSpace().calculate(study) == {"n": N, "x": X}
    space = IntersectionSearchSpace(include_pruned=True)
    assert space.calculate(study) == {"x": X}
    clone = pickle.loads(pickle.dumps(space))
    assert clone.calculate(study) == {"x": X}


def test_incremental_search_space_knows_a_study_by_its_key() -> None:
    storage = albacore.storages.InMemoryStorage()
    study = albacore.create_study(study_name="s", storage=storage)
    study.add_trial(_trial(x=X, n=N))
    space = IntersectionSearchSpace()
    assert space.calculate(study) == {"n": N, "x": X}
    # Another handle on the same study carries on from what was seen (no rescan) ...
    again = albacore.load_study(study_name="s", storage=storage)
    seen = space._seen
    again.add_trial(_trial(x=X))
    assert space.calculate(again) == {"x": X} and space._seen is seen
    # ... a same-named study in another storage (same name and id) starts over.
    twin = albacore.create_study(study_name="s", storage=albacore.storages.InMemoryStorage())
    twin.add_trial(_trial(n=N))
    assert twin.key[1:] == study.key[1:]
    assert space.calculate(twin) == {"n": N}
