"""Ask and tell: drive the optimization loop yourself.

Useful when something other than ``study.optimize`` runs the evaluations (a job
scheduler, a notebook, another process). Here a batch of trials is asked for first, then
"evaluated" together and told back, including one that fails and one told by number.

Run:
    python examples/ask_and_tell.py               # 10 batches of 4
    python examples/ask_and_tell.py --batches 2
"""

from __future__ import annotations

import argparse
import os

import albacore
from albacore.distributions import FloatDistribution
from albacore.trial import TrialState


def evaluate(x: float, y: int) -> float:
    return (x - 2) ** 2 + (y - 3) ** 2


def main() -> None:
    parser = argparse.ArgumentParser(description="The ask-and-tell interface.")
    parser.add_argument("--batches", type=int, default=int(os.environ.get("ALBACORE_EXAMPLE_BATCHES", 10)))
    parser.add_argument("--batch-size", type=int, default=4)
    args = parser.parse_args()

    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.create_study(sampler=albacore.samplers.TPESampler(seed=0))
    study.enqueue_trial({"x": 2.5, "y": 3})  # a known good guess is tried first

    for _ in range(args.batches):
        # x is given up front with fixed_distributions; y is suggested define-by-run.
        batch = [study.ask(fixed_distributions={"x": FloatDistribution(-10, 10)}) for _ in range(args.batch_size)]
        for trial in batch:
            y = trial.suggest_int("y", -10, 10)
            if y == -10:
                study.tell(trial, state=TrialState.FAIL)  # e.g. the evaluation crashed
                continue
            study.tell(trial.number, evaluate(trial.params["x"], y))  # tell by trial number

    states = [t.state.name for t in study.trials]
    print(f"trials: {len(states)}, complete: {states.count('COMPLETE')}, failed: {states.count('FAIL')}")
    print(f"best params: {study.best_params}")
    print(f"best value: {study.best_value:.4f}")


if __name__ == "__main__":
    main()
