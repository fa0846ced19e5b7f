"""Keep the files trials produce (fitted models, predictions, reports) as artifacts.

Each trial fits a polynomial to noisy data with numpy, saves its predictions as CSV and
uploads them to a file-system artifact store; the study's SQLite storage records which
file belongs to which trial, so any process opening the study can list and download them.
At the end a JSON summary is attached to the study itself and the best trial's
predictions are downloaded back.

Run:
    python examples/artifacts.py                      # 30 trials in a temporary directory
    python examples/artifacts.py --trials 10 --dir ./artifacts-demo
"""

from __future__ import annotations

import argparse
import json
import pathlib
import tempfile

import numpy as np

import albacore
from albacore.artifacts import FileSystemArtifactStore, download_artifact, get_all_artifact_meta, upload_artifact


def main() -> None:
    parser = argparse.ArgumentParser(description="Upload and download trial artifacts")
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--dir", default=None, help="working directory (default: a new temporary one)")
    args = parser.parse_args()

    workdir = pathlib.Path(args.dir or tempfile.mkdtemp(prefix="albacore-artifacts-"))
    workdir.mkdir(parents=True, exist_ok=True)
    storage = albacore.storages.get_storage(f"sqlite:///{workdir / 'study.db'}")
    store = FileSystemArtifactStore(workdir / "artifacts")

    rng = np.random.default_rng(0)
    x = np.linspace(-1, 1, 200)
    y = np.sin(3 * x) + rng.normal(scale=0.1, size=x.size)
    train, valid = np.arange(x.size) % 4 != 0, np.arange(x.size) % 4 == 0

    def objective(trial: albacore.Trial) -> float:
        degree = trial.suggest_int("degree", 1, 12)
        ridge = trial.suggest_float("ridge", 1e-8, 1.0, log=True)
        features = np.vander(x, degree + 1)
        a = features[train]
        coefficients = np.linalg.solve(a.T @ a + ridge * np.eye(degree + 1), a.T @ y[train])
        prediction = features @ coefficients
        path = workdir / f"predictions-{trial.number}.csv"
        np.savetxt(path, np.column_stack([x, y, prediction]), delimiter=",", header="x,y,prediction", comments="")
        upload_artifact(artifact_store=store, file_path=path, study_or_trial=trial)
        return float(np.mean((prediction[valid] - y[valid]) ** 2))

    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.create_study(storage=storage, study_name="artifacts", load_if_exists=True)
    study.optimize(objective, n_trials=args.trials)

    best = study.best_trial
    summary = workdir / "summary.json"
    summary.write_text(json.dumps({"best_trial": best.number, "best_params": best.params, "best_mse": best.value}))
    upload_artifact(artifact_store=store, file_path=summary, study_or_trial=study)

    n_artifacts = sum(len(get_all_artifact_meta(t, storage=storage)) for t in study.trials)
    print(f"trials: {len(study.trials)}, trial artifacts: {n_artifacts}")
    (meta,) = get_all_artifact_meta(best, storage=storage)
    print(f"best trial: {best.number}, artifact: {meta.filename} ({meta.mimetype}), mse: {best.value:.5f}")
    target = workdir / f"downloaded-{meta.filename}"
    target.unlink(missing_ok=True)
    download_artifact(artifact_store=store, file_path=target, artifact_id=meta.artifact_id)
    same = target.read_bytes() == (workdir / meta.filename).read_bytes()
    print(f"downloaded {target.name}: {target.stat().st_size} bytes, identical to the upload: {same}")
    print(f"study artifacts: {[m.filename for m in get_all_artifact_meta(study)]}")


if __name__ == "__main__":
    main()
