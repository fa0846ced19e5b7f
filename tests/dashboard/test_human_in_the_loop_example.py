"""examples/human_in_the_loop.py end to end: the script asks trials and waits; a "person"
rates them through the dashboard's HTTP API, exactly as the trial page does."""

from __future__ import annotations

import json
import pathlib
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

from tests.dashboard.conftest import free_port

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "human_in_the_loop.py"


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "Content-Type": "application/json", "X-Albacore-Dashboard": "1"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 30
    while True:
        try:
            with opener.open(request, timeout=10) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ConnectionError):  # refused, or dropped while uvicorn starts
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)  # the server thread is still starting


def test_a_person_rates_each_trial_from_the_page(tmp_path: pathlib.Path) -> None:
    port = free_port()
    storage = f"sqlite:///{tmp_path / 'cookies.db'}"
    process = subprocess.Popen(
        [sys.executable, str(EXAMPLE), "--storage", storage, "--n-trials", "3", "--port", str(port),
         "--poll-seconds", "0.1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    ratings = {0: "7.5", 1: None, 2: "9"}  # trial 1 was burnt: FAIL
    try:
        lines = []
        for number, rating in ratings.items():
            line = process.stdout.readline()
            lines.append(line)
            found = re.search(rf"trial {number} waiting for a rating: (http://127\.0\.0\.1:{port})/#/study/(\d+)/trial/{number}",
                              line)
            assert found, (line, process.stderr.read() if process.poll() is not None else "")
            base, study_id = found.group(1), found.group(2)
            body = {"state": "FAIL"} if rating is None else {"values": [rating]}
            told = _post(f"{base}/api/studies/{study_id}/trials/{number}/tell", body)
            assert told["state"] == ("FAIL" if rating is None else "COMPLETE")
            assert process.stdout.readline().startswith(f"trial {number} {told['state']}")
        process.wait(timeout=60)
        out, err = process.stdout.read(), process.stderr.read()  # not communicate(): it skips readline's buffer
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert re.search(r"best recipe: \{.*\} rated 9\.0", out), out
