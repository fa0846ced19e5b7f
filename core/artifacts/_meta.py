"""Artifact metadata and where it is kept in the study's storage.

Layout (system attributes, each value a JSON text of the four :class:`ArtifactMeta` fields):

- an artifact of a study: study attr ``artifacts:<artifact_id>``;
- an artifact uploaded while its trial is unfinished: trial attr ``artifacts:<artifact_id>``;
- an artifact uploaded to a finished trial: study attr
  ``artifacts:trial:<trial_id>:<artifact_id>``, since a finished trial never changes (its
  snapshot may be cached forever by every worker), while study attributes are re-read.

Every artifact has a key of its own, so concurrent uploads never overwrite each other.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from typing import Any

PREFIX = "artifacts:"
_FINISHED_TRIAL_PREFIX = PREFIX + "trial:"


@dataclasses.dataclass(frozen=True)
class ArtifactMeta:
    """What the study's storage records about one uploaded artifact.

    Listed by :func:`~albacore.artifacts.get_all_artifact_meta`; pass its ``artifact_id`` to
    :func:`~albacore.artifacts.download_artifact`.

    Args:
        artifact_id: The id the artifact is stored under in its artifact store.
        filename: The base name of the uploaded file.
        mimetype: Its MIME type, given to or guessed by ``upload_artifact``
            (``"application/octet-stream"`` when unknown).
        encoding: Its content encoding (e.g. ``"gzip"``, as in an HTTP ``Content-Encoding``
            header), or None.

    Example:
        .. code-block:: python

            for meta in get_all_artifact_meta(study.best_trial, storage=storage):
                print(meta.filename, meta.mimetype)
    """

    artifact_id: str
    filename: str
    mimetype: str
    encoding: str | None


def study_key(artifact_id: str) -> str:
    return PREFIX + artifact_id


def trial_key(artifact_id: str) -> str:
    return PREFIX + artifact_id


def finished_trial_key(trial_id: int, artifact_id: str) -> str:
    return f"{_FINISHED_TRIAL_PREFIX}{trial_id}:{artifact_id}"


def encode(meta: ArtifactMeta) -> str:
    return json.dumps(dataclasses.asdict(meta))


def _decode(key: str, value: Any) -> ArtifactMeta:
    try:
        fields = json.loads(value)
        return ArtifactMeta(
            artifact_id=fields["artifact_id"], filename=fields["filename"],
            mimetype=fields["mimetype"], encoding=fields["encoding"],
        )
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"system attribute {key!r} is not artifact metadata: {value!r} ({exc})") from None


def study_metas(study_attrs: dict[str, Any]) -> list[ArtifactMeta]:
    """The study's own artifacts (not those of its finished trials)."""
    return _metas(
        (k, v) for k, v in study_attrs.items() if k.startswith(PREFIX) and not k.startswith(_FINISHED_TRIAL_PREFIX)
    )


def trial_metas(trial_attrs: dict[str, Any], study_attrs: dict[str, Any] | None, trial_id: int) -> list[ArtifactMeta]:
    """A trial's artifacts: those in its own attributes, then those recorded after it finished."""
    found = [(k, v) for k, v in trial_attrs.items() if k.startswith(PREFIX)]
    if study_attrs is not None:
        own = f"{_FINISHED_TRIAL_PREFIX}{trial_id}:"
        found += [(k, v) for k, v in study_attrs.items() if k.startswith(own)]
    return _metas(found)


def _metas(items: Iterable[tuple[str, Any]]) -> list[ArtifactMeta]:
    return [_decode(key, value) for key, value in items]
