"""TensorBoardCallback's event files, read back with TensorBoard's own event reader."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams import metadata as hparams_metadata
from tensorboard.util import tensor_util

import albacore
from albacore.integrations.tensorboard import TensorBoardCallback
from albacore.trial import TrialState


def _read_run(path) -> tuple[dict, dict]:
    """(hparams of the run's session, {tag: {step: value}} of its scalars)."""
    events = EventAccumulator(str(path), size_guidance={"tensors": 0})
    events.Reload()
    start = events.SummaryMetadata(hparams_metadata.SESSION_START_INFO_TAG).plugin_data.content
    info = hparams_metadata.parse_session_start_info_plugin_data(start)
    hparams = {}
    for name, value in info.hparams.items():
        hparams[name] = getattr(value, value.WhichOneof("kind"))
    assert info.group_name == path.name
    scalars = {
        tag: {e.step: float(tensor_util.make_ndarray(e.tensor_proto)) for e in events.Tensors(tag)}
        for tag in events.Tags()["tensors"] if tag != hparams_metadata.SESSION_START_INFO_TAG
    }
    return hparams, scalars


def _objective(trial) -> float:
    x = trial.suggest_float("x", -5, 5)
    n = trial.suggest_int("n", 1, 9)
    flag = trial.suggest_categorical("flag", [True, False])
    trial.report(x, 0)
    trial.report(x / 2, 1)
    if trial.number == 2:
        raise albacore.TrialPruned()
    return x * x + n + flag


def test_completed_trials_become_runs(tmp_path) -> None:
    study = albacore.create_study()
    study.optimize(_objective, n_trials=5, callbacks=[TensorBoardCallback(tmp_path, "loss")])
    completed = [t for t in study.trials if t.state == TrialState.COMPLETE]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"trial-{t.number}" for t in completed)
    for trial in completed:
        hparams, scalars = _read_run(tmp_path / f"trial-{trial.number}")
        assert hparams["x"] == trial.params["x"]
        assert hparams["n"] == trial.params["n"]
        assert hparams["flag"] is trial.params["flag"]
        assert scalars["loss"] == {trial.number: pytest.approx(trial.value, rel=1e-6)}
        assert scalars["loss_intermediate"] == pytest.approx(trial.intermediate_values, rel=1e-6)


def test_threads_and_several_objectives(tmp_path) -> None:
    study = albacore.create_study(directions=["minimize", "maximize"])
    callback = TensorBoardCallback(str(tmp_path), "value")
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), 3.0), n_trials=8, n_jobs=4, callbacks=[callback])
    assert len(list(tmp_path.iterdir())) == 8
    for trial in study.trials:
        _, scalars = _read_run(tmp_path / f"trial-{trial.number}")
        assert scalars["value_0"] == {trial.number: pytest.approx(trial.values[0], rel=1e-6)}
        assert scalars["value_1"] == {trial.number: 3.0}


def test_one_name_for_several_objectives_stops_before_writing(tmp_path) -> None:
    study = albacore.create_study(directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match=r"2 objective\(s\) but metric_name names 1: metric_name=\['loss'\]"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1.0), n_trials=3,
                       callbacks=[TensorBoardCallback(tmp_path, ["loss"])])
    assert [t.state for t in study.trials] == [TrialState.COMPLETE]
    assert list(tmp_path.iterdir()) == []


def test_unshowable_choices_are_written_as_str(tmp_path) -> None:
    study = albacore.create_study()
    study.enqueue_trial({"layers": None})
    study.enqueue_trial({"layers": 2})
    objective = lambda t: float(t.suggest_categorical("layers", [None, 2, "auto"]) == 2)  # noqa: E731
    study.optimize(objective, n_trials=2, callbacks=[TensorBoardCallback(tmp_path, "value")])
    assert _read_run(tmp_path / "trial-0")[0] == {"layers": "None"}
    assert _read_run(tmp_path / "trial-1")[0] == {"layers": "2"}


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((None, "value"), TypeError, "dirname must be a str or path, got dirname=None"),
        (("logs", 7), TypeError, "metric_name must be a str or a sequence of str, got metric_name=7"),
        (("logs", ""), ValueError, "metric_name must be a non-empty str"),
    ],
)
def test_bad_arguments(args, error, match) -> None:
    with pytest.raises(error, match=match):
        TensorBoardCallback(*args)


def test_unwritable_dirname_raises_and_keeps_the_trial(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    study = albacore.create_study()
    with pytest.raises(OSError, match="a-file"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2,
                       callbacks=[TensorBoardCallback(blocker / "logs", "value")])
    assert [t.state for t in study.trials] == [TrialState.COMPLETE]


def test_callback_pickles_and_works_in_worker_processes(tmp_path) -> None:
    callback = TensorBoardCallback(tmp_path / "logs", "value")
    assert pickle.loads(pickle.dumps(callback))._dirname == str(tmp_path / "logs")
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    study = albacore.create_study(storage=storage, study_name="tb")
    study.optimize(_square, n_trials=4, n_jobs=2, executor="process", callbacks=[callback])
    assert sorted(p.name for p in (tmp_path / "logs").iterdir()) == [f"trial-{n}" for n in range(4)]


def _square(trial) -> float:
    return trial.suggest_float("x", 0, 1) ** 2


def test_import_needs_neither_tensorflow_nor_torch() -> None:
    code = "import sys, albacore.integrations.tensorboard; print('tensorflow' in sys.modules, 'torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["False", "False"], result.stderr
