"""get_all_artifact_meta: list the artifacts attached to a study or a trial."""

from __future__ import annotations

from typing import TYPE_CHECKING

from albacore.artifacts._meta import ArtifactMeta
from albacore.artifacts._target import resolve

if TYPE_CHECKING:
    from albacore.storages import BaseStorage
    from albacore.study import Study
    from albacore.trial import FrozenTrial, Trial


def get_all_artifact_meta(
    study_or_trial: Trial | FrozenTrial | Study, *, storage: BaseStorage | None = None
) -> list[ArtifactMeta]:
    """List the artifacts uploaded to a study or to a trial, as the storage has them now.

    For a study, these are the artifacts uploaded to the study itself, not those of its
    trials. The list is read from the storage, so it includes uploads from every worker.

    Args:
        study_or_trial: A Study, Trial or FrozenTrial.
        storage: The storage of the study; required with a FrozenTrial, otherwise left out
            or the study's own storage.

    Returns:
        One :class:`ArtifactMeta` per artifact (an empty list when there is none).

    Raises:
        TypeError: If an argument has the wrong type.
        ValueError: If a FrozenTrial comes without its storage, or is not in ``storage``.

    Example:
        .. code-block:: python

            for trial in study.trials:
                for meta in get_all_artifact_meta(trial, storage=storage):
                    print(trial.number, meta.filename, meta.artifact_id)
    """
    return resolve(study_or_trial, storage, "get_all_artifact_meta()").metas()
