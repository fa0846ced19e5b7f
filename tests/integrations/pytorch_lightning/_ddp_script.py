"""Run by test_lightning_ddp: a 2-process CPU DDP fit ("ddp" strategy re-runs this script).

Usage: python _ddp_script.py OUTPUT_DIR PRUNE_FROM [PACKAGE]
PACKAGE (pytorch_lightning, the default, or lightning) says whose Trainer runs the fit.
Each rank writes OUTPUT_DIR/rank<k>.json with what it observed.
"""

from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _lightning_models import MODELS, PACKAGES, loaders, trainer  # noqa: E402

import albacore  # noqa: E402
from albacore.integrations.pytorch_lightning import PyTorchLightningPruningCallback  # noqa: E402
from albacore.testing.pruners import StepPruner  # noqa: E402


def main() -> None:
    out_dir, prune_from = sys.argv[1], int(sys.argv[2])
    package = sys.argv[3] if len(sys.argv) > 3 else "pytorch_lightning"
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.create_study(pruner=StepPruner(prune_from))
    trial = study.ask()
    PACKAGES[package].seed_everything(0, verbose=False)
    callback = PyTorchLightningPruningCallback(trial, monitor="val_loss")
    fit = trainer([callback], max_epochs=8, package=package, strategy="ddp", devices=2)
    train, valid = loaders()
    fit.fit(MODELS[package](), train, valid)
    try:
        callback.check_pruned()
        pruned_message = None
    except albacore.TrialPruned as exc:
        pruned_message = str(exc)
    frozen = study.get_trials(deepcopy=False)[0]
    result = {
        "world_size": fit.world_size,
        "epochs_run": fit.current_epoch,
        "pruned_message": pruned_message,
        "reported_steps": sorted(frozen.intermediate_values),
        "system_attrs": {k: v for k, v in frozen.system_attrs.items() if k.startswith("ddp_pl:")},
    }
    with open(os.path.join(out_dir, f"rank{fit.global_rank}.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
