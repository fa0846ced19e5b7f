"""One worker of a study run by plain Kubernetes Jobs on PostgreSQL (see job.yaml).

Every pod of the Job runs this script with the same --storage and --study-name; together
they stop once the study holds --n-trials finished trials. Locally, start it a few times
against any shared storage:

    python examples/distributed/kubernetes/worker.py --storage sqlite:///k8s-demo.db --n-trials 20
"""

from __future__ import annotations

import argparse
import os

import albacore
from albacore.storages import RDBStorage, RetryHeartbeatStaleTrialCallback
from albacore.study import MaxTrialsCallback
from albacore.trial import TrialState


def objective(trial: albacore.Trial) -> float:
    x = trial.suggest_float("x", -5.0, 5.0)
    y = trial.suggest_float("y", -5.0, 5.0)
    return (x - 1.0) ** 2 + (y + 2.0) ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--storage", default=os.environ.get("ALBACORE_STORAGE"), help="Database URL of the study.")
    parser.add_argument("--study-name", default="k8s-demo")
    parser.add_argument("--n-trials", type=int, default=100, help="Finished trials the study should reach.")
    args = parser.parse_args()
    if not args.storage:
        parser.error("--storage (or ALBACORE_STORAGE) is required")
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    storage = RDBStorage(
        args.storage,
        heartbeat_interval=10,
        grace_period=30,  # a pod evicted mid-trial: its trial fails after 30 s and is retried
        heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=2),
    )
    study = albacore.create_study(study_name=args.study_name, storage=storage, load_if_exists=True)
    finished = (TrialState.COMPLETE, TrialState.PRUNED)
    if len(study.get_trials(deepcopy=False, states=finished)) < args.n_trials:
        study.optimize(objective, callbacks=[MaxTrialsCallback(args.n_trials, states=finished)])
    print(f"trials: {len(study.get_trials(deepcopy=False, states=finished))} finished; best {study.best_value:.4f}")


if __name__ == "__main__":
    main()
