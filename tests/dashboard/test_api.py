"""The dashboard's JSON endpoints on real storages (SQLite, PostgreSQL, a journal file)."""

from __future__ import annotations

import csv
import io
import json
import time
from typing import Any, Callable

import numpy as np
import pytest

import albacore
from albacore.dashboard._routes import STUDY_LIST_INTERVAL
from albacore.distributions import CategoricalDistribution, FloatDistribution
from albacore.trial import TrialState, create_trial
from tests.dashboard.conftest import WRITE, open_storage, quiet

X = FloatDistribution(-10, 100)
OPT = CategoricalDistribution(["adam", "sgd"])


def _filled(url: str, name: str, n: int = 10, running: int = 1, directions: list[str] | None = None) -> albacore.Study:
    """A study with ``n`` COMPLETE trials (x = number, value = number ** 2 - 10 * number,
    opt alternating), one PRUNED and one FAIL trial, then ``running`` RUNNING trials."""
    quiet()
    study = albacore.create_study(storage=open_storage(url), study_name=name, directions=directions or ["minimize"])
    for i in range(n):
        value = float(i * i - 10 * i)
        values = [value] if not directions or len(directions) == 1 else [value, float(i)]
        study.add_trial(create_trial(
            values=values, params={"x": float(i), "opt": ["adam", "sgd"][i % 2]}, distributions={"x": X, "opt": OPT},
            user_attrs={"i": i}, intermediate_values={0: value + 1, 1: value},
        ))
    study.add_trial(create_trial(state=TrialState.PRUNED, params={"x": -1.0}, distributions={"x": X},
                                 intermediate_values={0: 5.0}))
    study.add_trial(create_trial(state=TrialState.FAIL))
    for _ in range(running):
        study.ask({"x": X})
    return study


def _study_id(client: Any, name: str) -> int:
    rows = client.get("/api/studies", params={"search": name}).json()
    assert [r["study_name"] for r in rows] == [name]
    return rows[0]["study_id"]


def test_study_list_shows_counts_best_value_and_searches(storage_url: str, unique: Callable[[str], str],
                                                         client_for: Callable[..., Any]) -> None:
    name = unique("list")
    _filled(storage_url, name)
    _filled(storage_url, unique("other"), n=2)
    client = client_for(storage_url)
    rows = client.get("/api/studies", params={"search": name.upper()}).json()  # case-insensitive
    assert len(rows) == 1
    row = rows[0]
    assert row["study_name"] == name
    assert row["directions"] == ["MINIMIZE"]
    assert row["n_trials"] == 13
    assert row["counts"] == {"RUNNING": 1, "COMPLETE": 10, "PRUNED": 1, "FAIL": 1, "WAITING": 0}
    assert (row["best_value"], row["best_number"]) == (-25.0, 5)
    assert row["datetime_start"] is not None
    assert client.get("/api/studies", params={"search": "no-such-study-xyz"}).json() == []


def test_study_summary_lists_params_and_best_trials(storage_url: str, unique: Callable[[str], str],
                                                    client_for: Callable[..., Any]) -> None:
    name = unique("summary")
    _filled(storage_url, name).set_user_attr("owner", "ana")
    client = client_for(storage_url)
    summary = client.get(f"/api/studies/{_study_id(client, name)}").json()
    assert summary["params"] == {
        "opt": {"type": "CategoricalDistribution", "choices": ["adam", "sgd"]},
        "x": {"type": "FloatDistribution", "choices": None},
    }
    assert [t["number"] for t in summary["best_trials"]] == [5]
    assert summary["user_attrs"] == {"owner": "ana"}
    assert summary["note"] == ""


def test_table_pages_sorts_and_filters_on_the_server(storage_url: str, unique: Callable[[str], str],
                                                     client_for: Callable[..., Any]) -> None:
    name = unique("table")
    _filled(storage_url, name, n=30)
    client = client_for(storage_url)
    url = f"/api/studies/{_study_id(client, name)}/trials"

    first = client.get(url, params={"limit": 10}).json()
    assert (first["total"], first["n_trials"]) == (33, 33)
    assert [r["number"] for r in first["rows"]] == list(range(10))
    second = client.get(url, params={"limit": 10, "offset": 30}).json()
    assert [r["number"] for r in second["rows"]] == [30, 31, 32]

    by_value = client.get(url, params={"sort": "value", "order": "asc", "limit": 3}).json()["rows"]
    assert [r["values"] for r in by_value] == [[-25.0], [-24.0], [-24.0]]
    # NaN keys (trials without a value) go last in either order
    desc = client.get(url, params={"sort": "value", "order": "desc", "limit": 100}).json()["rows"]
    assert [r["number"] for r in desc[:2]] == [29, 28] and all(r["values"] is None for r in desc[-3:])

    states = client.get(url, params={"states": "pruned,RUNNING"}).json()
    assert [(r["number"], r["state"]) for r in states["rows"]] == [(30, "PRUNED"), (32, "RUNNING")]

    filters = [{"field": "param:x", "op": ">=", "value": "20"}, {"field": "param:opt", "op": "==", "value": "sgd"},
               {"field": "value", "op": "<", "value": 300}]
    rows = client.get(url, params={"filters": json.dumps(filters), "sort": "param:x", "order": "desc"}).json()["rows"]
    assert [r["params"] for r in rows] == [{"x": 23.0, "opt": "sgd"}, {"x": 21.0, "opt": "sgd"}]


@pytest.mark.parametrize(("params", "message"), [
    ({"states": "DONE"}, "states: unknown state 'DONE'"),
    ({"filters": "{"}, "filters must be a JSON list"),
    ({"filters": '[{"field": "param:nope", "op": "==", "value": 1}]'}, "unknown parameter 'nope'"),
    ({"filters": '[{"field": "param:x", "op": "~", "value": 1}]'}, "op must be one of"),
    ({"filters": '[{"field": "param:x", "op": "<", "value": "abc"}]'}, "value must be a number, got value='abc'"),
    ({"filters": '[{"field": "param:opt", "op": "<", "value": "adam"}]'}, "takes only == or !="),
    ({"filters": '[{"field": "param:opt", "op": "==", "value": "rmsprop"}]'}, "'rmsprop' is not one of its choices"),
    ({"sort": "value:3"}, "unknown field 'value:3'"),
    ({"order": "up"}, "order must be 'asc' or 'desc'"),
    ({"limit": "0"}, "limit must be between 1 and 1000, got limit=0"),
    ({"offset": "x"}, "offset must be an integer, got offset='x'"),
])
def test_bad_table_queries_are_400_with_the_reason(tmp_path: Any, client_for: Callable[..., Any],
                                                   params: dict[str, str], message: str) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    _filled(url, "q")
    client = client_for(url)
    response = client.get(f"/api/studies/{_study_id(client, 'q')}/trials", params=params)
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_trial_page_data(storage_url: str, unique: Callable[[str], str], client_for: Callable[..., Any]) -> None:
    name = unique("trial")
    study = _filled(storage_url, name)
    study.set_trial_system_attr(12, "worker", "host-1")
    client = client_for(storage_url)
    sid = _study_id(client, name)
    done = client.get(f"/api/studies/{sid}/trials/3").json()
    assert done["state"] == "COMPLETE" and done["values"] == [-21.0]
    assert done["params"] == {"x": 3.0, "opt": "sgd"}
    assert done["distributions"] == {"x": "FloatDistribution", "opt": "CategoricalDistribution"}
    assert done["intermediate_values"] == [[0, -20.0], [1, -21.0]]
    assert done["user_attrs"] == {"i": 3}
    assert done["running_for"] is None and done["duration"] is not None
    running = client.get(f"/api/studies/{sid}/trials/12").json()
    assert running["state"] == "RUNNING" and running["running_for"] >= 0
    assert running["system_attrs"]["worker"] == "host-1"
    missing = client.get(f"/api/studies/{sid}/trials/99")
    assert missing.status_code == 404 and "has no trial number 99" in missing.json()["error"]
    gone = client.get("/api/studies/987654/trials")
    assert gone.status_code == 404 and "no study with id 987654" in gone.json()["error"]


def test_updates_return_only_trials_changed_since_the_marker(storage_url: str, unique: Callable[[str], str],
                                                             client_for: Callable[..., Any]) -> None:
    name = unique("live")
    study = _filled(storage_url, name, n=5)
    client = client_for(storage_url)
    sid = _study_id(client, name)
    marker = client.get(f"/api/studies/{sid}").json()["marker"]
    quiet_update = client.get(f"/api/studies/{sid}/updates", params={"since": marker}).json()
    assert quiet_update["changed"] == [] and quiet_update["marker"] == marker and not quiet_update["reset"]

    writer = albacore.load_study(study_name=name, storage=open_storage(storage_url))
    writer.tell(7, 1.5)  # the RUNNING trial finishes
    writer.ask()  # a new one starts
    import time

    time.sleep(0.6)  # the server reads the storage at most every 0.5 s
    update = client.get(f"/api/studies/{sid}/updates", params={"since": marker}).json()
    assert [(t["number"], t["state"]) for t in update["changed"]] == [(7, "COMPLETE"), (8, "RUNNING")]
    assert update["summary"]["counts"]["RUNNING"] == 1 and update["summary"]["n_trials"] == 9
    again = client.get(f"/api/studies/{sid}/updates", params={"since": update["marker"]}).json()
    assert again["changed"] == []
    # a marker from another server run (or garbage) asks the page to reload everything
    assert client.get(f"/api/studies/{sid}/updates", params={"since": "abc.1"}).json()["reset"] is True
    del study


def test_notes_on_studies_running_and_finished_trials_live_in_the_storage(
    storage_url: str, unique: Callable[[str], str], client_for: Callable[..., Any]
) -> None:
    name = unique("notes")
    _filled(storage_url, name)
    client = client_for(storage_url)
    sid = _study_id(client, name)
    assert client.put(f"/api/studies/{sid}/note", json={"note": "try larger x"}, headers=WRITE).status_code == 200
    response = client.put(f"/api/studies/{sid}/trials/2/note", json={"note": "finished one"}, headers=WRITE)
    assert response.status_code == 200
    assert (
        client.put(f"/api/studies/{sid}/trials/12/note", json={"note": "running one"}, headers=WRITE).status_code == 200
    )

    # another reader of the same storage (a fresh server) sees them
    other = client_for(storage_url)
    assert other.get(f"/api/studies/{sid}").json()["note"] == "try larger x"
    assert other.get(f"/api/studies/{sid}/trials/2").json()["note"] == "finished one"
    assert other.get(f"/api/studies/{sid}/trials/12").json()["note"] == "running one"
    study = albacore.load_study(study_name=name, storage=open_storage(storage_url))
    assert study.system_attrs["dashboard:note"] == "try larger x"
    finished_id = study.trials[2]._trial_id
    assert study.system_attrs[f"dashboard:note:trial:{finished_id}"] == "finished one"
    assert study.trials[12].system_attrs["dashboard:note"] == "running one"
    # the running trial's note stays after it finishes
    study.tell(12, 3.0)
    assert other.get(f"/api/studies/{sid}/trials/12").json()["note"] == "running one"
    bad = client.put(f"/api/studies/{sid}/note", json={"note": 5}, headers=WRITE)
    assert bad.status_code == 400 and "note must be a string, got note=5" in bad.json()["error"]


def test_tell_finishes_a_running_trial_like_study_tell(
    storage_url: str, unique: Callable[[str], str], client_for: Callable[..., Any]
) -> None:
    name = unique("tell")
    study = _filled(storage_url, name, n=2, running=3)
    client = client_for(storage_url)
    sid = _study_id(client, name)
    tell = f"/api/studies/{sid}/trials/{{}}/tell"

    answer = client.post(tell.format(4), json={"values": ["0.25"]}, headers=WRITE)
    assert answer.status_code == 200 and answer.json()["state"] == "COMPLETE"
    assert client.post(tell.format(5), json={"state": "FAIL"}, headers=WRITE).json()["state"] == "FAIL"
    assert client.post(tell.format(6), json={"state": "PRUNED"}, headers=WRITE).json()["state"] == "PRUNED"
    trials = albacore.load_study(study_name=name, storage=open_storage(storage_url)).trials
    assert [(t.state, t.values) for t in trials[4:]] == [
        (TrialState.COMPLETE, [0.25]),
        (TrialState.FAIL, None),
        (TrialState.PRUNED, None),
    ]

    again = client.post(tell.format(4), json={"values": [1]}, headers=WRITE)
    assert again.status_code == 409 and "trial 4 is COMPLETE, not RUNNING" in again.json()["error"]
    del study


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"values": ["abc"]}, "value 0 must be a number, got 'abc'"),
        ({"values": [""]}, "value 0 must be a number, got ''"),
        ({"values": ["nan"]}, "(NaN)"),
        ({"values": [1, 2]}, "the study has 1 objective(s); got 2 value(s)"),
        ({"values": [True]}, "value 0 must be a number, got True"),
        ({"state": "DONE"}, "state must be 'COMPLETE', 'FAIL' or 'PRUNED', got state='DONE'"),
        ({"state": "FAIL", "values": [1]}, "state='FAIL' takes no values"),
    ],
)
def test_bad_tell_input_is_rejected_and_nothing_is_written(
    tmp_path: Any, client_for: Callable[..., Any], body: dict[str, Any], message: str
) -> None:
    url = f"sqlite:///{tmp_path / 't.db'}"
    _filled(url, "t", n=1)
    client = client_for(url)
    response = client.post(f"/api/studies/{_study_id(client, 't')}/trials/3/tell", json=body, headers=WRITE)
    assert response.status_code == 400
    assert message in response.json()["error"]
    trial = albacore.load_study(study_name="t", storage=url).trials[3]
    assert trial.state == TrialState.RUNNING and trial.values is None


def test_bad_request_bodies(tmp_path: Any, client_for: Callable[..., Any]) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    _filled(url, "b", n=1)
    client = client_for(url)
    path = f"/api/studies/{_study_id(client, 'b')}/note"
    not_json = client.put(path, content=b"note", headers={**WRITE, "Content-Type": "text/plain"})
    assert not_json.status_code == 415 and "application/json" in not_json.json()["error"]
    broken = client.put(path, content=b"{", headers={**WRITE, "Content-Type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]
    listed = client.put(path, json=[1], headers=WRITE)
    assert listed.status_code == 400 and "must be a JSON object, got [1]" in listed.json()["error"]


def test_delete_needs_the_study_name_as_confirmation(
    storage_url: str, unique: Callable[[str], str], client_for: Callable[..., Any]
) -> None:
    name = unique("delete")
    _filled(storage_url, name, n=1)
    client = client_for(storage_url)
    sid = _study_id(client, name)
    refused = client.request("DELETE", f"/api/studies/{sid}", json={"confirm": "wrong"}, headers=WRITE)
    assert refused.status_code == 400 and f"to delete study {name!r}, send its name" in refused.json()["error"]
    assert name in albacore.get_all_study_names(open_storage(storage_url))
    assert client.request("DELETE", f"/api/studies/{sid}", json={"confirm": name}, headers=WRITE).json() == {
        "deleted": name
    }
    assert name not in albacore.get_all_study_names(open_storage(storage_url))
    assert client.get(f"/api/studies/{sid}").status_code == 404


def test_csv_and_json_downloads_follow_the_table_query(tmp_path: Any, client_for: Callable[..., Any]) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    study = _filled(url, "d", n=4)
    study.add_trial(
        create_trial(value=1.0, params={"x": 1.0}, distributions={"x": X}, user_attrs={"cmd": '=HYPERLINK("http://x")'})
    )
    client = client_for(url)
    sid = _study_id(client, "d")
    response = client.get(f"/api/studies/{sid}/trials.csv", params={"states": "COMPLETE", "sort": "value"})
    assert response.headers["content-disposition"] == 'attachment; filename="d-trials.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["number"] for r in rows] == ["3", "2", "1", "0", "7"]
    assert rows[0]["value"] == "-21.0" and rows[0]["params_opt"] == "sgd" and rows[0]["params_x"] == "3.0"
    assert rows[-1]["user_attrs_cmd"] == '\'=HYPERLINK("http://x")'  # not run as a formula
    data = client.get(f"/api/studies/{sid}/trials.json", params={"states": "PRUNED,FAIL"}).json()
    assert [(t["number"], t["state"]) for t in data] == [(4, "PRUNED"), (5, "FAIL")]
    assert data[0]["intermediate_values"] == {"0": 5.0}


def test_figures_come_from_albacore_visualization(tmp_path: Any, client_for: Callable[..., Any]) -> None:
    url = f"sqlite:///{tmp_path / 'f.db'}"
    _filled(url, "single", n=12)
    _filled(url, "multi", n=12, directions=["minimize", "maximize"])
    client = client_for(url)
    single, multi = _study_id(client, "single"), _study_id(client, "multi")
    for kind in ("history", "intermediate", "parallel", "slice", "contour", "importance", "timeline"):
        figure = client.get(f"/api/studies/{single}/figures/{kind}").json()["figure"]
        assert figure["data"], kind
    history = client.get(f"/api/studies/{single}/figures/history").json()["figure"]
    from albacore.visualization import plot_optimization_history

    expected = json.loads(plot_optimization_history(albacore.load_study(study_name="single", storage=url)).to_json())
    assert history["data"] == expected["data"]
    assert "this study has 1 objective(s)" in client.get(f"/api/studies/{single}/figures/pareto").json()["error"]
    for kind in ("pareto", "hypervolume"):
        assert client.get(f"/api/studies/{multi}/figures/{kind}").json()["figure"]["data"], kind
    second = client.get(f"/api/studies/{multi}/figures/history", params={"objective": 1}).json()["figure"]
    assert second["data"][0]["name"] == "Objective 1"
    assert (
        "objective must be between 0 and 1"
        in client.get(f"/api/studies/{multi}/figures/slice", params={"objective": 5}).json()["error"]
    )
    unknown = client.get(f"/api/studies/{single}/figures/radar")
    assert unknown.status_code == 404 and "unknown figure 'radar'" in unknown.json()["error"]
    empty = albacore.create_study(storage=url, study_name="empty")
    time.sleep(STUDY_LIST_INTERVAL)  # a study created elsewhere is listed at the next read of the list
    sid = _study_id(client, "empty")
    assert "has no trials to plot" in client.get(f"/api/studies/{sid}/figures/history").json()["error"]
    del empty


def test_in_memory_storage_is_served_inside_its_process(client_for: Callable[..., Any]) -> None:
    storage = albacore.storages.InMemoryStorage()
    quiet()
    study = albacore.create_study(storage=storage, study_name="mem")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    client = client_for(storage)
    assert client.get("/api/studies").json()[0]["counts"]["COMPLETE"] == 3


def test_a_long_history_is_sampled_but_keeps_every_improvement(client_for: Callable[..., Any]) -> None:
    from albacore.dashboard import _figures

    quiet()
    storage = albacore.storages.InMemoryStorage()
    study = albacore.create_study(storage=storage, study_name="long")
    values = np.random.default_rng(0).normal(size=_figures.HISTORY_POINTS + 1500)
    study.add_trials(create_trial(value=float(v), params={"x": 1.0}, distributions={"x": X}) for v in values)
    client = client_for(storage)
    answer = client.get(f"/api/studies/{_study_id(client, 'long')}/figures/history").json()
    shown = answer["figure"]["data"][0]
    numbers = np.array(_decode(shown["x"]))
    assert len(numbers) >= _figures.HISTORY_POINTS and len(numbers) < len(values)
    assert answer["note"].startswith(f"showing {len(numbers):,} of {len(values):,} trials (random sample)")
    improvements = np.flatnonzero(values == np.minimum.accumulate(values))
    assert set(improvements) <= set(numbers.tolist())
    best_line = np.array(_decode(answer["figure"]["data"][1]["y"]))
    assert np.allclose(best_line, np.minimum.accumulate(values)[numbers])


def _decode(array: Any) -> list[float]:
    """A plotly JSON array: a list, or {"dtype", "bdata"} (base64 of the numpy buffer)."""
    if isinstance(array, list):
        return array
    import base64

    return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()


@pytest.mark.parametrize("kind", ["mysql", "redis"])
def test_mysql_and_redis_journal_storages_are_served_too(
    kind: str, request: pytest.FixtureRequest, unique: Callable[[str], str], client_for: Callable[..., Any]
) -> None:
    if kind == "mysql":
        storage: Any = request.getfixturevalue("mysql_url")
    else:
        from albacore.storages.journal import JournalRedisBackend, JournalStorage

        storage = JournalStorage(
            JournalRedisBackend(request.getfixturevalue("redis_url"), prefix=request.getfixturevalue("redis_prefix"))
        )
    name = unique(kind)
    quiet()
    study = albacore.create_study(storage=storage if kind == "redis" else open_storage(storage), study_name=name)
    study.add_trial(create_trial(value=2.0, params={"x": 1.0}, distributions={"x": X}))
    study.ask()
    client = client_for(storage)
    sid = _study_id(client, name)
    assert client.get(f"/api/studies/{sid}").json()["counts"]["RUNNING"] == 1
    assert client.post(f"/api/studies/{sid}/trials/1/tell", json={"values": [1.0]}, headers=WRITE).status_code == 200
    assert study.trials[1].values == [1.0]
