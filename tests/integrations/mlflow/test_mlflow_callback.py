"""MLflowCallback on real local tracking stores (SQLite and file), read back with mlflow.search_runs."""

from __future__ import annotations

import math
import pickle

import mlflow
import pytest

import albacore
from albacore.integrations.mlflow import RUN_ID_ATTRIBUTE_KEY, MLflowCallback
from albacore.trial import TrialState


@pytest.fixture(autouse=True)
def _mlflow_env(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    monkeypatch.chdir(tmp_path)  # artifact folders of the SQLite store land here
    previous = mlflow.get_tracking_uri()
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run()
    mlflow.set_tracking_uri(previous)


@pytest.fixture(scope="module")
def sqlite_uri(tmp_path_factory) -> str:
    """One SQLite tracking store for the module (creating its tables takes seconds); every
    test logs to its own experiment, named after its own study."""
    uri = f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"
    mlflow.MlflowClient(uri).search_experiments()
    return uri


def _runs(uri: str, experiment: str):
    mlflow.set_tracking_uri(uri)
    frame = mlflow.search_runs(experiment_names=[experiment])
    return {int(row["tags.number"]): row for _, row in frame.iterrows()}


def _objective(trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    kind = trial.suggest_categorical("kind", ["a", "b"])
    trial.set_user_attr("kind_upper", kind.upper())
    for step in range(3):
        trial.report(x + step, step)
    if trial.number == 2:
        raise albacore.TrialPruned()
    if trial.number == 3:
        raise RuntimeError("boom")
    return x * x


def _check_runs_match(uri: str, study: albacore.Study, metric: str = "value") -> None:
    runs = _runs(uri, study.study_name)
    trials = study.get_trials()
    assert sorted(runs) == [t.number for t in trials]
    client = mlflow.MlflowClient(uri)
    for trial in trials:
        run = runs[trial.number]
        assert run["tags.mlflow.runName"] == str(trial.number)
        assert run["tags.state"] == trial.state.name
        assert run["status"] == ("FAILED" if trial.state == TrialState.FAIL else "FINISHED")
        assert run["tags.direction"] == "MINIMIZE"
        assert run["params.x"] == str(trial.params["x"])
        assert run["params.kind"] == trial.params["kind"]
        assert run["tags.kind_upper"] == trial.user_attrs["kind_upper"]
        assert run["tags.x_distribution"] == str(trial.distributions["x"])
        if trial.values is None:
            assert math.isnan(run[f"metrics.{metric}"])  # not logged
        else:
            assert run[f"metrics.{metric}"] == trial.value
        history = client.get_metric_history(run["run_id"], f"{metric}_intermediate")
        assert {m.step: m.value for m in history} == trial.intermediate_values
        assert run["start_time"].timestamp() == pytest.approx(trial.datetime_start.timestamp(), abs=0.002)


def test_sqlite_store_holds_one_run_per_trial(sqlite_uri) -> None:
    study = albacore.create_study(study_name="sqlite-round-trip")
    study.optimize(_objective, n_trials=6, callbacks=[MLflowCallback(tracking_uri=sqlite_uri)], catch=(RuntimeError,))
    states = [t.state for t in study.trials]
    assert states.count(TrialState.PRUNED) == 1 and states.count(TrialState.FAIL) == 1
    _check_runs_match(sqlite_uri, study)


def test_file_store(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    uri = (tmp_path / "mlruns").as_uri()
    study = albacore.create_study(study_name="file-round-trip")
    callback = MLflowCallback(tracking_uri=uri, metric_name="loss")
    study.optimize(_objective, n_trials=5, callbacks=[callback], catch=(RuntimeError,))
    _check_runs_match(uri, study, metric="loss")


def test_threads_log_every_trial(sqlite_uri) -> None:
    study = albacore.create_study(study_name="threads")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=12, n_jobs=4,
                   callbacks=[MLflowCallback(tracking_uri=sqlite_uri)])
    runs = _runs(sqlite_uri, "threads")
    assert sorted(runs) == list(range(12))
    assert {n: row["metrics.value"] for n, row in runs.items()} == {t.number: t.value for t in study.trials}


def _worker(storage_url: str, callback: MLflowCallback) -> None:
    albacore.logging.set_verbosity(albacore.logging.WARNING)
    study = albacore.load_study(study_name="processes", storage=storage_url)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4, callbacks=[callback])


def test_several_processes_share_one_store(sqlite_uri, tmp_path, run_in_processes) -> None:
    storage_url = f"sqlite:///{tmp_path / 'study.db'}"
    study = albacore.create_study(study_name="processes", storage=storage_url)
    callback = MLflowCallback(tracking_uri=sqlite_uri)
    study.ask()
    callback(study, study.tell(0, 0.5))  # used once here, so the pickled copies drop an open client
    run_in_processes([(_worker, (storage_url, callback)), (_worker, (storage_url, callback))])
    runs = _runs(sqlite_uri, "processes")
    assert sorted(runs) == list(range(9))
    assert {n: row["metrics.value"] for n, row in runs.items()} == {t.number: t.value for t in study.trials}


def test_callback_pickles_after_use(sqlite_uri) -> None:
    study = albacore.create_study(study_name="pickled")
    callback = MLflowCallback(tracking_uri=sqlite_uri, metric_name="loss")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1, callbacks=[callback])
    copy = pickle.loads(pickle.dumps(callback))
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1, callbacks=[copy])
    assert sorted(_runs(sqlite_uri, "pickled")) == [0, 1]


def test_multi_objective_names(sqlite_uri) -> None:
    study = albacore.create_study(study_name="mo-default", directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=2, callbacks=[MLflowCallback(sqlite_uri)])
    run = _runs(sqlite_uri, "mo-default")[1]
    assert (run["metrics.value_0"], run["metrics.value_1"]) == tuple(study.trials[1].values)
    assert run["tags.direction"] == "['MINIMIZE', 'MAXIMIZE']"

    study = albacore.create_study(study_name="mo-named", directions=["minimize", "maximize"])
    callback = MLflowCallback(sqlite_uri, metric_name=["loss", "accuracy"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=1, callbacks=[callback])
    run = _runs(sqlite_uri, "mo-named")[0]
    assert (run["metrics.loss"], run["metrics.accuracy"]) == tuple(study.trials[0].values)


def test_one_name_for_several_objectives_stops_before_logging(sqlite_uri) -> None:
    study = albacore.create_study(study_name="mo-one-name", directions=["minimize", "minimize"])
    callback = MLflowCallback(sqlite_uri, metric_name=["loss"])
    with pytest.raises(ValueError, match=r"2 objective\(s\) but metric_name names 1: metric_name=\['loss'\]"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=3, callbacks=[callback])
    assert [t.state for t in study.trials] == [TrialState.COMPLETE]  # stored; the study stopped
    assert mlflow.MlflowClient(sqlite_uri).get_experiment_by_name("mo-one-name") is None  # nothing half-logged


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"metric_name": 3}, TypeError, "metric_name must be a str or a sequence of str, got metric_name=3"),
        ({"metric_name": ""}, ValueError, "metric_name must be a non-empty str"),
        ({"metric_name": ["a", "a"]}, ValueError, "holds a name twice"),
        ({"metric_name": "acc@5!"}, ValueError, "metric_name 'acc@5!' is not a valid MLflow metric name"),
        ({"mlflow_kwargs": {"nest_trials": True}}, ValueError, r"unsupported key\(s\) \['nest_trials'\]"),
        ({"mlflow_kwargs": [("nested", True)]}, TypeError, "mlflow_kwargs must be a dict or None"),
        ({"tracking_uri": 5}, TypeError, "tracking_uri must be a str or None, got tracking_uri=5"),
    ],
)
def test_bad_arguments(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        MLflowCallback(**kwargs)


def test_unreachable_store_raises_connection_error_and_keeps_the_trial() -> None:
    study = albacore.create_study(study_name="unreachable")
    callback = MLflowCallback(tracking_uri="http://127.0.0.1:9")
    with pytest.raises(ConnectionError, match=r"tracking_uri='http://127.0.0.1:9' failed; is the store reachable\?"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3, callbacks=[callback])
    assert [t.state for t in study.trials] == [TrialState.COMPLETE]


def test_deleted_experiment_is_a_value_error(sqlite_uri) -> None:
    client = mlflow.MlflowClient(sqlite_uri)
    client.delete_experiment(client.create_experiment("deleted-one"))
    study = albacore.create_study(study_name="deleted-one")
    with pytest.raises(ValueError, match="experiment 'deleted-one' .* is deleted"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1, callbacks=[MLflowCallback(sqlite_uri)])


def test_nested_under_a_study_run_from_every_thread(sqlite_uri) -> None:
    mlflow.set_tracking_uri(sqlite_uri)
    mlflow.set_experiment("nested")
    with mlflow.start_run(run_name="study") as parent:
        callback = MLflowCallback(create_experiment=False, mlflow_kwargs={"nested": True})
        study = albacore.create_study(study_name="nested-study")
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=6, n_jobs=3, callbacks=[callback])
    frame = mlflow.search_runs(experiment_names=["nested"])
    children = frame[frame["tags.mlflow.runName"] != "study"]
    assert sorted(children["tags.number"].astype(int)) == list(range(6))
    assert set(children["tags.mlflow.parentRunId"]) == {parent.info.run_id}


def test_experiment_id_tags_and_study_user_attrs(sqlite_uri) -> None:
    experiment_id = mlflow.MlflowClient(sqlite_uri).create_experiment("chosen")
    study = albacore.create_study(study_name="not-the-experiment")
    study.set_user_attr("team", "search")
    callback = MLflowCallback(
        sqlite_uri, mlflow_kwargs={"experiment_id": experiment_id, "tags": {"project": "p1"}, "run_name": "t"},
        tag_study_user_attrs=True, tag_trial_user_attrs=False,
    )
    study.optimize(_objective, n_trials=2, callbacks=[callback])
    runs = _runs(sqlite_uri, "chosen")
    assert sorted(runs) == [0, 1]
    assert all(r["tags.project"] == "p1" and r["tags.team"] == "search" and r["tags.mlflow.runName"] == "t"
               for r in runs.values())
    assert "tags.kind_upper" not in runs[0].index


def test_long_user_attr_is_cut(sqlite_uri) -> None:
    study = albacore.create_study(study_name="long-tag")

    def objective(trial):
        trial.set_user_attr("long", "y" * 10_000)
        return trial.suggest_float("x", 0, 1)

    study.optimize(objective, n_trials=1, callbacks=[MLflowCallback(sqlite_uri)])
    tag = _runs(sqlite_uri, "long-tag")[0]["tags.long"]
    assert tag.endswith("...") and tag.startswith("yyy") and len(tag) == mlflow.utils.validation.MAX_TAG_VAL_LENGTH


def test_track_in_mlflow_logs_into_the_trial_run(sqlite_uri) -> None:
    callback = MLflowCallback(tracking_uri=sqlite_uri)

    @callback.track_in_mlflow()
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        mlflow.log_metric("inside", x * 10)
        if trial.number == 1:
            raise albacore.TrialPruned()
        return x

    study = albacore.create_study(study_name="decorated")
    study.optimize(objective, n_trials=6, n_jobs=2, callbacks=[callback])
    runs = _runs(sqlite_uri, "decorated")
    assert sorted(runs) == list(range(6))
    for trial in study.trials:
        run = runs[trial.number]
        assert run["run_id"] == trial.system_attrs[RUN_ID_ATTRIBUTE_KEY]
        assert run["metrics.inside"] == pytest.approx(trial.params["x"] * 10)
        assert run["status"] == "FINISHED" and run["tags.state"] == trial.state.name
