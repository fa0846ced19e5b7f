"""The study surface seen by the layers below ``albacore.study``.

Trials, storages' helpers, samplers and pruners are handed a study but sit below the
``study`` package in the module map, so they name its type through :class:`StudyLike`
rather than importing :class:`albacore.Study`. ``albacore.Study`` satisfies it, and so does
a read-only view of a study (the Hyperband pruner's bracket view, for one).
"""

from __future__ import annotations

from typing import Any, Container, Protocol

from albacore._study_types import StudyDirection
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState


class StudyLike(Protocol):
    """What code below ``albacore.study`` may use of a study.

    ``sampler``, ``pruner`` and ``_storage`` are typed ``Any`` here because their classes live
    in higher layers (``samplers``, ``pruners``, ``storages``); on :class:`albacore.Study`
    they are a ``BaseSampler``, a ``BasePruner`` and a ``BaseStorage``.

    Example:
        .. code-block:: python

            def n_complete(study: StudyLike) -> int:
                return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))
    """

    study_name: str
    sampler: Any
    pruner: Any
    _storage: Any
    _study_id: Any  # the study's id in its storage

    @property
    def key(self) -> tuple[Any, ...]:
        """A hashable name of the study within this process, for per-study caches."""
        ...

    @property
    def direction(self) -> StudyDirection: ...

    @property
    def directions(self) -> list[StudyDirection]: ...

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

    def add_trial(self, trial: FrozenTrial) -> None: ...

    def stop(self) -> None: ...
