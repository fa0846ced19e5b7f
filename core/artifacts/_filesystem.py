"""An artifact store in a directory: local disk or a file system every worker mounts."""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path
from typing import BinaryIO

from albacore.artifacts.exceptions import ArtifactNotFound


class FileSystemArtifactStore:
    """Store artifacts as files under a directory.

    Point every worker at the same directory (a network file system for workers on several
    machines). Each artifact is one file named by its id; it is written to a temporary file
    beside it and renamed into place, so readers never see a partly written artifact. The
    directory is created on the first write if it does not exist.

    Args:
        base_path: The directory holding the artifacts.

    Raises:
        TypeError: If ``base_path`` is not a path.
        ValueError: If ``base_path`` exists and is not a directory.

    Example:
        .. code-block:: python

            import albacore
            from albacore.artifacts import FileSystemArtifactStore, upload_artifact

            store = FileSystemArtifactStore("./artifacts")

            def objective(trial):
                x = trial.suggest_float("x", -10, 10)
                path = f"trial-{trial.number}.txt"
                with open(path, "w") as f:
                    f.write(f"x={x}")
                upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
                return x**2
    """

    def __init__(self, base_path: str | os.PathLike[str]) -> None:
        if not isinstance(base_path, (str, os.PathLike)):
            raise TypeError(
                f"FileSystemArtifactStore: base_path must be a str or os.PathLike, got base_path={base_path!r}"
            )
        path = Path(base_path)
        if path.exists() and not path.is_dir():
            raise ValueError(f"FileSystemArtifactStore: base_path={str(path)!r} exists and is not a directory")
        self._base_path = path

    def __repr__(self) -> str:
        return f"FileSystemArtifactStore(base_path={str(self._base_path)!r})"

    def _path_of(self, artifact_id: str) -> Path:
        if not isinstance(artifact_id, str) or not artifact_id:
            raise ValueError(f"{self!r}: artifact_id must be a non-empty string, got artifact_id={artifact_id!r}")
        base = os.path.abspath(self._base_path)
        path = os.path.abspath(os.path.join(base, artifact_id))
        if os.path.isabs(artifact_id) or os.path.commonpath([base, path]) != base or path == base:
            raise ValueError(
                f"{self!r}: artifact_id must name a file inside base_path, got artifact_id={artifact_id!r}"
            )
        return Path(path)

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """Open the artifact's file for reading (the caller closes it).

        Raises:
            ArtifactNotFound: If there is no artifact ``artifact_id``.
        """
        path = self._path_of(artifact_id)
        try:
            return open(path, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ArtifactNotFound(f"{self!r} has no artifact with artifact_id={artifact_id!r}") from None

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """Write the rest of ``content_body`` as the artifact ``artifact_id``, all or nothing."""
        path = self._path_of(artifact_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Opened like any new file (not mkstemp's owner-only mode), so the umask decides who
        # may read it, as for the other files a team shares.
        temp = path.parent / f".{path.name}.{uuid.uuid4().hex}.part"
        try:
            with open(temp, "xb") as out:
                shutil.copyfileobj(content_body, out)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.remove(temp)
            raise

    def remove(self, artifact_id: str) -> None:
        """Delete the artifact ``artifact_id``.

        Raises:
            ArtifactNotFound: If there is no artifact ``artifact_id``.
        """
        path = self._path_of(artifact_id)
        try:
            os.remove(path)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ArtifactNotFound(f"{self!r} has no artifact with artifact_id={artifact_id!r}") from None
