"""The LightGBM one-liner: stepwise tuning of a booster with no objective written by hand.

Run: python examples/lightgbm_tuner.py --time-budget 60
"""

import argparse

import lightgbm as lgb
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import albacore.integrations.lightgbm as albacore_lgb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-budget", type=float, default=60.0)
    args = parser.parse_args()
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_valid, y_train, y_valid = train_test_split(X, y, test_size=0.25, random_state=0)
    dtrain = lgb.Dataset(X_train, y_train)
    dvalid = lgb.Dataset(X_valid, y_valid, reference=dtrain)

    # Drop-in for lightgbm.train: tunes, then returns the best booster.
    booster = albacore_lgb.train(
        {"objective": "binary", "metric": "binary_logloss"},
        dtrain,
        num_boost_round=200,
        valid_sets=[dvalid],
        callbacks=[lgb.early_stopping(20, verbose=False)],
        time_budget=args.time_budget,
        show_progress_bar=False,
        seed=0,
    )
    accuracy = ((booster.predict(X_valid) > 0.5) == y_valid).mean()
    print(f"validation logloss: {booster.best_score['valid_0']['binary_logloss']:.4f}")
    print(f"validation accuracy: {accuracy:.4f}")
    print(f"tuned parameters: {booster.params}")


if __name__ == "__main__":
    main()
