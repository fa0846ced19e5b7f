"""The contract every artifact store meets."""

from __future__ import annotations

from typing import BinaryIO, Protocol, runtime_checkable


@runtime_checkable
class ArtifactStore(Protocol):
    """Where artifact files live: a flat namespace of ids, each naming one immutable blob.

    An artifact store is a plain object with three methods; it needs no base class (any
    object with them is accepted, so a wrapper such as :class:`~albacore.artifacts.Backoff`
    or a user's own store works the same). Stores hold only the bytes: which artifact
    belongs to which study or trial, and its file name and MIME type, live in the study's
    storage (see :func:`~albacore.artifacts.upload_artifact`).

    **Ids.** :func:`~albacore.artifacts.upload_artifact` picks a fresh random id for every
    upload, so a store never sees the same id written twice by it and writers in different
    processes never collide.

    **write(artifact_id, content_body).** Stores everything that can still be read from the
    binary file object ``content_body`` under ``artifact_id``. It either stores the whole
    content or raises; a reader must never see a partly written artifact. It must not
    close ``content_body``.

    **open_reader(artifact_id).** Returns a binary file object positioned at the start of
    the content; the caller closes it. Raises
    :class:`~albacore.artifacts.exceptions.ArtifactNotFound` for an unknown id.

    **remove(artifact_id).** Deletes the artifact; raises
    :class:`~albacore.artifacts.exceptions.ArtifactNotFound` for an unknown id.

    Stores are used from several threads and processes at once; each method is safe to call
    concurrently for different ids.
    """

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Return a binary file object reading the artifact ``artifact_id``."""
        ...

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Store the rest of ``content_body`` as the artifact ``artifact_id``."""
        ...

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact ``artifact_id``."""
        ...


_METHODS = ("open_reader", "write", "remove")


def check_store(store: object, argument: str, caller: str) -> None:
    """Raise TypeError unless ``store`` has the three store methods."""
    missing = [name for name in _METHODS if not callable(getattr(store, name, None))]
    if missing:
        raise TypeError(
            f"{caller}: {argument} must be an artifact store with open_reader, write and remove "
            f"methods (e.g. FileSystemArtifactStore), got {argument}={store!r} (missing: {', '.join(missing)})"
        )


def check_bucket_name(bucket_name: object, owner: str) -> None:
    """Raise TypeError/ValueError unless ``bucket_name`` is a non-empty string."""
    if not isinstance(bucket_name, str):
        raise TypeError(f"{owner}: bucket_name must be a string, got bucket_name={bucket_name!r}")
    if not bucket_name:
        raise ValueError(f"{owner}: bucket_name must not be empty, got bucket_name=''")
