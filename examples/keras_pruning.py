"""Tune a Keras 3 MLP on digits with KerasPruningCallback (runs on any backend; torch here).

Run: python examples/keras_pruning.py --n-trials 10 --epochs 10
"""

import argparse
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import albacore  # noqa: E402
from albacore.integrations.keras import KerasPruningCallback  # noqa: E402


def objective(trial, X, y, epochs):
    model = keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(trial.suggest_int("units", 8, 128, log=True), activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(trial.suggest_float("lr", 1e-3, 1e-1, log=True)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X, y, validation_split=0.2, epochs=epochs, batch_size=64, verbose=0,
                        callbacks=[KerasPruningCallback(trial, "val_accuracy")])
    return history.history["val_accuracy"][-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-trials", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=10)
    args = parser.parse_args()
    keras.utils.set_random_seed(0)
    X, y = load_digits(return_X_y=True)
    study = albacore.create_study(direction="maximize")
    study.optimize(lambda trial: objective(trial, (X / 16.0).astype("float32"), y, args.epochs), n_trials=args.n_trials)
    print(f"trials: {len(study.trials)}; best accuracy: {study.best_value:.4f} with {study.best_params}")


if __name__ == "__main__":
    main()
