"""The ``albacore`` command line: commands, formats, errors (in-process and as a subprocess)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

import albacore
from albacore.cli import main
from albacore.trial import TrialState

SEARCH_SPACE = json.dumps(
    {
        "x": {"name": "FloatDistribution", "attributes": {"low": 0.0, "high": 1.0, "step": None, "log": False}},
        "c": {"name": "CategoricalDistribution", "attributes": {"choices": ["a", "b"]}},
    }
)


@pytest.fixture(params=["sqlite", "journal"])
def storage_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.db'}"
    return f"journal://{tmp_path / 'cli.log'}"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_ask_tell_and_list(capsys, storage_url) -> None:
    s = ("--storage", storage_url)
    created = run(capsys, "create-study", *s, "--study-name", "demo", "--direction", "maximize")
    assert created == (0, "demo\n", ""), created
    code, out, _ = run(capsys, "ask", *s, "--study-name", "demo", "--search-space", SEARCH_SPACE)
    asked = json.loads(out)
    assert code == 0 and asked["number"] == 0
    assert 0.0 <= asked["params"]["x"] <= 1.0 and asked["params"]["c"] in ("a", "b")
    assert run(capsys, "tell", *s, "--study-name", "demo", "--trial-number", "0", "--values", "2.5")[0] == 0
    assert run(capsys, "study", "set-user-attr", *s, "--study-name", "demo", "-k", "owner", "--value", "me")[0] == 0

    study = albacore.load_study(study_name="demo", storage=storage_url)
    assert study.trials[0].state == TrialState.COMPLETE and study.trials[0].value == 2.5
    assert study.trials[0].params == asked["params"]
    assert study.user_attrs == {"owner": "me"}

    code, out, _ = run(capsys, "studies", *s, "-f", "json")
    assert json.loads(out) == [
        {
            "name": "demo",
            "direction": ["MAXIMIZE"],
            "n_trials": 1,
            "datetime_start": json.loads(out)[0]["datetime_start"],
            "user_attrs": {"owner": "me"},
        }
    ]
    code, out, _ = run(capsys, "trials", *s, "--study-name", "demo", "-f", "json", "--flatten")
    (row,) = json.loads(out)
    assert row["number"] == 0 and row["value"] == 2.5 and row["state"] == "COMPLETE"
    assert row["params_x"] == asked["params"]["x"]
    code, out, _ = run(capsys, "best-trial", *s, "--study-name", "demo", "-f", "yaml")
    assert yaml.safe_load(out)["value"] == 2.5
    code, out, _ = run(capsys, "study-names", *s)
    assert out == "demo\n"


def test_table_format(capsys, tmp_path) -> None:
    s = ("--storage", f"journal://{tmp_path / 't.log'}")
    run(capsys, "create-study", *s, "--study-name", "tbl")
    for value in ("1.5", "0.25"):
        number = json.loads(run(capsys, "ask", *s, "--study-name", "tbl", "--search-space", SEARCH_SPACE)[1])["number"]
        run(capsys, "tell", *s, "--study-name", "tbl", "--trial-number", str(number), "--values", value)
    code, out, _ = run(capsys, "trials", *s, "--study-name", "tbl")
    lines = out.splitlines()
    assert lines[0].startswith("+--") and lines[0] == lines[2] == lines[-1]
    assert [c.strip() for c in lines[1].strip("|").split("|")] == [
        "number",
        "value",
        "datetime_start",
        "datetime_complete",
        "duration",
        "params",
        "state",
    ]
    assert len(lines) == 6 and "0.25" in lines[4] and "COMPLETE" in lines[3]
    code, out, _ = run(capsys, "best-trial", *s, "--study-name", "tbl", "-f", "value")
    assert out.split()[:2] == ["1", "0.25"]


def test_multi_objective_best_trials_and_tell_states(capsys, tmp_path) -> None:
    s = ("--storage", f"journal://{tmp_path / 'm.log'}")
    run(capsys, "create-study", *s, "--study-name", "mo", "--directions", "minimize", "maximize")
    for values in (("1", "1"), ("2", "3"), ("3", "2")):
        number = json.loads(run(capsys, "ask", *s, "--study-name", "mo")[1])["number"]
        run(capsys, "tell", *s, "--study-name", "mo", "--trial-number", str(number), "--values", *values)
    number = json.loads(run(capsys, "ask", *s, "--study-name", "mo")[1])["number"]
    assert run(capsys, "tell", *s, "--study-name", "mo", "--trial-number", str(number), "--state", "fail")[0] == 0
    code, out, err = run(capsys, "tell", *s, "--study-name", "mo", "--trial-number", str(number), "--values", "1", "1")
    assert code == 1 and "already finished" in err
    assert (
        run(
            capsys,
            "tell",
            *s,
            "--study-name",
            "mo",
            "--trial-number",
            str(number),
            "--values",
            "1",
            "1",
            "--skip-if-finished",
        )[0]
        == 0
    )
    code, out, _ = run(capsys, "best-trials", *s, "--study-name", "mo", "-f", "json")
    assert sorted(r["number"] for r in json.loads(out)) == [0, 1]
    code, _, err = run(capsys, "best-trial", *s, "--study-name", "mo")
    assert code == 1 and "best_trials" in err


def test_ask_with_sampler(capsys, tmp_path) -> None:
    s = ("--storage", f"journal://{tmp_path / 's.log'}")
    run(capsys, "create-study", *s, "--study-name", "smp")
    outs = []
    for _ in range(2):
        run(capsys, "delete-study", *s, "--study-name", "smp")
        run(capsys, "create-study", *s, "--study-name", "smp")
        outs.append(
            run(
                capsys,
                "ask",
                *s,
                "--study-name",
                "smp",
                "--sampler",
                "RandomSampler",
                "--sampler-kwargs",
                '{"seed": 7}',
                "--search-space",
                SEARCH_SPACE,
            )[1]
        )
    assert outs[0] == outs[1]  # same seed, same parameters


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["delete-study", "--study-name", "missing"], "albacore delete-study: error: no study named 'missing'"),
        (["trials", "--study-name", "missing"], "albacore trials: error: no study named 'missing'"),
        (["ask", "--study-name", "e", "--sampler", "NoSuchSampler"], "unknown sampler 'NoSuchSampler'; choose from"),
        (["ask", "--study-name", "e", "--search-space", "{nope"], "--search-space must be a JSON object"),
        (["ask", "--study-name", "e", "--search-space", '{"x": {"name": "Bogus"}}'], "not a serialized distribution"),
        (["ask", "--study-name", "e", "--sampler-kwargs", "{}"], "--sampler-kwargs needs --sampler"),
        (["create-study", "--study-name", "e"], "albacore create-study: error: a study named 'e' already exists"),
        (["create-study", "--direction", "minimize", "--directions", "minimize"], "give --direction or --directions"),
        (["tell", "--study-name", "e", "--trial-number", "9", "--values", "1"], "has no trial number 9"),
        (["storage", "upgrade"], "only RDB storages have a schema to upgrade"),
    ],
)
def test_errors_are_one_line(capsys, tmp_path, argv, message) -> None:
    s = ["--storage", f"journal://{tmp_path / 'e.log'}"]
    run(capsys, "create-study", *s, "--study-name", "e")
    code, out, err = run(capsys, *argv, *s)
    assert code == 1 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_storage_from_environment_and_missing_storage(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("ALBACORE_STORAGE", raising=False)
    code, _, err = run(capsys, "studies")
    assert code == 1 and "no storage given: pass --storage URL or set ALBACORE_STORAGE" in err
    monkeypatch.setenv("ALBACORE_STORAGE", f"journal://{tmp_path / 'env.log'}")
    assert run(capsys, "create-study", "--study-name", "env")[:2] == (0, "env\n")
    assert run(capsys, "study-names")[1] == "env\n"


def test_storage_class_hint(capsys, tmp_path) -> None:
    path = str(tmp_path / "hint.log")
    assert (
        run(capsys, "create-study", "--storage", path, "--storage-class", "JournalFileBackend", "--study-name", "hint")[
            0
        ]
        == 0
    )
    assert albacore.get_all_study_names(f"journal://{path}") == ["hint"]


def test_storage_upgrade_on_sqlite(capsys, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'up.db'}"
    code, _, err = run(capsys, "storage", "upgrade", "--storage", url)
    assert code == 0 and "revision" in err
    albacore.create_study(study_name="after-upgrade", storage=url)
    assert run(capsys, "study-names", "--storage", url)[1] == "after-upgrade\n"


# --- as a real process ------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ALBACORE_STORAGE", None)
    return env


def test_python_m_albacore_cli(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'proc.db'}"
    base = [sys.executable, "-m", "albacore.cli"]
    created = subprocess.run(
        [*base, "create-study", "--storage", url, "--study-name", "p"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert created.returncode == 0 and created.stdout == "p\n"
    asked = subprocess.run(
        [*base, "ask", "--storage", url, "--study-name", "p", "--search-space", SEARCH_SPACE],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert asked.returncode == 0 and json.loads(asked.stdout)["number"] == 0
    missing = subprocess.run(
        [*base, "trials", "--storage", url, "--study-name", "nope"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert missing.returncode == 1 and missing.stdout == ""
    assert missing.stderr.strip() == "albacore trials: error: no study named 'nope'"


def test_console_script(tmp_path) -> None:
    script = shutil.which("albacore")
    assert script is not None, "the albacore console script is not installed (pip install -e .)"
    url = f"journal://{tmp_path / 'script.log'}"
    created = subprocess.run(
        [script, "create-study", "--storage", url, "--study-name", "cs"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert created.returncode == 0 and created.stdout == "cs\n"
    listed = subprocess.run(
        [script, "studies", "--storage", url, "-f", "yaml"], capture_output=True, text=True, env=_env(), timeout=120
    )
    assert listed.returncode == 0 and yaml.safe_load(listed.stdout)[0]["name"] == "cs"
    usage = subprocess.run([script, "tell", "--storage", url], capture_output=True, text=True, env=_env(), timeout=120)
    assert usage.returncode == 2 and "--study-name" in usage.stderr


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["1", "2"], r"--values got 2 value\(s\) \[1.0, 2.0\] but study 'one' has 1 objective\(s\); trial 0 is left"),
        ([], r"give --values \(or --state pruned/fail\) to tell trial 0"),
        (["nan"], r"--values \[nan\] holds NaN; pass --state fail to fail trial 0"),
    ],
)
def test_tell_with_values_that_do_not_fit_exits_non_zero_and_leaves_the_trial_running(
    capsys, tmp_path, values, message
) -> None:
    s = ("--storage", f"sqlite:///{tmp_path / 'tell.db'}")
    run(capsys, "create-study", *s, "--study-name", "one")
    run(capsys, "ask", *s, "--study-name", "one")
    argv = ["tell", *s, "--study-name", "one", "--trial-number", "0"] + (["--values", *values] if values else [])
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert re.search(message, err), err
    study = albacore.load_study(study_name="one", storage=s[1])
    assert study.trials[0].state == TrialState.RUNNING
    assert run(capsys, "tell", *s, "--study-name", "one", "--trial-number", "0", "--values", "1.5")[0] == 0
    assert study.trials[0].state == TrialState.COMPLETE and study.trials[0].value == 1.5


def test_log_file_in_a_missing_directory_is_a_one_line_error(capsys, tmp_path) -> None:
    path = tmp_path / "no" / "such" / "dir" / "cli.log"
    code, out, err = run(capsys, "studies", "--storage", f"sqlite:///{tmp_path / 'l.db'}", "--log-file", str(path))
    assert code == 2 and out == ""
    assert err.strip() == f"albacore studies: error: cannot open --log-file {str(path)!r}: No such file or directory"
