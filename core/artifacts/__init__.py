"""Artifacts: files (models, plots, logs) attached to studies and trials.

The bytes live in an artifact store (:class:`FileSystemArtifactStore`,
:class:`Boto3ArtifactStore`, :class:`GCSArtifactStore`, optionally wrapped in
:class:`Backoff`); what each artifact is and whom it belongs to lives in the study's
storage, so every worker sharing the storage sees every upload.

Example:
    .. code-block:: python

        import albacore
        from albacore.artifacts import FileSystemArtifactStore, get_all_artifact_meta, upload_artifact

        store = FileSystemArtifactStore("./artifacts")

        def objective(trial):
            x = trial.suggest_float("x", -10, 10)
            with open("result.txt", "w") as f:
                f.write(f"x={x}")
            upload_artifact(artifact_store=store, file_path="result.txt", study_or_trial=trial)
            return (x - 2) ** 2

        storage = albacore.storages.InMemoryStorage()
        study = albacore.create_study(storage=storage)
        study.optimize(objective, n_trials=10)
        for meta in get_all_artifact_meta(study.best_trial, storage=storage):
            print(meta.filename, meta.artifact_id)
"""

from albacore.artifacts import exceptions
from albacore.artifacts._backoff import Backoff
from albacore.artifacts._boto3 import Boto3ArtifactStore
from albacore.artifacts._download import download_artifact
from albacore.artifacts._filesystem import FileSystemArtifactStore
from albacore.artifacts._gcs import GCSArtifactStore
from albacore.artifacts._list import get_all_artifact_meta
from albacore.artifacts._meta import ArtifactMeta
from albacore.artifacts._protocol import ArtifactStore
from albacore.artifacts._upload import upload_artifact

__all__ = [
    "ArtifactMeta",
    "ArtifactStore",
    "Backoff",
    "Boto3ArtifactStore",
    "FileSystemArtifactStore",
    "GCSArtifactStore",
    "download_artifact",
    "exceptions",
    "get_all_artifact_meta",
    "upload_artifact",
]
