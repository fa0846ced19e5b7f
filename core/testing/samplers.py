"""The sampler contract as a pytest test kit.

Subclass :class:`SamplerContract` in a test module and provide a ``sampler_factory`` fixture
returning a callable ``factory(seed=None) -> BaseSampler`` that builds a fresh sampler; every
``test_*`` method then runs against it:

.. code-block:: python

    import pytest
    from albacore.samplers import RandomSampler
    from albacore.testing.samplers import SamplerContract

    class TestRandomSampler(SamplerContract):
        @pytest.fixture
        def sampler_factory(self):
            return lambda seed=None: RandomSampler(seed=seed)

Every objective of the kit suggests parameters from :data:`SEARCH_SPACE` and
:data:`CONDITIONAL_SPACE` (always with the distribution listed there) and enqueues only
:data:`ENQUEUED_PARAMS`, so a sampler built for one search space given up front (a grid)
can be wired from them. ``n_trials`` sets the trials per clause (lower it for samplers
that fit a model per trial). Three class attributes declare the variant of the contract a
sampler meets; each changes what the kit checks, not whether it checks:

* ``fixed_search_space = True``: the sampler is built for one search space given up front
  (:class:`~albacore.samplers.GridSampler`). The clause "a parameter whose range changes
  between trials stays within the range suggested now" becomes "a value of the given space
  outside the range suggested now is used as given, with a warning naming the parameter".
* ``multi_objective = False``: the sampler optimizes one objective; in a study with several
  it must refuse with a ValueError or NotImplementedError that says so, instead of
  sampling nonsense.
* ``continuous_floats = False``: the sampler enumerates finitely many values
  (:class:`~albacore.samplers.BruteForceSampler`); the kit then suggests every float with a
  step (:data:`FINITE_SEARCH_SPACE`), and checks that a float without step is refused with
  a ValueError naming the parameter.
"""

from __future__ import annotations

import copy
import pickle
import threading
from typing import Any, Callable

import pytest

import albacore
from albacore._warnings import AlbacoreWarning
from albacore.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from albacore.pruners import BasePruner, StudyView
from albacore.samplers._base import BaseSampler
from albacore.study.study import Study
from albacore.trial import BaseTrial, FrozenTrial, TrialState, create_trial
from albacore.trial._study_protocol import StudyLike

__all__ = ["CONDITIONAL_SPACE", "ENQUEUED_PARAMS", "FINITE_SEARCH_SPACE", "SEARCH_SPACE", "SamplerContract"]

SamplerFactory = Callable[..., BaseSampler]

#: Every parameter the kit suggests, with the one distribution it uses (all kinds and options).
SEARCH_SPACE: dict[str, BaseDistribution] = {
    "x": FloatDistribution(-5.0, 5.0),
    "lr": FloatDistribution(1e-4, 1e-1, log=True),
    "q": FloatDistribution(0.0, 1.0, step=0.25),
    "n": IntDistribution(-3, 3),
    "units": IntDistribution(1, 64, log=True),
    "even": IntDistribution(0, 8, step=2),
    "kind": CategoricalDistribution(["a", 1, 2.5, None, True]),
}

#: :data:`SEARCH_SPACE` with a step on every float, for samplers that need finitely many values.
FINITE_SEARCH_SPACE: dict[str, BaseDistribution] = {
    **SEARCH_SPACE,
    "x": FloatDistribution(-5.0, 5.0, step=0.5),
    "lr": FloatDistribution(1e-4, 0.1, step=1e-4),
}

#: The conditional part of the kit's spaces: ``branch`` decides which other one is used.
CONDITIONAL_SPACE: dict[str, BaseDistribution] = {
    "branch": CategoricalDistribution(["left", "right"]),
    "left_x": FloatDistribution(0.0, 1.0, step=0.125),
    "right_n": IntDistribution(0, 10),
}

#: The parameter sets the kit enqueues (values lie in :data:`SEARCH_SPACE`).
ENQUEUED_PARAMS: list[dict[str, Any]] = [
    {"x": 1.0, "lr": 1e-2, "q": 0.5, "n": -1, "units": 8, "even": 4, "kind": 2.5},
    {"x": -2.0, "lr": 1e-3, "q": 0.25, "n": 2, "units": 1, "even": 0, "kind": None},
]


def _suggest(trial: BaseTrial, name: str, space: dict[str, BaseDistribution]) -> Any:
    dist = space[name]
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)
    assert isinstance(dist, CategoricalDistribution)
    return trial.suggest_categorical(name, dist.choices)


def _score(params: dict[str, Any]) -> float:
    """A cheap deterministic objective of the numeric parameters."""
    total = 0.0
    for value in params.values():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            total += (float(value) - 0.5) ** 2
    return total


def full_objective(space: dict[str, BaseDistribution]) -> Callable[[BaseTrial], float]:
    """An objective suggesting every parameter of ``space`` (without the conditional ones)."""

    def objective(trial: BaseTrial) -> float:
        return _score({name: _suggest(trial, name, space) for name in space if name not in CONDITIONAL_SPACE})

    return objective


def conditional_objective(space: dict[str, BaseDistribution]) -> Callable[[BaseTrial], float]:
    """An objective suggesting ``x`` and ``branch``, then ``left_x`` or ``right_n``."""

    def objective(trial: BaseTrial) -> float:
        x = _suggest(trial, "x", space)
        if _suggest(trial, "branch", space) == "left":
            return float((x - 1) ** 2 + _suggest(trial, "left_x", space))
        return float((x + 1) ** 2 + _suggest(trial, "right_n", space) / 10)

    return objective


def _check_in_space(trial: FrozenTrial, space: dict[str, BaseDistribution]) -> None:
    for name, value in trial.params.items():
        dist = space[name]
        assert trial.distributions[name] == dist, f"trial {trial.number}: {name} has {trial.distributions[name]!r}"
        if isinstance(dist, CategoricalDistribution):
            assert any(value == c and type(value) is type(c) for c in dist.choices), (
                f"trial {trial.number}: {name}={value!r} is not one of {dist.choices!r}"
            )
            continue
        expected_type = float if isinstance(dist, FloatDistribution) else int
        assert type(value) is expected_type, f"trial {trial.number}: {name}={value!r} is not a {expected_type.__name__}"
        inside = dist.contains(dist.to_internal_repr(value))
        assert inside, f"trial {trial.number}: {name}={value!r} is outside {dist!r}"


def _new_study(factory: SamplerFactory, seed: int | None = 0, **kwargs: Any) -> Study:
    return albacore.create_study(sampler=factory(seed=seed), **kwargs)


class _EvenTrialsView(BasePruner):
    """Never prunes; shows the sampler a StudyView of the even-numbered trials."""

    def prune(self, study: StudyLike, trial: FrozenTrial) -> bool:
        return False

    def study_for_sampler(self, study: StudyLike, trial: FrozenTrial) -> Any:
        return StudyView(study, _is_even, "contract-even")


def _is_even(trial: FrozenTrial) -> bool:
    return trial.number % 2 == 0


class SamplerContract:
    """Every clause of :class:`albacore.samplers.BaseSampler`, as tests."""

    #: The sampler is built for one search space given up front (see the module docstring).
    fixed_search_space: bool = False
    #: The sampler supports studies with several objectives.
    multi_objective: bool = True
    #: The sampler handles floats without a step (see the module docstring).
    continuous_floats: bool = True
    #: Trials per test; enough to leave a model-based sampler's start-up phase.
    n_trials: int = 14

    @property
    def space(self) -> dict[str, BaseDistribution]:
        """Every distribution the kit suggests for this sampler (conditional ones included)."""
        base = SEARCH_SPACE if self.continuous_floats else FINITE_SEARCH_SPACE
        return {**base, **CONDITIONAL_SPACE}

    @property
    def main_space(self) -> dict[str, BaseDistribution]:
        """:attr:`space` without the conditional parameters."""
        return {k: v for k, v in self.space.items() if k not in CONDITIONAL_SPACE}

    # --- values ------------------------------------------------------------------------------
    def test_every_distribution_kind_and_option_is_respected(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory)
        study.optimize(full_objective(self.space), n_trials=self.n_trials)
        trials = study.trials
        assert [t.state for t in trials] == [TrialState.COMPLETE] * len(trials)
        assert len(trials) == self.n_trials
        for trial in trials:
            assert set(trial.params) == set(self.main_space)
            _check_in_space(trial, self.space)

    def test_maximize_direction(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory, direction="maximize")
        study.optimize(full_objective(self.space), n_trials=self.n_trials)
        assert all(t.state == TrialState.COMPLETE for t in study.trials)
        for trial in study.trials:
            _check_in_space(trial, self.space)

    def test_works_with_no_completed_trials(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory)
        first = study.ask()
        objective = full_objective(self.space)
        objective(first)
        _check_in_space(study.get_trials(deepcopy=False)[0], self.space)
        # Only running and failed trials so far: still nothing to learn from.
        study.tell(first, state=TrialState.FAIL)
        running = study.ask()
        objective(running)
        other = study.ask()
        value = objective(other)
        study.tell(other, value)
        study.tell(running, value)
        for trial in study.trials:
            _check_in_space(trial, self.space)

    def test_conditional_parameters(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory)
        study.optimize(conditional_objective(self.space), n_trials=self.n_trials)
        assert all(t.state == TrialState.COMPLETE for t in study.trials)
        for trial in study.trials:
            used = "left_x" if trial.params["branch"] == "left" else "right_n"
            assert set(trial.params) == {"x", "branch", used}
            _check_in_space(trial, self.space)

    def test_range_changes_between_trials(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory)
        step = None if self.continuous_floats else 0.25
        if self.fixed_search_space:
            with pytest.warns(UserWarning, match="'x'"):
                study.optimize(lambda t: t.suggest_float("x", 100.0, 101.0, step=step), n_trials=1)
            assert study.trials[0].state == TrialState.COMPLETE
            return

        def objective(trial: BaseTrial) -> float:
            shift = trial.number % 3
            x = trial.suggest_float("x", shift, shift + 1.0, step=step)
            n = trial.suggest_int("n", 10 * shift, 10 * shift + 5)
            assert shift <= x <= shift + 1.0, f"x={x} outside [{shift}, {shift + 1}]"
            assert 10 * shift <= n <= 10 * shift + 5, f"n={n} outside [{10 * shift}, {10 * shift + 5}]"
            return x + n

        study.optimize(objective, n_trials=self.n_trials)
        assert all(t.state == TrialState.COMPLETE for t in study.trials)

    def test_relative_sampling_stays_in_the_inferred_space(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory)
        study.optimize(full_objective(self.space), n_trials=self.n_trials)
        trial = study.ask()
        sampler = study.sampler
        frozen = study.get_trials(deepcopy=False)[-1]
        space = sampler.infer_relative_search_space(study, frozen)
        assert set(space) <= set(self.main_space)
        for name, dist in space.items():
            assert isinstance(dist, BaseDistribution) and dist == self.space[name]
        relative = sampler.sample_relative(study, frozen, space)
        assert set(relative) <= set(space)
        for name, value in relative.items():
            assert space[name].contains(space[name].to_internal_repr(value)), f"{name}={value!r}"
        study.tell(trial, state=TrialState.FAIL)

    def test_floats_without_step(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory)
        if not self.continuous_floats:
            with pytest.raises(ValueError, match="'x'"):
                study.optimize(lambda t: t.suggest_float("x", 0.0, 1.0), n_trials=1)
            assert [t.state for t in study.trials] == [TrialState.FAIL]
            return
        low, high = SEARCH_SPACE["x"].low, SEARCH_SPACE["x"].high  # type: ignore[attr-defined]
        study.optimize(lambda t: t.suggest_float("x", low, high), n_trials=6)
        values = [t.params["x"] for t in study.trials]
        assert all(low <= v <= high for v in values)
        assert len(set(values)) > 1, f"a continuous parameter took one value only: {values}"

    # --- seeds, threads, copies ---------------------------------------------------------------
    def test_same_seed_gives_the_same_sequence(self, sampler_factory: SamplerFactory) -> None:
        sequences = []
        for _ in range(2):
            study = _new_study(sampler_factory, seed=123)
            study.optimize(conditional_objective(self.space), n_trials=self.n_trials)
            study.optimize(full_objective(self.space), n_trials=self.n_trials // 2)
            sequences.append([t.params for t in study.trials])
        assert sequences[0] == sequences[1]

    def test_parallel_threads(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory)
        study.optimize(full_objective(self.space), n_trials=self.n_trials, n_jobs=2)
        trials = study.trials
        assert len(trials) == self.n_trials
        assert sorted(t.number for t in trials) == list(range(self.n_trials))
        assert all(t.state == TrialState.COMPLETE for t in trials)
        for trial in trials:
            _check_in_space(trial, self.space)

    def test_pickled_and_reseeded_copies_keep_working(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory)
        study.optimize(full_objective(self.space), n_trials=self.n_trials // 2)
        copied = pickle.loads(pickle.dumps(study.sampler))
        copied.reseed_rng()
        handle = albacore.load_study(study_name=study.study_name, storage=study._storage, sampler=copied)
        handle.optimize(full_objective(self.space), n_trials=self.n_trials // 2)
        assert len(study.trials) == 2 * (self.n_trials // 2)
        assert all(t.state == TrialState.COMPLETE for t in study.trials)
        for trial in study.trials:
            _check_in_space(trial, self.space)

    def test_reused_sampler_keeps_studies_apart(self, sampler_factory: SamplerFactory) -> None:
        # A sampler object reused for a second study must decide from that study's storage
        # only, even when both studies have the same name and id (two in-memory storages).
        # Two runs make the same calls on samplers with the same seed; only the name of the
        # first study differs, so the second study's trials must be identical.
        objective = full_objective(self.space)
        second_trials = []
        for first_name in ("contract-reuse-first", "contract-reuse"):
            sampler = sampler_factory(seed=7)
            first = albacore.create_study(sampler=sampler, study_name=first_name)
            first.optimize(objective, n_trials=self.n_trials)
            second = albacore.create_study(sampler=sampler, study_name="contract-reuse")
            second.optimize(objective, n_trials=self.n_trials)
            second_trials.append([t.params for t in second.trials])
        assert second_trials[0] == second_trials[1], (
            "the sampler's decisions for a new study depended on another study with the same name"
        )

    # --- the study's history ----------------------------------------------------------------------
    def test_enqueued_trials_are_respected(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory)
        for params in ENQUEUED_PARAMS:
            study.enqueue_trial(params)
        study.optimize(full_objective(self.space), n_trials=len(ENQUEUED_PARAMS) + 2)
        trials = study.trials
        for trial, params in zip(trials, ENQUEUED_PARAMS):
            assert trial.params == params
        assert all(t.state == TrialState.COMPLETE for t in trials)
        for trial in trials:
            _check_in_space(trial, self.space)

    def test_unusable_enqueued_values_fail_their_trial_and_never_reach_the_sampler(
        self, sampler_factory: SamplerFactory
    ) -> None:
        study = _new_study(sampler_factory)
        first, second = ENQUEUED_PARAMS
        log_lr = getattr(self.space["lr"], "log", False)
        unusable = [
            ({**first, "lr": -1.0 if log_lr else float("nan")}, "lr"),  # a log scale needs values > 0
            ({**first, "units": 0}, "units"),
            ({**second, "kind": "zzz"}, "kind"),  # not a choice
            ({**second, "x": float("inf")}, "x"),
        ]
        for params, _ in unusable:
            study.enqueue_trial(params)
        study.enqueue_trial({**first, "x": 50.0})  # outside the range only: used as given
        with pytest.warns(AlbacoreWarning, match=r"enqueued value 50.0 of parameter 'x' is outside FloatDistribution"):
            study.optimize(full_objective(self.space), n_trials=len(unusable) + 1 + self.n_trials)
        trials = study.trials
        assert len(trials) == len(unusable) + 1 + self.n_trials, "optimize stopped at a bad enqueued value"
        for trial, (params, name) in zip(trials, unusable):
            assert trial.state == TrialState.FAIL, f"trial {trial.number} used {name}={params[name]!r}"
            assert name not in trial.params
        assert trials[len(unusable)].state == TrialState.COMPLETE
        assert trials[len(unusable)].params["x"] == 50.0
        for trial in trials[len(unusable) + 1 :]:
            assert trial.state == TrialState.COMPLETE
            _check_in_space(trial, self.space)

    def test_failed_and_pruned_trials_are_ignored(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory)
        # History a sampler must cope with: failures and prunings, with and without values.
        study.add_trial(create_trial(state=TrialState.FAIL))
        study.add_trial(create_trial(state=TrialState.FAIL, params={"x": 5.0}, distributions={"x": self.space["x"]}))
        study.add_trial(
            create_trial(state=TrialState.PRUNED, params=dict(ENQUEUED_PARAMS[0]), distributions=self.main_space)
        )
        study.add_trial(
            create_trial(
                state=TrialState.PRUNED,
                value=0.5,
                intermediate_values={0: 1.0, 3: 0.5},
                params=dict(ENQUEUED_PARAMS[1]),
                distributions=self.main_space,
            )
        )

        def objective(trial: BaseTrial) -> float:
            value = full_objective(self.space)(trial)
            if trial.number % 3 == 0:
                raise RuntimeError("failing on purpose")
            if trial.number % 3 == 1:
                trial.report(value, 0)
                raise albacore.TrialPruned()
            return value

        study.optimize(objective, n_trials=self.n_trials, catch=(RuntimeError,))
        trials = study.trials[4:]
        assert len(trials) == self.n_trials
        expected = {0: TrialState.FAIL, 1: TrialState.PRUNED, 2: TrialState.COMPLETE}
        assert [t.state for t in trials] == [expected[t.number % 3] for t in trials]
        for trial in trials:
            assert set(trial.params) == set(self.main_space)
            _check_in_space(trial, self.space)

    def test_finished_trials_are_left_unchanged(self, sampler_factory: SamplerFactory) -> None:
        # Samplers read trials with get_trials(deepcopy=False): shared objects they must not
        # modify. Each finished trial is snapshotted by a callback and compared at the end.
        study = _new_study(sampler_factory)
        snapshots: dict[int, FrozenTrial] = {}
        objective = full_objective(self.space)

        def constrained(trial: BaseTrial) -> float:
            value = objective(trial)
            trial.set_user_attr("value", value)
            trial.set_constraint("c", value - 10.0)
            return value

        study.optimize(
            constrained,
            n_trials=self.n_trials,
            callbacks=[lambda s, t: snapshots.__setitem__(t.number, copy.deepcopy(t))],
        )
        assert len(snapshots) == self.n_trials
        for trial in study.get_trials(deepcopy=False):
            assert trial == snapshots[trial.number], f"trial {trial.number} changed after it finished"

    def test_multi_objective(self, sampler_factory: SamplerFactory) -> None:
        study = _new_study(sampler_factory, directions=["minimize", "maximize"])

        def objective(trial: BaseTrial) -> tuple[float, float]:
            value = full_objective(self.space)(trial)
            return value, float(trial.params["x"])

        if not self.multi_objective:
            with pytest.raises((ValueError, NotImplementedError), match="objective"):
                study.optimize(objective, n_trials=self.n_trials)
            return
        study.optimize(objective, n_trials=self.n_trials)
        assert all(t.state == TrialState.COMPLETE for t in study.trials)
        for trial in study.trials:
            _check_in_space(trial, self.space)
        assert study.best_trials

    def test_a_study_view_is_read_like_a_study(self, sampler_factory: SamplerFactory) -> None:
        # A pruner may hand the sampler a StudyView (Hyperband's brackets); the sampler must
        # work on it wherever it works on a Study, its caches apart from the study's.
        study = albacore.create_study(sampler=sampler_factory(seed=0), pruner=_EvenTrialsView())
        study.optimize(full_objective(self.space), n_trials=self.n_trials)
        study.optimize(conditional_objective(self.space), n_trials=4)
        assert [t.state for t in study.trials] == [TrialState.COMPLETE] * (self.n_trials + 4)
        for trial in study.trials:
            _check_in_space(trial, self.space)

    # --- hooks ------------------------------------------------------------------------------------
    def test_hooks_are_called_in_order(self, sampler_factory: SamplerFactory) -> None:
        sampler = sampler_factory(seed=0)
        study = albacore.create_study(sampler=sampler)
        events: list[tuple[Any, ...]] = []
        lock = threading.Lock()

        def wrap(name: str) -> None:
            original = getattr(sampler, name)

            def recorder(study_: Study, trial: FrozenTrial, *args: Any) -> Any:
                stored = study_.get_trials(deepcopy=False)[trial.number].state
                with lock:
                    events.append((name, trial.number, stored, *args))
                return original(study_, trial, *args)

            setattr(sampler, name, recorder)

        for name in (
            "before_trial",
            "infer_relative_search_space",
            "sample_relative",
            "sample_independent",
            "after_trial",
        ):
            wrap(name)

        def objective(trial: BaseTrial) -> float:
            value = full_objective(self.space)(trial)
            if trial.number == 1:
                raise ValueError("fail on purpose")
            return value

        study.optimize(objective, n_trials=4, catch=(ValueError,))
        for frozen in study.trials:
            mine = [e for e in events if e[1] == frozen.number]
            names = [e[0] for e in mine]
            assert names[0] == "before_trial", names
            assert names.count("before_trial") == 1 and names.count("after_trial") == 1, names
            assert names[-1] == "after_trial", names
            assert names.index("infer_relative_search_space") < names.index("after_trial")
            after = mine[-1]
            # after_trial sees the final state and values before the storage records them.
            assert after[2] == TrialState.RUNNING
            assert after[3] == frozen.state and after[4] == frozen.values
            for event in mine:
                if event[0] == "sample_independent":
                    assert event[2] == TrialState.RUNNING and event[3] in self.space
