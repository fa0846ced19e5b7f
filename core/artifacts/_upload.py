"""upload_artifact: put a file into an artifact store and record it in the study's storage."""

from __future__ import annotations

import mimetypes
import os
import uuid
from typing import TYPE_CHECKING

from albacore.artifacts._meta import ArtifactMeta
from albacore.artifacts._protocol import ArtifactStore, check_store
from albacore.artifacts._target import resolve
from albacore.logging import get_logger

if TYPE_CHECKING:
    from albacore.storages import BaseStorage
    from albacore.study import Study
    from albacore.trial import FrozenTrial, Trial

_logger = get_logger(__name__)
_CALLER = "upload_artifact()"
DEFAULT_MIMETYPE = "application/octet-stream"


def upload_artifact(
    *,
    artifact_store: ArtifactStore,
    file_path: str | os.PathLike[str],
    study_or_trial: Trial | FrozenTrial | Study,
    storage: BaseStorage | None = None,
    mimetype: str | None = None,
    encoding: str | None = None,
) -> str:
    """Upload a file to an artifact store and attach it to a study or a trial.

    The bytes go to ``artifact_store`` under a new random id; the metadata (id, file name,
    MIME type, encoding) goes to the study's storage, so every worker sharing the storage
    (and any tool reading it) can list the artifact with :func:`get_all_artifact_meta`.
    The bytes are written first, so recorded metadata always points at a stored artifact;
    if recording fails, the stored bytes are removed again.

    An artifact can be attached to a running :class:`~albacore.trial.Trial` (inside the
    objective), to a :class:`~albacore.trial.FrozenTrial`, running or finished (e.g.
    ``study.best_trial`` after the optimization), or to the :class:`~albacore.Study` itself.

    Args:
        artifact_store: Where the bytes go, e.g. a :class:`FileSystemArtifactStore`.
        file_path: The file to upload.
        study_or_trial: The Study, Trial or FrozenTrial the artifact belongs to.
        storage: The storage of the study; required with a FrozenTrial (which does not know
            its storage), and otherwise left out or the study's own storage.
        mimetype: The MIME type to record; guessed from the file name when None
            (``"application/octet-stream"`` when the name says nothing).
        encoding: The content encoding to record (e.g. ``"gzip"``); guessed from the file
            name when None.

    Returns:
        The id of the new artifact, for :func:`download_artifact`.

    Raises:
        FileNotFoundError: If ``file_path`` does not exist.
        IsADirectoryError: If ``file_path`` is a directory.
        TypeError: If an argument has the wrong type.
        ValueError: If a FrozenTrial comes without its storage, or is not in ``storage``.

    Example:
        .. code-block:: python

            store = FileSystemArtifactStore("./artifacts")

            def objective(trial):
                x = trial.suggest_float("x", -10, 10)
                with open("notes.txt", "w") as f:
                    f.write(f"x={x}")
                upload_artifact(artifact_store=store, file_path="notes.txt", study_or_trial=trial)
                return (x - 2) ** 2
    """
    check_store(artifact_store, "artifact_store", _CALLER)
    path = _checked_file(file_path)
    for name, value in (("mimetype", mimetype), ("encoding", encoding)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{_CALLER}: {name} must be a string or None, got {name}={value!r}")
    target = resolve(study_or_trial, storage, _CALLER)

    filename = os.path.basename(path)
    guessed_type, guessed_encoding = mimetypes.guess_type(filename)
    meta = ArtifactMeta(
        artifact_id=str(uuid.uuid4()),
        filename=filename,
        mimetype=mimetype or guessed_type or DEFAULT_MIMETYPE,
        encoding=encoding if encoding is not None else guessed_encoding,
    )
    with open(path, "rb") as content:
        artifact_store.write(meta.artifact_id, content)
    try:
        target.record(meta)
    except BaseException:
        _remove_orphan(artifact_store, meta.artifact_id)
        raise
    return meta.artifact_id


def _checked_file(file_path: object) -> str:
    if not isinstance(file_path, (str, os.PathLike)):
        raise TypeError(f"{_CALLER}: file_path must be a str or os.PathLike, got file_path={file_path!r}")
    path = os.fspath(file_path)
    if not isinstance(path, str):
        raise TypeError(f"{_CALLER}: file_path must be a text path, got file_path={file_path!r}")
    if os.path.isdir(path):
        raise IsADirectoryError(f"{_CALLER}: file_path must be a file, got the directory file_path={path!r}")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{_CALLER}: file_path={path!r} does not exist")
    return path


def _remove_orphan(artifact_store: ArtifactStore, artifact_id: str) -> None:
    try:
        artifact_store.remove(artifact_id)
    except Exception as exc:  # the original error matters more; say what was left behind
        _logger.warning(
            "upload_artifact(): recording artifact %s in the storage failed, and removing its stored bytes "
            "failed too (%s: %s); the store keeps an unlisted artifact", artifact_id, type(exc).__name__, exc,
        )
