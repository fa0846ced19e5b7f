"""WeightsAndBiasesCallback in W&B's offline mode; the run files it writes are read back.

An offline run is a ``run-<id>.wandb`` transaction log: W&B's record protobufs in the
LevelDB log framing (32 KiB blocks of checksummed chunks), after a 7-byte ``:W&B`` header.
"""

from __future__ import annotations

import json
import pathlib
import pickle
import struct
import time

import pytest
import wandb
from wandb.proto import wandb_internal_pb2

import albacore
from albacore.integrations.wandb import WeightsAndBiasesCallback
from albacore.trial import TrialState

_BLOCK = 32768
_CHUNK_HEADER = 7  # checksum (4), length (2), chunk type (1)
_FULL, _LAST = 1, 4


@pytest.fixture(autouse=True)
def _offline(monkeypatch) -> None:
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    # W&B keeps its settings in a process-wide singleton: drop one an earlier test in this
    # worker made, so the next wandb.init reads the offline mode set above.
    wandb.teardown()
    yield
    wandb.finish()


def _records(path: pathlib.Path):
    data = path.read_bytes()
    if len(data) < 7:  # the service has not written the header yet: no records so far
        return
    assert data[:4] == b":W&B"
    position, pending = 7, b""
    while position + _CHUNK_HEADER <= len(data):
        left = _BLOCK - position % _BLOCK
        if left < _CHUNK_HEADER:  # block trailer
            position += left
            continue
        length, kind = struct.unpack("<HB", data[position + 4:position + _CHUNK_HEADER])
        pending += data[position + _CHUNK_HEADER:position + _CHUNK_HEADER + length]
        position += _CHUNK_HEADER + length
        if kind in (_FULL, _LAST) and position <= len(data):  # a record still being written is left out
            record = wandb_internal_pb2.Record()
            record.ParseFromString(pending)
            pending = b""
            yield record


def _key(item) -> str:
    return "/".join(item.nested_key) if item.nested_key else item.key


class OfflineRun:
    """What one offline run wrote: its history rows, final config, name and tags."""

    def __init__(self, path: pathlib.Path) -> None:
        self.rows: list[dict] = []
        self.config: dict = {}
        self.name = ""
        self.tags: list[str] = []
        self.exited = False
        for record in _records(path):
            kind = record.WhichOneof("record_type")
            if kind == "history":
                self.rows.append({_key(i): json.loads(i.value_json) for i in record.history.item})
            elif kind == "config":
                self.config.update({_key(i): json.loads(i.value_json) for i in record.config.update})
            elif kind == "exit":
                self.exited = True
            elif kind == "run":
                self.name = record.run.display_name or self.name
                self.tags = list(record.run.tags) or self.tags


def _runs(root: pathlib.Path) -> list[OfflineRun]:
    """The finished runs under ``root``; W&B's service writes a finished run's last records
    (its exit record last) a moment after ``run.finish()`` returns, so wait for them."""
    deadline = time.monotonic() + 60
    while True:
        runs = [OfflineRun(path) for path in sorted(root.glob("wandb/offline-run-*/run-*.wandb"))]
        if all(run.exited for run in runs) or time.monotonic() > deadline:
            return runs
        time.sleep(0.1)


def _objective(trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    trial.suggest_categorical("kind", ["a", "b"])
    if trial.number == 2:
        raise RuntimeError("boom")
    return x * x


def test_one_run_holds_a_row_per_trial_at_its_number(tmp_path) -> None:
    callback = WeightsAndBiasesCallback(
        metric_name="loss", wandb_kwargs={"project": "albacore-tests", "dir": str(tmp_path)}
    )
    study = albacore.create_study()
    study.optimize(_objective, n_trials=4, callbacks=[callback], catch=(RuntimeError,))
    wandb.finish()
    (run,) = _runs(tmp_path)
    assert [row["_step"] for row in run.rows] == [0, 1, 2, 3]
    for row, trial in zip(run.rows, study.trials):
        assert row["trial_number"] == trial.number
        assert (row["x"], row["kind"]) == (trial.params["x"], trial.params["kind"])
        if trial.state == TrialState.FAIL:
            assert "loss" not in row
        else:
            assert row["loss"] == trial.value
    assert run.config["direction"] == ["MINIMIZE"]


def test_threads_lose_no_trial(tmp_path) -> None:
    callback = WeightsAndBiasesCallback(wandb_kwargs={"dir": str(tmp_path)})
    study = albacore.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=12, n_jobs=3, callbacks=[callback])
    wandb.finish()
    (run,) = _runs(tmp_path)
    assert sorted(row["trial_number"] for row in run.rows) == list(range(12))
    steps = [row["_step"] for row in run.rows]
    assert steps == sorted(set(steps))  # one row per step, in order
    assert {row["trial_number"]: row["value"] for row in run.rows} == {t.number: t.value for t in study.trials}


def test_multirun_gives_each_trial_a_run(tmp_path) -> None:
    callback = WeightsAndBiasesCallback(wandb_kwargs={"tags": ["sweep"], "dir": str(tmp_path)}, as_multirun=True)
    study = albacore.create_study(study_name="multi", directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 2.0), n_trials=3, callbacks=[callback])
    runs = _runs(tmp_path)
    assert len(runs) == 3
    by_number = {run.rows[0]["trial_number"]: run for run in runs}
    for trial in study.trials:
        run = by_number[trial.number]
        assert run.name.startswith(f"trial/{trial.number}/")
        assert run.tags == ["sweep", "multi"]
        assert run.config["x"] == trial.params["x"] and run.config["direction"] == ["MINIMIZE", "MAXIMIZE"]
        assert (run.rows[0]["value_0"], run.rows[0]["value_1"]) == tuple(trial.values)


def test_track_in_wandb_logs_into_the_trial_run(tmp_path) -> None:
    callback = WeightsAndBiasesCallback(wandb_kwargs={"dir": str(tmp_path)}, as_multirun=True)

    @callback.track_in_wandb()
    def objective(trial):
        x = trial.suggest_float("x", 0, 1)
        wandb.log({"inside": 10 * x})
        return x

    study = albacore.create_study()
    study.optimize(objective, n_trials=3, callbacks=[callback])
    runs = _runs(tmp_path)
    assert len(runs) == 3
    for run in runs:
        inside, final = run.rows
        trial = study.trials[final["trial_number"]]
        assert inside["inside"] == pytest.approx(10 * trial.params["x"])
        assert final["value"] == trial.value


def test_one_name_for_several_objectives_stops_before_logging(tmp_path) -> None:
    callback = WeightsAndBiasesCallback(metric_name=["loss"], wandb_kwargs={"dir": str(tmp_path)})
    study = albacore.create_study(directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match=r"2 objective\(s\) but metric_name names 1: metric_name=\['loss'\]"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=3, callbacks=[callback])
    assert [t.state for t in study.trials] == [TrialState.COMPLETE]
    wandb.finish()
    assert _runs(tmp_path)[0].rows == []


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"metric_name": 3}, TypeError, "metric_name must be a str or a sequence of str, got metric_name=3"),
        ({"metric_name": ["a", ""]}, ValueError, "metric_name must hold non-empty names"),
        (
            {"wandb_kwargs": ["project"]},
            TypeError,
            r"wandb_kwargs must be a dict or None, got wandb_kwargs=\['project'\]",
        ),
    ],
)
def test_bad_arguments(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        WeightsAndBiasesCallback(**kwargs)


def _square(trial) -> float:
    return trial.suggest_float("x", 0, 1) ** 2


def test_multirun_callback_pickles_for_worker_processes(tmp_path) -> None:
    callback = WeightsAndBiasesCallback(wandb_kwargs={"dir": str(tmp_path)}, as_multirun=True)
    assert pickle.loads(pickle.dumps(callback))._wandb_kwargs == {"dir": str(tmp_path)}
    study = albacore.create_study(storage=f"sqlite:///{tmp_path / 'study.db'}", study_name="wb")
    study.optimize(_square, n_trials=4, n_jobs=2, executor="process", callbacks=[callback])
    numbers = sorted(run.rows[0]["trial_number"] for run in _runs(tmp_path))
    assert numbers == [0, 1, 2, 3]


def test_single_run_copy_opens_its_own_run(tmp_path) -> None:
    callback = WeightsAndBiasesCallback(wandb_kwargs={"dir": str(tmp_path)})
    copy = pickle.loads(pickle.dumps(callback))
    wandb.finish()
    study = albacore.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2, callbacks=[copy])
    wandb.finish()
    runs = _runs(tmp_path)
    assert sorted(len(run.rows) for run in runs) == [0, 2]
