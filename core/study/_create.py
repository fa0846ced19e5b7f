"""Creating, loading, deleting and copying studies."""

from __future__ import annotations

from collections.abc import Sequence

from albacore._study_types import StudyDirection
from albacore._validation import check_type
from albacore.exceptions import DuplicatedStudyError
from albacore.logging import get_logger
from albacore.pruners._base import BasePruner
from albacore.samplers._base import BaseSampler
from albacore.storages._base import BaseStorage
from albacore.study._summary import StudySummary, summarize
from albacore.study.study import Study

_logger = get_logger(__name__)


def resolve_storage(storage: str | BaseStorage | None) -> BaseStorage:
    """Turn ``None`` (in-memory), a storage URL or a storage object into a storage."""
    from albacore.storages._resolve import get_storage

    return get_storage(storage)


def default_sampler() -> BaseSampler:
    """The sampler a study uses when none is given: :class:`~albacore.samplers.AutoSampler`,
    for one objective or several (on ``benchmarks/quality.py`` it beat TPE on the suite score
    and on each task class: see ``benchmarks/results/quality_auto*.txt``)."""
    from albacore.samplers._auto import AutoSampler

    return AutoSampler(seed=None)


def default_pruner() -> BasePruner:
    """The pruner a study uses when none is given."""
    from albacore.pruners._median import MedianPruner

    return MedianPruner()


def _parse_direction(direction: str | StudyDirection, argument: str) -> StudyDirection:
    if isinstance(direction, StudyDirection) and direction != StudyDirection.NOT_SET:
        return direction
    if isinstance(direction, str) and direction.lower() in ("minimize", "maximize"):
        return StudyDirection.MINIMIZE if direction.lower() == "minimize" else StudyDirection.MAXIMIZE
    raise ValueError(f"create_study: {argument} must be 'minimize' or 'maximize', got {direction!r}")


def _parse_directions(
    direction: str | StudyDirection | None, directions: Sequence[str | StudyDirection] | None
) -> list[StudyDirection]:
    if direction is not None and directions is not None:
        raise ValueError(
            f"create_study: give direction or directions, not both, got direction={direction!r} "
            f"and directions={directions!r}"
        )
    if directions is None:
        return [_parse_direction(direction if direction is not None else "minimize", "direction")]
    if isinstance(directions, str) or not isinstance(directions, Sequence) or len(directions) == 0:
        raise ValueError(f"create_study: directions must be a non-empty list, got directions={directions!r}")
    return [_parse_direction(d, "each of directions") for d in directions]


def create_study(
    *,
    storage: str | BaseStorage | None = None,
    sampler: BaseSampler | None = None,
    pruner: BasePruner | None = None,
    study_name: str | None = None,
    direction: str | StudyDirection | None = None,
    load_if_exists: bool = False,
    directions: Sequence[str | StudyDirection] | None = None,
) -> Study:
    """Create a new study.

    Args:
        storage: Where the study lives: None for this process's memory, a URL such as
            ``"sqlite:///albacore.db"``, or a storage object.
        sampler: Sampler choosing parameters; :class:`~albacore.samplers.AutoSampler` when None.
        pruner: Pruner stopping unpromising trials; the default pruner when None.
        study_name: Unique name in the storage; generated when None.
        direction: ``"minimize"`` (default) or ``"maximize"`` for one objective.
        load_if_exists: If a study named ``study_name`` exists, load it instead of failing.
        directions: One direction per objective, for multi-objective studies.

    Returns:
        The :class:`Study`.

    Raises:
        DuplicatedStudyError: If ``study_name`` exists and ``load_if_exists`` is False.
        TypeError: If ``study_name`` is neither a str nor None.
        ValueError: On a bad direction, or both ``direction`` and ``directions``.

    Example:
        .. code-block:: python

            study = albacore.create_study(direction="maximize", study_name="accuracy")
    """
    check_type("create_study", "study_name", study_name, str, "a str", allow_none=True)
    parsed = _parse_directions(direction, directions)
    backend = resolve_storage(storage)
    try:
        study_id = backend.create_new_study(parsed, study_name)
    except DuplicatedStudyError:
        if not load_if_exists:
            raise
        assert study_name is not None
        existing = backend.get_study_directions(backend.get_study_id_from_name(study_name))
        if existing != parsed and (direction is not None or directions is not None):
            raise ValueError(
                f"create_study: study {study_name!r} exists with directions "
                f"{[d.name.lower() for d in existing]}, not {[d.name.lower() for d in parsed]}"
            ) from None
        _logger.info("Using the existing study %r.", study_name)
        return Study(study_name, backend, sampler, pruner)
    name = backend.get_study_name_from_id(study_id)
    _logger.info("Created study %r.", name)
    return Study(name, backend, sampler, pruner)


def load_study(
    *,
    study_name: str | None,
    storage: str | BaseStorage,
    sampler: BaseSampler | None = None,
    pruner: BasePruner | None = None,
) -> Study:
    """Load an existing study.

    Args:
        study_name: Its name; may be None when the storage holds exactly one study.
        storage: The storage or URL holding it.
        sampler: Sampler for this handle; the default sampler when None.
        pruner: Pruner for this handle; the default pruner when None.

    Raises:
        KeyError: If no study has that name.
        TypeError: If ``study_name`` is neither a str nor None.
        ValueError: If ``study_name`` is None and the storage does not hold exactly one study.
    """
    backend = resolve_storage(storage)
    check_type("load_study", "study_name", study_name, str, "a str", allow_none=True)
    if study_name is None:
        names = [s.study_name for s in backend.get_all_studies()]
        if len(names) != 1:
            raise ValueError(
                f"load_study: study_name is required when the storage holds {len(names)} studies: {names}"
            )
        study_name = names[0]
    backend.get_study_id_from_name(study_name)  # KeyError naming it
    return Study(study_name, backend, sampler, pruner)


def delete_study(*, study_name: str, storage: str | BaseStorage) -> None:
    """Delete a study and all its trials.

    Raises:
        KeyError: If no study has that name.
    """
    backend = resolve_storage(storage)
    check_type("delete_study", "study_name", study_name, str, "a str")
    backend.delete_study(backend.get_study_id_from_name(study_name))


def copy_study(
    *,
    from_study_name: str,
    from_storage: str | BaseStorage,
    to_storage: str | BaseStorage,
    to_study_name: str | None = None,
) -> None:
    """Copy a study, with its attributes and trials, to another storage (or name).

    ``from_storage`` may also be an Optuna 5.0 database URL or journal file (path or
    ``journal://`` URL): the study is then read from it, without Optuna, and written losslessly.

    Args:
        from_study_name: Name of the study to copy.
        from_storage: Storage holding it (albacore, or an Optuna database or journal file).
        to_storage: Destination storage.
        to_study_name: Name of the copy; the same name when None.

    Raises:
        KeyError: If the source study does not exist.
        DuplicatedStudyError: If the destination name is taken.
    """
    from albacore.storages._optuna import import_optuna_studies, is_optuna_source

    if is_optuna_source(from_storage):
        import_optuna_studies(str(from_storage), to_storage, [from_study_name], to_study_name)
        return
    source = load_study(study_name=from_study_name, storage=from_storage)
    target = create_study(
        storage=to_storage,
        study_name=to_study_name or from_study_name,
        directions=source.directions,
    )
    for key, value in source.system_attrs.items():
        target.set_system_attr(key, value)
    for key, value in source.user_attrs.items():
        target.set_user_attr(key, value)
    target.add_trials(source.get_trials(deepcopy=False))


def get_all_study_names(storage: str | BaseStorage) -> list[str]:
    """Names of every study in ``storage``."""
    return [s.study_name for s in resolve_storage(storage).get_all_studies()]


def get_all_study_summaries(storage: str | BaseStorage, include_best_trial: bool = True) -> list[StudySummary]:
    """Summaries (name, directions, number of trials, best trial...) of every study in ``storage``.

    Args:
        storage: The storage or URL.
        include_best_trial: Compute each single-objective study's best trial.
    """
    backend = resolve_storage(storage)
    return [summarize(backend, frozen, include_best_trial) for frozen in backend.get_all_studies()]
