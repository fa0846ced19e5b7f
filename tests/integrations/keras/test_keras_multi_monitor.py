"""KerasPruningCallback given several monitors in a multi-objective study."""

from __future__ import annotations

import os
import pickle

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import albacore  # noqa: E402
from albacore.integrations.keras import KerasPruningCallback  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

EPOCHS = 4


DIRECTIONS = ["minimize", "maximize"]


def _fit(callbacks: list) -> keras.callbacks.History:
    keras.utils.set_random_seed(0)
    X, y = load_digits(return_X_y=True)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit((X[:200] / 16.0).astype("float32"), y[:200], validation_split=0.25, epochs=EPOCHS,
                     batch_size=64, shuffle=False, verbose=0, callbacks=callbacks)


def test_reports_every_monitor_in_order(study_factory) -> None:
    study = study_factory(directions=DIRECTIONS)
    trial = study.ask()
    history = _fit([KerasPruningCallback(trial, ["val_loss", "val_accuracy"])])
    reported = study.get_trials(deepcopy=False)[0].multi_intermediate_values
    expected = list(zip(history.history["val_loss"], history.history["val_accuracy"]))
    assert [reported[i] for i in range(EPOCHS)] == [pytest.approx(pair) for pair in expected]


def test_prunes_and_bad_monitors_raise(study_factory) -> None:
    with pytest.raises(albacore.TrialPruned, match=r"pruned at epoch 1 \(values \["):
        fresh = study_factory(directions=DIRECTIONS, prune_from=1).ask()
        _fit([KerasPruningCallback(fresh, ["val_loss", "val_accuracy"])])
    with pytest.raises(ValueError, match=r"KerasPruningCallback: monitor names 1 metrics but the study has 2"):
        _fit([KerasPruningCallback(study_factory(directions=DIRECTIONS).ask(), ["val_loss"])])
    with pytest.raises(ValueError, match=r"monitor='val_auc' is not among"):
        _fit([KerasPruningCallback(study_factory(directions=DIRECTIONS).ask(), ["val_loss", "val_auc"])])
    with pytest.raises(ValueError, match=r"monitor must be a non-empty str or a non-empty sequence of them"):
        KerasPruningCallback(study_factory(directions=DIRECTIONS).ask(), [1, 2])


def test_pickles_with_several_monitors(study_factory) -> None:
    callback = KerasPruningCallback(study_factory(directions=DIRECTIONS).ask(), ["val_loss", "val_accuracy"])
    assert pickle.loads(pickle.dumps(callback))._monitor == ("val_loss", "val_accuracy")
