"""Repeated configurations: ``optimize(skip_duplicates=...)`` and the ask-and-tell helpers.

A trial *repeats* a COMPLETE trial when its parameter set is exactly that trial's: the same
names and equal values (floats compared as stored, values of different types never equal,
so ``True`` does not repeat ``1``). Such a trial is not evaluated again: it is recorded
COMPLETE with the original's values and the system attribute ``"duplicate_of"`` holding the
original's number.

Define-by-run means a trial's full parameter set is known only as its objective runs. The
check is made at every ``suggest`` that adds a parameter: once the parameters so far equal
a COMPLETE trial's *whole* set, the objective is stopped right there (an internal exception
that the trial runner catches). This is sound when the objective's control flow, hence
which parameters it suggests next, depends only on the parameters suggested so far (not on
the trial number, the time, or random draws of its own): then a trial that took the same
values as a finished trial would have suggested nothing more and returned the same value.
A trial whose parameters are only a prefix of a COMPLETE trial's set is not a duplicate.

The check is a dictionary lookup. Each process keeps one :class:`DuplicateIndex` per study
(keyed by ``study.key``, dropped with the storage object): the COMPLETE trials' parameter
sets, grown incrementally. It is
brought up to date once when a trial starts (walking only the trials numbered from the
oldest one not yet known to be finished) and whenever a trial of this process completes.
"""

from __future__ import annotations

import copy
import threading
from typing import TYPE_CHECKING, Any

from albacore.logging import get_logger
from albacore.samplers._cache import StudyCache
from albacore.trial._constraints import CONSTRAINTS_KEY
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState
from albacore.trial._trial import Trial

if TYPE_CHECKING:
    from albacore.samplers._base import BaseSampler
    from albacore.study.study import Study

_logger = get_logger(__name__)

#: System attribute of a trial recorded as a repeat: the number of the trial it repeats.
DUPLICATE_KEY = "duplicate_of"

#: ``skip_duplicates=True`` does not count repeats against ``n_trials``; ``optimize`` then
#: ends after this many repeats in a row (a finite space whose points are all evaluated
#: would otherwise never end), logging a warning.
MAX_DUPLICATES_IN_A_ROW = 100

#: AutoSampler repeats the best trial on purpose, to tell a noisy objective from a rugged
#: one; such a trial (it carries this system attribute) is always evaluated.
_DELIBERATE_REPEAT_KEY = "auto:repeat_of"

Key = tuple[tuple[str, type, Any], ...]


def params_key(params: dict[str, Any]) -> Key:
    """A hashable form of a parameter set: sorted by name, each value tagged with its type."""
    return tuple(sorted((name, type(value), value) for name, value in params.items()))


def check_skip_duplicates(value: Any, sampler: BaseSampler) -> str | None:
    """``optimize``'s ``skip_duplicates`` as ``None`` (off), ``"uncounted"`` or ``"counted"``.

    Raises:
        TypeError: If ``value`` is neither a bool nor a str.
        ValueError: If it is a str other than ``"count"``, or the sampler declares
            ``supports_skip_duplicates = False``.
    """
    if not isinstance(value, (bool, str)):
        raise TypeError(
            f"optimize: skip_duplicates must be True, False or 'count', got skip_duplicates={value!r} "
            f"of type {type(value).__name__}"
        )
    if isinstance(value, str) and value != "count":
        raise ValueError(f"optimize: skip_duplicates must be True, False or 'count', got skip_duplicates={value!r}")
    if value is False:
        return None
    if not getattr(sampler, "supports_skip_duplicates", True):
        raise ValueError(
            f"optimize: skip_duplicates={value!r} cannot be used with {type(sampler).__name__}, which "
            f"declares supports_skip_duplicates = False (it needs every trial it proposes evaluated); "
            f"pass skip_duplicates=False"
        )
    return "counted" if value == "count" else "uncounted"


class DuplicateFound(BaseException):
    """Raised inside ``suggest`` to stop an objective whose trial repeats ``original``.

    A BaseException, so an objective's ``except Exception`` does not swallow it; the trial
    runner catches it and records the trial as a repeat.
    """

    def __init__(self, original: FrozenTrial) -> None:
        super().__init__(f"the parameters repeat those of trial {original.number}")
        self.original = original


class DuplicateIndex:
    """The parameter sets of one study's COMPLETE trials, as seen by this process.

    Trials recorded as repeats are not indexed (their original is). Thread-safe.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._originals: dict[Key, FrozenTrial] = {}
        self._sizes: set[int] = set()  # sizes of the indexed parameter sets
        self._watermark = 0  # every trial numbered below it is finished and indexed
        self._finished_above: set[int] = set()  # finished trials numbered at or above it

    def refresh(self, study: Study) -> None:
        """Index the trials of ``study`` that finished since the last look."""
        trials = study._storage.get_all_trials(study._study_id, deepcopy=False)
        with self._lock:
            start = self._watermark
            if start < len(trials) and trials[start].number != start:
                start = 0  # numbers are not positions: walk everything (adding is idempotent)
            for trial in trials[start:]:
                if trial.number in self._finished_above or not trial.state.is_finished():
                    continue
                self._finished_above.add(trial.number)
                self._add(trial)
            while self._watermark in self._finished_above:
                self._finished_above.discard(self._watermark)
                self._watermark += 1

    def add(self, trial: FrozenTrial) -> None:
        """Index one trial that just finished in this process."""
        with self._lock:
            self._add(trial)

    def _add(self, trial: FrozenTrial) -> None:
        if trial.state != TrialState.COMPLETE or DUPLICATE_KEY in trial.system_attrs:
            return
        key = params_key(trial.params)
        known = self._originals.get(key)
        if known is None or trial.number < known.number:
            self._originals[key] = trial
            self._sizes.add(len(key))

    def lookup(self, params: dict[str, Any]) -> FrozenTrial | None:
        """The COMPLETE trial with exactly ``params`` (the lowest-numbered one), or None."""
        if len(params) not in self._sizes:
            return None
        return self._originals.get(params_key(params))

    def check(self, trial: Trial) -> None:
        """Called after each new parameter of a running trial: stop it if it is a repeat.

        Raises:
            DuplicateFound: If the trial's parameters equal a COMPLETE trial's whole set.
        """
        original = self.lookup(trial._cached.params)
        if original is None or original.number == trial.number:
            return
        if _DELIBERATE_REPEAT_KEY in trial.study._storage.get_trial_system_attrs(trial._trial_id):
            return
        raise DuplicateFound(original)


def _new_index(study: object) -> DuplicateIndex:
    return DuplicateIndex()


# Entries go with their storage object (a StudyCache is keyed weakly by study.key's token).
_INDEXES: StudyCache[DuplicateIndex] = StudyCache(_new_index)


def duplicate_index(study: Study) -> DuplicateIndex:
    """This process's index of ``study``'s COMPLETE trials, brought up to date."""
    index = _INDEXES.get(study)
    index.refresh(study)
    return index


def mark_duplicate(trial: Trial, original: FrozenTrial) -> list[float]:
    """Record on ``trial`` that it repeats ``original``; return the values to tell it with.

    Writes ``"duplicate_of"`` and copies the original's constraint values, so the repeat is
    as feasible as its original.
    """
    trial.set_system_attr(DUPLICATE_KEY, original.number)
    if CONSTRAINTS_KEY in original.system_attrs:
        trial.set_system_attr(CONSTRAINTS_KEY, original.system_attrs[CONSTRAINTS_KEY])
    _logger.info(
        "Trial %d repeats the parameters of trial %d: not evaluated, its values are copied.",
        trial.number,
        original.number,
    )
    assert original.values is not None  # a COMPLETE trial has values
    return list(original.values)


def find_duplicate(study: Study, trial: Trial | FrozenTrial) -> FrozenTrial | None:
    """The COMPLETE trial of ``study`` whose parameters are exactly ``trial``'s, or None.

    For ask-and-tell: call it once the trial has suggested all its parameters; when it
    returns a trial, finish the new one with :func:`tell_duplicate` instead of evaluating
    it. Parameter sets are equal when they hold the same names with equal values of the
    same type (floats compared as stored). A trial whose parameters are a prefix of a
    COMPLETE trial's set has no duplicate. Trials recorded as repeats are never returned
    (their original is); of several COMPLETE trials with the same parameters, the
    lowest-numbered one is.

    Args:
        study: The study.
        trial: A trial of ``study``: the running :class:`~albacore.trial.Trial` from
            ``study.ask()``, or a :class:`~albacore.trial.FrozenTrial`.

    Returns:
        A copy of the original COMPLETE trial, or None.

    Raises:
        TypeError: If ``trial`` is neither a Trial nor a FrozenTrial.

    Example:
        .. code-block:: python

            trial = study.ask()
            x = trial.suggest_int("x", 0, 9)
            original = albacore.study.find_duplicate(study, trial)
            if original is not None:
                albacore.study.tell_duplicate(study, trial, original)
            else:
                study.tell(trial, (x - 3) ** 2)
    """
    if not isinstance(trial, (Trial, FrozenTrial)):
        raise TypeError(f"find_duplicate: trial must be a Trial or a FrozenTrial, got trial={trial!r}")
    original = duplicate_index(study).lookup(trial.params)
    if original is None or original.number == trial.number:
        return None
    return copy.deepcopy(original)


def tell_duplicate(study: Study, trial: Trial, original: FrozenTrial) -> FrozenTrial:
    """Finish ``trial`` as a repeat of ``original``, without evaluating it.

    The trial becomes COMPLETE with ``original``'s values, its system attribute
    ``"duplicate_of"`` holds ``original.number``, and ``original``'s constraint values are
    copied. This is what ``optimize(skip_duplicates=True)`` records.

    Args:
        study: The study.
        trial: The running trial from ``study.ask()``.
        original: The COMPLETE trial it repeats, as returned by :func:`find_duplicate`.

    Returns:
        The finished trial.

    Raises:
        TypeError: If ``trial`` is not a Trial or ``original`` not a FrozenTrial.
        ValueError: If ``original`` is not COMPLETE or its parameters differ from the trial's.
    """
    if not isinstance(trial, Trial):
        raise TypeError(f"tell_duplicate: trial must be a Trial from study.ask(), got trial={trial!r}")
    if not isinstance(original, FrozenTrial):
        raise TypeError(f"tell_duplicate: original must be a FrozenTrial, got original={original!r}")
    if original.state != TrialState.COMPLETE:
        raise ValueError(
            f"tell_duplicate: original must be a COMPLETE trial, got trial {original.number} in state "
            f"{original.state.name}"
        )
    if params_key(original.params) != params_key(trial.params):
        raise ValueError(
            f"tell_duplicate: trial {trial.number} has params={trial.params!r}, which differ from those of "
            f"original trial {original.number}, params={original.params!r}"
        )
    return study.tell(trial, mark_duplicate(trial, original))


class DuplicateTally:
    """The optimize loop's count of repeats: which give their trial back to the budget.

    Args:
        counted: Whether repeats count against ``n_trials`` (``skip_duplicates="count"``).
    """

    def __init__(self, counted: bool) -> None:
        self.counted = counted
        self.in_a_row = 0

    def gives_back(self, trial: FrozenTrial | None) -> bool:
        """Account for a finished trial; True if it is a repeat that does not count."""
        if trial is None or DUPLICATE_KEY not in trial.system_attrs:
            self.in_a_row = 0
            return False
        self.in_a_row += 1
        if self.in_a_row == MAX_DUPLICATES_IN_A_ROW and not self.counted:
            _logger.warning(
                "optimize(skip_duplicates=True): %d trials in a row repeated finished ones, so the "
                "sampler may have nothing new left to propose; optimize ends here.",
                MAX_DUPLICATES_IN_A_ROW,
            )
        return not self.counted

    @property
    def exhausted(self) -> bool:
        """Whether uncounted repeats came ``MAX_DUPLICATES_IN_A_ROW`` times in a row."""
        return not self.counted and self.in_a_row >= MAX_DUPLICATES_IN_A_ROW
