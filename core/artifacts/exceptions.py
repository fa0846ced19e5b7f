"""Exceptions of :mod:`albacore.artifacts`."""

from __future__ import annotations

from albacore.exceptions import AlbacoreError

__all__ = ["ArtifactNotFound"]


class ArtifactNotFound(AlbacoreError, KeyError):
    """Raised when an artifact store holds no artifact with the requested id.

    It is also a :class:`KeyError`, the builtin exception for an unknown key, so code that
    catches either sees it. The message names the artifact id and the store.

    Example:
        .. code-block:: python

            from albacore.artifacts import download_artifact
            from albacore.artifacts.exceptions import ArtifactNotFound

            try:
                download_artifact(artifact_store=store, file_path="model.pt", artifact_id=artifact_id)
            except ArtifactNotFound as exc:
                print(f"gone: {exc}")
    """

    def __str__(self) -> str:
        # KeyError's own __str__ shows the repr of its argument; show the message as written.
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()
