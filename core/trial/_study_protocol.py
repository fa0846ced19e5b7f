"""The study surface seen by the layers below ``albacore.study``.

Trials, storages' helpers, samplers and pruners are handed a study but sit below the
``study`` package in the module map, so they name its type through these protocols rather
than importing :class:`albacore.Study`:

* :class:`StudyLike`: what samplers and pruners may use. ``albacore.Study`` satisfies it, and
  so does :class:`albacore.pruners.StudyView` (a study seen through a filter on its trials).
* :class:`StudyHandle`: a real study, as a trial and the storages' helpers use it (its
  storage and its id there).
* :class:`StudyReader`: what :mod:`albacore.visualization` and :mod:`albacore.importance`
  read of a study: its name, directions and trials. ``albacore.Study`` satisfies it, and so
  do the read-only views the dashboard draws its figures from.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any, Protocol

from albacore._study_types import StudyDirection
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState


class StudyReader(Protocol):
    """The read-only part of a study that plots and importance evaluators use.

    Example:
        .. code-block:: python

            def n_trials(study: StudyReader) -> int:
                return len(study.get_trials(deepcopy=False))
    """

    @property
    def study_name(self) -> str: ...

    @property
    def directions(self) -> list[StudyDirection]: ...

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]: ...


class StudyLike(Protocol):
    """What samplers and pruners may use of a study (or of a view of one).

    ``sampler`` and ``pruner`` are typed ``Any`` here because their classes live in a higher
    layer; on :class:`albacore.Study` they are a ``BaseSampler`` and a ``BasePruner``.

    Example:
        .. code-block:: python

            def n_complete(study: StudyLike) -> int:
                return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
    """

    @property
    def study_name(self) -> str: ...

    @property
    def key(self) -> tuple[Any, ...]:
        """A hashable name of the study within this process, for per-study caches."""
        ...

    @property
    def sampler(self) -> Any: ...

    @property
    def pruner(self) -> Any: ...

    @property
    def direction(self) -> StudyDirection: ...

    @property
    def directions(self) -> list[StudyDirection]: ...

    @property
    def metric_names(self) -> list[str] | None: ...

    @property
    def trials(self) -> list[FrozenTrial]: ...

    @property
    def best_trial(self) -> FrozenTrial: ...

    @property
    def system_attrs(self) -> dict[str, Any]: ...

    @property
    def user_attrs(self) -> dict[str, Any]: ...

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]: ...

    def set_system_attr(self, key: str, value: Any) -> None: ...

    def set_system_attr_if(self, key: str, expected: Any, value: Any) -> bool: ...

    def set_trial_system_attr(self, trial: FrozenTrial | int, key: str, value: Any) -> None: ...


class StudyHandle(StudyLike, Protocol):
    """A real study (not a view), as a trial and the storages' helpers use it.

    ``_storage`` is typed ``Any`` here because ``BaseStorage`` lives in a higher layer.
    """

    _storage: Any
    _study_id: int

    def add_trial(self, trial: FrozenTrial) -> None: ...
