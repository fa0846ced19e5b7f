"""KerasPruningCallback on Keras 3 with the torch backend (set by tests/integrations/conftest.py)."""

from __future__ import annotations

import os
import pickle

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import albacore  # noqa: E402
from albacore.integrations.keras import KerasPruningCallback  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

EPOCHS = 6


@pytest.fixture(scope="module")
def digits() -> tuple:
    X, y = load_digits(return_X_y=True)
    return (X[:300] / 16.0).astype("float32"), y[:300]


def _fit(digits: tuple, callbacks: list) -> tuple[keras.Model, keras.callbacks.History]:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    X, y = digits
    history = model.fit(X, y, validation_split=0.25, epochs=EPOCHS, batch_size=64, shuffle=False, verbose=0,
                        callbacks=callbacks)
    return model, history


def test_backend_is_torch() -> None:
    assert keras.backend.backend() == "torch"


def test_reported_values_equal_logged_and_unpruned_training_is_unchanged(study_factory, digits) -> None:
    study = study_factory("maximize")
    trial = study.ask()
    callback = KerasPruningCallback(trial, "val_accuracy")
    model, history = _fit(digits, [callback])
    plain, plain_history = _fit(digits, [])
    reported = study.get_trials(deepcopy=False)[0].intermediate_values
    assert [reported[i] for i in range(EPOCHS)] == pytest.approx(history.history["val_accuracy"])
    assert history.history["loss"] == plain_history.history["loss"]
    for a, b in zip(model.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert isinstance(pickle.loads(pickle.dumps(callback)), KerasPruningCallback)


def test_pruning_stops_fit_early(study_factory, digits) -> None:
    study = study_factory("minimize", prune_from=1)
    trial = study.ask()
    with pytest.raises(albacore.TrialPruned, match="pruned at epoch 1"):
        _fit(digits, [KerasPruningCallback(trial, "val_loss")])
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [0, 1]


def test_interval(study_factory, digits) -> None:
    study = study_factory("minimize")
    _fit(digits, [KerasPruningCallback(study.ask(), "val_loss", interval=3)])
    assert sorted(study.get_trials(deepcopy=False)[0].intermediate_values) == [2, 5]


def test_unknown_monitor_lists_logged_metrics(study_factory, digits) -> None:
    trial = study_factory().ask()
    with pytest.raises(
        ValueError, match=r"monitor='val_acc'.*available: 'accuracy', 'loss', 'val_accuracy', 'val_loss'"
    ):
        _fit(digits, [KerasPruningCallback(trial, "val_acc")])


def test_subclasses_keras_callback_and_validates_interval(study_factory) -> None:
    trial = study_factory().ask()
    assert isinstance(KerasPruningCallback(trial, "loss"), keras.callbacks.Callback)
    with pytest.raises(ValueError, match="interval must be a positive int, got interval=0"):
        KerasPruningCallback(trial, "loss", interval=0)


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        (None, r"its backend 'tensorflow' could not be imported \(KERAS_BACKEND is not set, so Keras uses "),
        ("jax", r"its backend 'jax' could not be imported \(KERAS_BACKEND='jax'\)"),
    ],
)
def test_a_missing_keras_backend_names_the_backend_setting(tmp_path, backend, expected) -> None:
    import importlib.util
    import re
    import subprocess
    import sys

    if importlib.util.find_spec("tensorflow" if backend is None else backend) is not None:
        pytest.fail(f"this test needs a Keras backend that is not installed; {backend or 'tensorflow'} is")
    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    env["HOME"] = str(tmp_path)  # no ~/.keras/keras.json
    if backend is not None:
        env["KERAS_BACKEND"] = backend
    result = subprocess.run(
        [sys.executable, "-c", "import albacore.integrations.keras"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode == 1 and re.search(expected, last), result.stderr
    assert "Set KERAS_BACKEND to an installed backend" in last and "pip install" not in last
