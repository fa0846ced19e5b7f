"""A study whose objective is a person: each trial proposes a cookie recipe, and a taster
rates it on the dashboard's trial page ("Tell this trial"), or marks it FAIL.

Run it, open the printed address, and rate each trial as it appears:

    python examples/human_in_the_loop.py --storage sqlite:///cookies.db --n-trials 5

The script starts the dashboard in a background thread, asks one trial at a time and waits
until the page has told it (``study.tell`` semantics: a value makes it COMPLETE). Any other
worker or viewer of the same storage sees the same trials.
"""

from __future__ import annotations

import argparse
import threading
import time

import albacore
from albacore.dashboard import run_server
from albacore.trial import TrialState


def propose(study: albacore.Study) -> albacore.Trial:
    """Ask for a trial and suggest a recipe; the person's rating is its value."""
    trial = study.ask()
    trial.suggest_int("sugar_g", 50, 250, step=10)
    trial.suggest_float("baking_minutes", 8.0, 16.0, step=0.5)
    trial.suggest_categorical("chocolate", ["none", "milk", "dark"])
    return trial


def wait_for_rating(study: albacore.Study, number: int, poll_seconds: float) -> albacore.trial.FrozenTrial:
    """Block until trial ``number`` has been told (from the page or by anyone else)."""
    while True:
        trial = study.get_trials(deepcopy=False)[number]
        if trial.state != TrialState.RUNNING:
            return trial
        time.sleep(poll_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--storage", default="sqlite:///human_in_the_loop.db")
    parser.add_argument("--n-trials", type=int, default=5)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--poll-seconds", type=float, default=0.5)
    args = parser.parse_args()
    albacore.logging.set_verbosity(albacore.logging.WARNING)

    storage = albacore.storages.get_storage(args.storage)
    study = albacore.create_study(storage=storage, study_name="cookie-taste", direction="maximize", load_if_exists=True)
    study_id = storage.get_study_id_from_name(study.study_name)
    threading.Thread(target=run_server, args=(args.storage,), kwargs={"port": args.port}, daemon=True).start()
    for _ in range(args.n_trials):
        trial = propose(study)
        print(f"trial {trial.number} waiting for a rating: "
              f"http://127.0.0.1:{args.port}/#/study/{study_id}/trial/{trial.number} "
              f"recipe {trial.params}", flush=True)
        told = wait_for_rating(study, trial.number, args.poll_seconds)
        print(f"trial {told.number} {told.state.name} value {told.value}", flush=True)
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if complete:
        print(f"best recipe: {study.best_params} rated {study.best_value}", flush=True)
    else:
        print("no recipe was rated", flush=True)


if __name__ == "__main__":
    main()
