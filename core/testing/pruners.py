"""Pruners for tests, and the pruner contract as a pytest test kit.

:class:`DeterministicPruner` and :class:`StepPruner` give tests decisions fixed in advance
(they break the contract on purpose: their answers ignore the storage).
:class:`PrunerContract` holds every clause of :class:`albacore.pruners.BasePruner` as tests;
subclass it with a ``pruner_factory`` fixture to run them on a pruner.
"""

from __future__ import annotations

import copy
import pickle
import threading
from collections.abc import Sequence
from typing import Any, Callable

import albacore
from albacore._validation import check_count
from albacore.pruners._base import BasePruner
from albacore.study.study import Study
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState
from albacore.trial._study_protocol import StudyLike

__all__ = ["LEVELS", "N_STEPS", "WAVE", "DeterministicPruner", "PrunerContract", "StepPruner", "curve", "replay"]


class DeterministicPruner(BasePruner):
    """A pruner whose answer is fixed: always prune, or never.

    Useful to test code paths that depend on ``trial.should_prune()`` (integration
    callbacks, objectives raising :class:`albacore.TrialPruned`), in single- and
    multi-objective studies.

    Args:
        is_pruning: The value every call of :meth:`prune` returns.

    Raises:
        TypeError: If ``is_pruning`` is not a bool.

    Example:
        .. code-block:: python

            study = albacore.create_study(pruner=DeterministicPruner(True))
            trial = study.ask()
            trial.report(1.0, 0)
            assert trial.should_prune()
    """

    supports_multi_objective = True  # the answer reads no values

    def __init__(self, is_pruning: bool) -> None:
        if not isinstance(is_pruning, bool):
            raise TypeError(f"DeterministicPruner: is_pruning must be a bool, got is_pruning={is_pruning!r}")
        self.is_pruning = is_pruning

    def prune(self, study: StudyLike, trial: FrozenTrial) -> bool:
        return self.is_pruning


class StepPruner(BasePruner):
    """Prunes a trial once it has reported a value at a step >= ``from_step``.

    Gives tests a known pruning step without depending on other trials, in single- and
    multi-objective studies.

    Args:
        from_step: The first step at which ``prune`` answers True.

    Raises:
        ValueError: If ``from_step`` is not a non-negative int.
    """

    supports_multi_objective = True  # the answer reads steps only

    def __init__(self, from_step: int) -> None:
        check_count("StepPruner", "from_step", from_step)
        self.from_step = from_step

    def prune(self, study: StudyLike, trial: FrozenTrial) -> bool:
        last = trial.last_step
        return last is not None and last >= self.from_step


# --- the pruner contract as a test kit -------------------------------------------------------------
PrunerFactory = Callable[[], BasePruner]

#: Steps each of the kit's trials reports (0 .. N_STEPS - 1).
N_STEPS = 12
#: Levels of the kit's trials, in the order they start: trial ``i`` reports
#: ``LEVELS[i] * (1 + 1 / (step + 1))`` at each step, so its curve falls towards its level.
LEVELS = (3.0, 7.0, 1.0, 5.0, 8.0, 2.0, 6.0, 4.0, 6.5, 1.5, 7.5, 2.5, 5.5, 3.5, 8.5, 4.5)
#: Trials running at once in the kit's replays.
WAVE = 4


def curve(level: float, step: int) -> float:
    """The value a kit trial of ``level`` reports at ``step`` (between ``level`` and ``2 * level``)."""
    return level * (1.0 + 1.0 / (step + 1))


def _frozen(study: Study, number: int) -> FrozenTrial:
    return next(t for t in study.get_trials(deepcopy=True, states=(TrialState.RUNNING,)) if t.number == number)


def replay(handles: Sequence[Study], sign: float = 1.0) -> list[tuple[int, int, bool]]:
    """Run the kit's trials on ``handles`` (Study objects on one study) and record every decision.

    Trials start :data:`WAVE` at a time, taking turns among ``handles``; running trials report
    their next step in turn, each followed by ``handle.pruner.prune(handle, trial)`` through
    the handle that asked for it. A pruned trial is told PRUNED; the others COMPLETE with
    their last value. Values are multiplied by ``sign``.

    Returns:
        ``(trial number, step, decision)`` for every call, in call order.
    """
    decisions: list[tuple[int, int, bool]] = []
    for start in range(0, len(LEVELS), WAVE):
        live = {}
        for offset in range(WAVE):
            handle = handles[(start + offset) % len(handles)]
            live[handle.ask()] = (handle, LEVELS[start + offset])
        for step in range(N_STEPS):
            for trial, (handle, level) in list(live.items()):
                value = sign * curve(level, step)
                trial.report(value, step)
                decision = handle.pruner.prune(handle, _frozen(handle, trial.number))
                assert type(decision) is bool, f"prune returned {decision!r} ({type(decision).__name__}), not a bool"
                decisions.append((trial.number, step, decision))
                if decision:
                    handle.tell(trial, state=TrialState.PRUNED)
                    del live[trial]
        for trial, (handle, level) in live.items():
            handle.tell(trial, sign * curve(level, N_STEPS - 1))
    return decisions


def _storage_state(study: Study) -> list[tuple[Any, ...]]:
    return [(t.number, t.state, t.values, t.intermediate_values, t.system_attrs) for t in study.trials] + [
        ("study", study.system_attrs)
    ]


class PrunerContract:
    """Every clause of :class:`albacore.pruners.BasePruner`, as tests.

    Subclass it in a test module with a ``pruner_factory`` fixture returning a callable that
    builds a fresh pruner; every ``test_*`` method then runs against it:

    .. code-block:: python

        import pytest
        from albacore.pruners import MedianPruner
        from albacore.testing.pruners import PrunerContract

        class TestMedianPruner(PrunerContract):
            @pytest.fixture
            def pruner_factory(self):
                return lambda: MedianPruner(n_startup_trials=2)

    The kit's trials report values between 1 and 17 (see :func:`curve` and :data:`LEVELS`);
    a pruner with absolute thresholds should be configured within that range so the kit
    sees it prune. One class attribute declares the variant of the contract a pruner meets:

    * ``follows_direction = True``: the pruner reads ``study.direction``: the kit's trials
      reporting ``-v`` in a maximizing study are decided exactly as ``v`` in a minimizing
      one. With False (absolute thresholds), the same values get the same decisions under
      both directions.
    """

    #: Whether the pruner's decisions mirror with the study's direction (see above).
    follows_direction: bool = True
    #: Whether the pruner prunes some of the kit's trials (False: it must prune none of them).
    prunes: bool = True

    def _study(self, factory: PrunerFactory, direction: str = "minimize", name: str = "pruner-contract") -> Study:
        storage = albacore.storages.InMemoryStorage()
        return albacore.create_study(study_name=name, direction=direction, storage=storage, pruner=factory())

    def test_a_trial_without_reports_is_not_pruned(self, pruner_factory: PrunerFactory) -> None:
        study = self._study(pruner_factory)
        trial = study.ask()
        assert study.pruner.prune(study, _frozen(study, trial.number)) is False
        study.tell(trial, 1.0)
        replay([study])
        trial = study.ask()
        assert study.pruner.prune(study, _frozen(study, trial.number)) is False

    def test_decisions_come_from_the_storage_only(self, pruner_factory: PrunerFactory) -> None:
        # Two Study objects on one storage, each with its own pruner, taking turns: every
        # decision must be the one a single handle makes, so workers agree without talking.
        alone = replay([self._study(pruner_factory)])
        storage = albacore.storages.InMemoryStorage()
        study = albacore.create_study(study_name="pruner-contract", storage=storage, pruner=pruner_factory())
        other = albacore.load_study(study_name="pruner-contract", storage=storage, pruner=pruner_factory())
        assert replay([study, other]) == alone
        pruned = any(decision for _, _, decision in alone)
        assert pruned == self.prunes, (
            "the pruner never pruned in the kit's replay; configure the factory so it does"
            if self.prunes
            else "the pruner pruned in the kit's replay although the test class says prunes = False"
        )

    def test_a_pickled_pruner_decides_as_a_fresh_one(self, pruner_factory: PrunerFactory) -> None:
        used = self._study(pruner_factory, name="pruner-contract-used")
        replay([used])
        alone = replay([self._study(pruner_factory)])
        study = self._study(pruner_factory)
        study.pruner = pickle.loads(pickle.dumps(used.pruner))  # carries nothing of the study it ran on
        assert replay([study]) == alone

    def test_direction(self, pruner_factory: PrunerFactory) -> None:
        minimized = replay([self._study(pruner_factory, "minimize")])
        sign = -1.0 if self.follows_direction else 1.0
        assert replay([self._study(pruner_factory, "maximize")], sign) == minimized

    def test_nan_reports_are_answered_and_do_not_stop_better_trials(self, pruner_factory: PrunerFactory) -> None:
        study = self._study(pruner_factory)
        replay([study])
        for value in (None, float("nan")):  # trials that reported only NaN: one pruned, one told NaN
            trial = study.ask()
            for step in range(N_STEPS):
                trial.report(float("nan"), step)
                decision = study.pruner.prune(study, _frozen(study, trial.number))
                assert type(decision) is bool, f"prune returned {decision!r} on a NaN report"
            if value is None:
                study.tell(trial, state=TrialState.PRUNED)
            else:
                study.tell(trial, value)
        best = study.ask()  # below every level: better than every trial at every step
        for step in range(N_STEPS):
            best.report(curve(0.5, step), step)
            assert study.pruner.prune(study, _frozen(study, best.number)) is False, (
                f"a trial better than every other was pruned at step {step}"
            )

    def test_a_finished_trial_is_answered_without_writing(self, pruner_factory: PrunerFactory) -> None:
        study = self._study(pruner_factory)
        replay([study])
        before = _storage_state(study)
        for trial in study.get_trials(states=(TrialState.COMPLETE, TrialState.PRUNED)):
            assert type(study.pruner.prune(study, trial)) is bool
        assert _storage_state(study) == before

    def test_the_given_trial_is_left_unchanged(self, pruner_factory: PrunerFactory) -> None:
        study = self._study(pruner_factory)
        replay([study])
        trial = study.ask()
        for step in range(N_STEPS):
            trial.report(curve(9.0, step), step)
            frozen = _frozen(study, trial.number)
            kept = copy.deepcopy(frozen)
            study.pruner.prune(study, frozen)
            assert frozen == kept and frozen.system_attrs == kept.system_attrs

    def test_threads_share_one_pruner(self, pruner_factory: PrunerFactory) -> None:
        study = self._study(pruner_factory)
        levels = iter(LEVELS * 2)
        lock = threading.Lock()

        def objective(trial: albacore.Trial) -> float:
            with lock:
                level = next(levels)
            for step in range(N_STEPS):
                trial.report(curve(level, step), step)
                if trial.should_prune():
                    raise albacore.TrialPruned()
            return curve(level, N_STEPS - 1)

        study.optimize(objective, n_trials=2 * len(LEVELS), n_jobs=4)
        states = [t.state for t in study.trials]
        assert len(states) == 2 * len(LEVELS)
        assert set(states) <= {TrialState.COMPLETE, TrialState.PRUNED}, "a trial failed while pruners ran in threads"

    def test_the_sampler_sees_the_study_or_a_view_of_it(self, pruner_factory: PrunerFactory) -> None:
        study = self._study(pruner_factory)
        replay([study])
        numbers = {t.number for t in study.trials}
        for _ in range(WAVE):
            trial = study.ask()
            seen = study.pruner.study_for_sampler(study, _frozen(study, trial.number))
            if seen is study:
                continue
            assert {t.number for t in seen.get_trials(deepcopy=False)} <= numbers | {trial.number}
            assert seen.key != study.key, "a view must have a key of its own (per-study caches are keyed by it)"
            assert seen.study_name == study.study_name and seen.directions == study.directions
