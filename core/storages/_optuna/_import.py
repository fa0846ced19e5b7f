"""Writing the studies read from an Optuna storage into an albacore storage."""

from __future__ import annotations

from collections.abc import Sequence

from albacore.exceptions import DuplicatedStudyError
from albacore.storages._base import BaseStorage
from albacore.storages._optuna._types import OptunaStudy, read_optuna_studies
from albacore.storages._resolve import get_storage


def _select(source: str, studies: list[OptunaStudy], study_names: Sequence[str] | None) -> list[OptunaStudy]:
    if study_names is None:
        if not studies:
            raise ValueError(f"the Optuna storage {source!r} holds no study to import")
        return studies
    if isinstance(study_names, str) or not all(isinstance(n, str) for n in study_names):
        raise TypeError(f"study_names must be a sequence of str or None, got study_names={study_names!r}")
    by_name = {s.name: s for s in studies}
    missing = [n for n in study_names if n not in by_name]
    if missing:
        raise KeyError(
            f"no study named {missing[0]!r} in the Optuna storage {source!r} "
            f"(it holds {sorted(by_name)!r})"
        )
    return [by_name[n] for n in dict.fromkeys(study_names)]


def import_optuna_studies(
    source: str,
    to_storage: str | BaseStorage,
    study_names: Sequence[str] | None = None,
    to_study_name: str | None = None,
) -> list[str]:
    """Copy studies of an Optuna 5.0 database or journal file into an albacore storage.

    Everything a trial holds comes along: number, state, values, datetimes, parameters with
    their distributions, intermediate values (NaN and infinities included), and user and
    system attributes; and each study's directions and attributes. Nothing is written to
    the source. Every check (the studies exist, the target names are free) runs before the
    first write, and a failure while writing removes what this call wrote.

    Args:
        source: An Optuna database URL or journal file (path or ``journal://`` URL).
        to_storage: The albacore storage (or its URL) to write to.
        study_names: Names of the studies to import; None imports every study.
        to_study_name: Name of the copy in ``to_storage`` when one study is imported; its
            Optuna name when None.

    Returns:
        The names of the studies written to ``to_storage``.

    Raises:
        ValueError: If ``source`` is not an Optuna storage, holds no study, or
            ``to_study_name`` is given for several studies.
        KeyError: If a study of ``study_names`` is not in ``source``.
        DuplicatedStudyError: If ``to_storage`` already has a study of that name.

    Example:
        .. code-block:: python

            from albacore.storages._optuna import import_optuna_studies

            import_optuna_studies("sqlite:///optuna.db", "sqlite:///albacore.db")
    """
    if to_study_name is not None and not isinstance(to_study_name, str):
        raise TypeError(f"to_study_name must be a str or None, got to_study_name={to_study_name!r}")
    chosen = _select(source, read_optuna_studies(source), study_names)
    if to_study_name is not None and len(chosen) != 1:
        raise ValueError(
            f"to_study_name={to_study_name!r} names one study, but {len(chosen)} studies are imported; "
            f"pass one study name"
        )
    target = get_storage(to_storage)
    names = [to_study_name or study.name for study in chosen]
    taken = {s.study_name for s in target.get_all_studies()}
    for name in names:
        if name in taken:
            raise DuplicatedStudyError(f"the target storage already has a study named {name!r}; nothing was imported")
    written: list[int] = []
    try:
        for study, name in zip(chosen, names):
            study_id = target.create_new_study(study.directions, name)
            written.append(study_id)
            for key, value in study.system_attrs.items():
                target.set_study_system_attr(study_id, key, value)
            for key, value in study.user_attrs.items():
                target.set_study_user_attr(study_id, key, value)
            for trial in study.trials:
                target.create_new_trial(study_id, template_trial=trial)
    except BaseException:
        for study_id in written:
            target.delete_study(study_id)
        raise
    return names
