"""download_artifact: copy an artifact out of its store into a new local file."""

from __future__ import annotations

import contextlib
import os
import shutil
from typing import TYPE_CHECKING

from albacore.artifacts._protocol import check_store

if TYPE_CHECKING:
    from albacore.artifacts._protocol import ArtifactStore

_CALLER = "download_artifact()"


def download_artifact(*, artifact_store: ArtifactStore, file_path: str | os.PathLike[str], artifact_id: str) -> None:
    """Download an artifact from its store into a new file.

    The file is created only once the store has found the artifact, and it is removed again
    if the copy fails half way, so a failed download leaves nothing behind. An existing
    file is never overwritten.

    Args:
        artifact_store: The store the artifact was uploaded to.
        file_path: Where to write it; must not exist yet.
        artifact_id: The id returned by :func:`upload_artifact` (or an
            :class:`ArtifactMeta`'s ``artifact_id``).

    Raises:
        FileExistsError: If ``file_path`` exists.
        ArtifactNotFound: If the store holds no artifact ``artifact_id`` (also a KeyError).
        TypeError: If an argument has the wrong type.

    Example:
        .. code-block:: python

            for meta in get_all_artifact_meta(study.best_trial, storage=storage):
                download_artifact(artifact_store=store, file_path=meta.filename, artifact_id=meta.artifact_id)
    """
    check_store(artifact_store, "artifact_store", _CALLER)
    if not isinstance(artifact_id, str):
        raise TypeError(f"{_CALLER}: artifact_id must be a string, got artifact_id={artifact_id!r}")
    if not isinstance(file_path, (str, os.PathLike)):
        raise TypeError(f"{_CALLER}: file_path must be a str or os.PathLike, got file_path={file_path!r}")
    path = os.fspath(file_path)
    if os.path.lexists(path):
        raise FileExistsError(f"{_CALLER}: file_path={path!r} already exists; download to a new path")
    with contextlib.closing(artifact_store.open_reader(artifact_id)) as reader:
        try:
            writer = open(path, "xb")  # exclusive: a file created meanwhile is not overwritten
        except FileExistsError:
            raise FileExistsError(f"{_CALLER}: file_path={path!r} already exists; download to a new path") from None
        try:
            with writer:
                shutil.copyfileobj(reader, writer)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(path)
            raise
