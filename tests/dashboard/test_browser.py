"""The dashboard in a real browser (Debian's headless Chromium driven by Playwright).

Most tests work on a study whose name and attributes are HTML/script injections, so every page
they visit also checks that user strings are shown as text. Screenshots of the main pages are
taken of a plainly named copy of that study (``test_screenshots_of_the_main_pages``); with
``ALBACORE_DASHBOARD_SCREENSHOTS=DIR`` they are written to DIR (the README's come from
``ALBACORE_DASHBOARD_SCREENSHOTS=docs/dashboard``), otherwise to the test's temporary folder.
"""

from __future__ import annotations

import functools
import os
import pathlib
import shutil
import subprocess
import sys
import textwrap
from typing import Callable

import pytest

import albacore
from albacore.trial import TrialState
from tests.dashboard.conftest import Page, quiet

XSS_NAME = '<img src=x onerror="window.__xss=1">tuning'
XSS_ATTR = '<script>window.__xss=2</script><img src=x onerror="window.__xss=3">'
PLAIN_NAME = "mlp-tuning"
POLL = "?poll_ms=250"


@pytest.fixture
def shots(tmp_path: pathlib.Path) -> pathlib.Path:
    folder = pathlib.Path(os.environ.get("ALBACORE_DASHBOARD_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _objective(trial: albacore.Trial, note: str = XSS_ATTR) -> float:
    lr = trial.suggest_float("learning_rate", 1e-4, 1e-1, log=True)
    layers = trial.suggest_int("layers", 1, 6)
    dropout = trial.suggest_float("dropout", 0.0, 0.5)
    optimizer = trial.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
    loss = (abs(lr - 0.01) * 40 + (layers - 3) ** 2 * 0.1 + dropout + (optimizer == "sgd") * 0.3)
    for step in range(5):
        trial.report(loss * (1 + 1 / (step + 1)), step)
    trial.set_user_attr("note", note)
    return loss


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A SQLite file with a single-objective study (XSS in its name and a user attr) and a
    RUNNING trial in it, the same study under a plain name, and a multi-objective study;
    written once, copied for each test."""
    quiet()
    path = tmp_path_factory.mktemp("template") / "browser.db"
    url = f"sqlite:///{path}"
    for name, text in ((XSS_NAME, XSS_ATTR), (PLAIN_NAME, "vision team")):
        study = albacore.create_study(storage=url, study_name=name, sampler=albacore.samplers.RandomSampler(seed=1))
        study.set_user_attr("team", text)
        study.optimize(functools.partial(_objective, note=text), n_trials=60)
        running = study.ask()
        running.suggest_float("learning_rate", 1e-4, 1e-1, log=True)
    multi = albacore.create_study(storage=url, study_name="accuracy-vs-latency", directions=["maximize", "minimize"],
                                  sampler=albacore.samplers.RandomSampler(seed=2))
    multi.set_metric_names(["accuracy", "latency_ms"])
    multi.optimize(lambda t: (1 - (t.suggest_float("width", 0, 1) - 0.7) ** 2, 10 + 40 * t.suggest_float("depth", 0, 1)
                              + 20 * t.params["width"]), n_trials=80)
    return path


@pytest.fixture
def storage(template: pathlib.Path, tmp_path: pathlib.Path) -> str:
    """A fresh copy of ``template``'s storage."""
    quiet()
    shutil.copy(template, tmp_path / "browser.db")
    return f"sqlite:///{tmp_path / 'browser.db'}"


def _sid(url: str, name: str) -> int:
    return albacore.load_study(study_name=name, storage=url)._study_id


def _no_xss(page: Page) -> None:
    assert page.page.evaluate("window.__xss") is None
    assert page.errors == []


def test_study_list_loads_with_names_as_text(storage: str, live_server: Callable[..., str], page: Page) -> None:
    base = live_server(storage)
    page.page.goto(base + "/")
    page.page.wait_for_selector(".study-link")
    names = page.page.locator(".study-link").all_inner_texts()
    assert sorted(names) == sorted([XSS_NAME, PLAIN_NAME, "accuracy-vs-latency"])
    row = page.page.locator("#study-rows tr", has_text="onerror")
    assert "61" in row.inner_text() and "COMPLETE 60" in row.inner_text() and "RUNNING 1" in row.inner_text()
    page.page.fill("#study-search", "latency")
    page.page.wait_for_function("document.querySelectorAll('.study-link').length === 1")
    page.page.fill("#study-search", "")
    page.page.wait_for_function("document.querySelectorAll('.study-link').length === 3")
    _no_xss(page)


def test_study_page_renders_every_plot_without_console_errors(storage: str, live_server: Callable[..., str],
                                                              page: Page) -> None:
    base = live_server(storage)
    page.page.goto(f"{base}/#/study/{_sid(storage, XSS_NAME)}")
    page.page.wait_for_selector("#app[data-ready=study]")
    assert page.page.inner_text("#study-name") == XSS_NAME
    assert XSS_ATTR in page.page.inner_text("#study-summary")
    page.page.wait_for_selector("#plot[data-ready=history] .main-svg")
    for kind in ("intermediate", "parallel", "slice", "contour", "importance", "timeline"):
        page.page.click(f"[data-figure={kind}]")
        page.page.wait_for_selector(f"#plot[data-ready={kind}] .main-svg", state="attached")
    assert page.page.locator("#trial-rows tr").count() == 25
    page.page.click("th[data-sort=value]")  # sort by value: the best trial first
    page.page.wait_for_selector("th.sorted-asc[data-sort=value]")
    best = albacore.load_study(study_name=XSS_NAME, storage=storage).best_trial.number
    page.page.wait_for_function(f"document.querySelector('#trial-rows tr').dataset.number === '{best}'")
    page.page.check("input.state-filter[value=RUNNING]")
    page.page.wait_for_function("document.querySelectorAll('#trial-rows tr').length === 1")
    _no_xss(page)

    page.page.goto(f"{base}/#/study/{_sid(storage, 'accuracy-vs-latency')}")
    page.page.wait_for_selector("#plot[data-ready=pareto] .main-svg")
    page.page.click("[data-figure=hypervolume]")
    page.page.wait_for_selector("#plot[data-ready=hypervolume] .main-svg")
    page.page.click("[data-figure=history]")
    page.page.select_option("#objective", "1")
    page.page.wait_for_selector("#plot[data-ready=history] .main-svg")
    assert page.errors == []


def test_the_first_figure_is_drawn_without_plotly_then_made_interactive(storage: str, live_server: Callable[..., str],
                                                                        page: Page) -> None:
    base = live_server(storage)
    page.page.goto(base + "/")
    page.page.wait_for_selector(".study-link")
    assert page.page.evaluate("window.Plotly === undefined && !document.querySelector('script[src*=plotly]')")
    sid = _sid(storage, XSS_NAME)
    page.page.goto(f"{base}/#/study/{sid}")
    page.page.wait_for_selector("#plot[data-ready=history] .main-svg", state="attached")
    drawn = page.page.evaluate(f"""async () => {{
        const result = await api("/api/studies/{sid}/figures/history?objective=0&params=");
        const traces = lightTraces(result.figure);
        const div = document.createElement("div");
        document.body.append(div);
        drawLight(div, result.figure, traces);
        return {{ points: traces.map((t) => t.x.length), paths: div.querySelectorAll("path").length,
                  legend: Array.from(div.querySelectorAll("text.legend"), (t) => t.textContent),
                  title: div.querySelector("text.title").textContent }};
    }}""")
    assert drawn["points"] == [60, 60]  # 60 COMPLETE trials: each value and the best value so far
    assert drawn["paths"] == 2 and drawn["legend"] == ["Objective Value", "Best Value"]
    assert drawn["title"] == "Optimization History Plot"
    timeline = page.page.evaluate(
        f"""async () => lightTraces((await api("/api/studies/{sid}/figures/timeline")).figure)""")
    assert timeline is None  # dates and bars: plotly.js draws it
    assert page.errors == []


def _add_trial_in_another_process(url: str, name: str) -> None:
    code = textwrap.dedent(f"""
        import albacore
        albacore.logging.set_verbosity(albacore.logging.WARNING)
        study = albacore.load_study(study_name={name!r}, storage={url!r})
        study.enqueue_trial({{"learning_rate": 0.01, "layers": 3, "dropout": 0.0, "optimizer": "adam"}})
        trial = study.ask()
        study.tell(trial, -1.0)
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_a_trial_added_by_another_process_appears_without_reload(storage: str, live_server: Callable[..., str],
                                                                 page: Page) -> None:
    base = live_server(storage)
    page.page.goto(f"{base}/{POLL}#/study/{_sid(storage, XSS_NAME)}")
    page.page.wait_for_selector("#app[data-ready=study]")
    page.page.evaluate("window.__same_page = true")
    assert page.page.locator("#trial-rows tr[data-number='61']").count() == 0
    _add_trial_in_another_process(storage, XSS_NAME)
    # A poll may catch the trial between ask and tell; a later poll patches the row to COMPLETE.
    page.page.wait_for_selector("#trial-rows tr[data-number='61']:has-text('COMPLETE')")
    page.page.wait_for_function("document.querySelector('#best-value').innerText.includes('-1 (trial #61)')")
    assert page.page.evaluate("window.__same_page") is True  # no reload happened
    _no_xss(page)


def test_telling_a_running_trial_from_the_page_reaches_the_storage(storage: str, live_server: Callable[..., str],
                                                                   page: Page) -> None:
    base = live_server(storage)
    page.page.goto(f"{base}/#/study/{_sid(storage, XSS_NAME)}/trial/60")
    page.page.wait_for_selector("#app[data-ready=trial]")
    page.page.fill(".tell-value", "twelve")
    page.page.click("#tell-complete")
    assert page.page.inner_text("#tell-message") == 'value 0 must be a number, got "twelve"'
    trial = albacore.load_study(study_name=XSS_NAME, storage=storage).trials[60]
    assert trial.state == TrialState.RUNNING  # nothing written
    page.page.fill(".tell-value", "0.125")
    page.page.click("#tell-complete")
    page.page.wait_for_function("document.querySelector('#trial-values').innerText === '0.125'")
    trial = albacore.load_study(study_name=XSS_NAME, storage=storage).trials[60]
    assert (trial.state, trial.values) == (TrialState.COMPLETE, [0.125])
    assert page.page.locator("#tell-complete").count() == 0  # a finished trial cannot be told again
    _no_xss(page)


def test_marking_a_running_trial_failed_from_the_page(
    storage: str, live_server: Callable[..., str], page: Page
) -> None:
    base = live_server(storage)
    page.page.goto(f"{base}/#/study/{_sid(storage, XSS_NAME)}/trial/60")
    page.page.wait_for_selector("#tell-fail")
    page.page.click("#tell-fail")
    page.page.wait_for_selector("#tell-complete", state="detached")
    assert albacore.load_study(study_name=XSS_NAME, storage=storage).trials[60].state == TrialState.FAIL


def test_notes_persist_across_reloads(storage: str, live_server: Callable[..., str], page: Page) -> None:
    base = live_server(storage)
    sid = _sid(storage, XSS_NAME)
    page.page.goto(f"{base}/#/study/{sid}")
    page.page.wait_for_selector("#app[data-ready=study]")
    page.page.fill("#study-note", "Learning rates above 0.05 diverge. <b>not bold</b>")
    page.page.click("#study-note-save")
    page.page.wait_for_selector("#study-note-status.ok")
    page.page.reload()
    page.page.wait_for_selector("#app[data-ready=study]")
    assert page.page.input_value("#study-note") == "Learning rates above 0.05 diverge. <b>not bold</b>"

    page.page.goto(f"{base}/#/study/{sid}/trial/7")
    page.page.wait_for_selector("#app[data-ready=trial]")
    assert XSS_ATTR in page.page.inner_text("#trial-user-attrs")
    page.page.fill("#trial-note", "checked by hand")
    page.page.click("#trial-note-save")
    page.page.wait_for_selector("#trial-note-status.ok")
    page.page.reload()
    page.page.wait_for_selector("#app[data-ready=trial]")
    assert page.page.input_value("#trial-note") == "checked by hand"
    _no_xss(page)


def test_screenshots_of_the_main_pages(storage: str, live_server: Callable[..., str], page: Page,
                                       shots: pathlib.Path) -> None:
    base = live_server(storage)
    page.page.set_viewport_size({"width": 1280, "height": 800})
    page.page.goto(base + "/")
    page.page.wait_for_selector(".study-link")
    page.page.screenshot(path=str(shots / "study-list.png"))

    sid = _sid(storage, PLAIN_NAME)
    page.page.goto(f"{base}/#/study/{sid}")
    page.page.wait_for_selector("#app[data-ready=study]")
    page.page.fill("#study-note", "Learning rates above 0.05 diverge; try layers 3-4 next.")
    page.page.click("#study-note-save")
    page.page.wait_for_selector("#study-note-status.ok")
    page.page.wait_for_function("window.Plotly !== undefined")  # the interactive figure, not the first paint
    page.page.wait_for_selector("#plot[data-ready=history] .main-svg")
    page.page.screenshot(path=str(shots / "study-page.png"), full_page=True)
    page.page.click("[data-figure=parallel]")
    page.page.wait_for_selector("#plot[data-ready=parallel] .main-svg")
    page.page.locator("#plot").screenshot(path=str(shots / "parallel-coordinates.png"))

    page.page.goto(f"{base}/#/study/{sid}/trial/60")
    page.page.wait_for_selector("#app[data-ready=trial]")
    page.page.screenshot(path=str(shots / "trial-page-running.png"), full_page=True)
    page.page.goto(f"{base}/#/study/{sid}/trial/7")
    page.page.wait_for_selector("#app[data-ready=trial]")
    page.page.fill("#trial-note", "checked by hand")
    page.page.click("#trial-note-save")
    page.page.wait_for_selector("#trial-note-status.ok")
    page.page.screenshot(path=str(shots / "trial-page.png"), full_page=True)

    page.page.goto(f"{base}/#/study/{_sid(storage, 'accuracy-vs-latency')}")
    page.page.wait_for_selector("#plot[data-ready=pareto] .main-svg")
    page.page.locator("#plot").screenshot(path=str(shots / "pareto-front.png"))
    assert sorted(path.name for path in shots.glob("*.png")) == [
        "parallel-coordinates.png", "pareto-front.png", "study-list.png", "study-page.png",
        "trial-page-running.png", "trial-page.png"]
    assert page.errors == []


def test_deleting_a_study_asks_for_its_name(storage: str, live_server: Callable[..., str], page: Page) -> None:
    base = live_server(storage)
    page.page.goto(base + "/")
    page.page.wait_for_selector(".study-link")
    page.page.locator("#study-rows tr", has_text="accuracy-vs-latency").locator("button.delete").click()
    assert page.page.is_disabled("#confirm-ok")
    page.page.fill("#confirm-input", "accuracy")
    assert page.page.is_disabled("#confirm-ok")
    page.page.fill("#confirm-input", "accuracy-vs-latency")
    page.page.click("#confirm-ok")
    page.page.wait_for_function("document.querySelectorAll('.study-link').length === 2")
    assert sorted(albacore.get_all_study_names(storage)) == sorted([XSS_NAME, PLAIN_NAME])
    _no_xss(page)


def test_read_only_pages_offer_no_writes(storage: str, live_server: Callable[..., str], page: Page) -> None:
    base = live_server(storage, read_only=True)
    page.page.goto(f"{base}/#/study/{_sid(storage, XSS_NAME)}/trial/60")
    page.page.wait_for_selector("#app[data-ready=trial]")
    assert page.page.inner_text("#mode") == "read-only"
    assert page.page.locator("#tell-complete").count() == 0
    assert page.page.is_disabled("#trial-note-save")
    page.page.goto(base + "/")
    page.page.wait_for_selector(".study-link")
    assert page.page.locator("button.delete").count() == 0
    assert page.errors == []


def test_a_missing_study_shows_a_message(storage: str, live_server: Callable[..., str], page: Page) -> None:
    base = live_server(storage)
    page.page.goto(f"{base}/#/study/424242")
    page.page.wait_for_selector("#page-error")
    assert page.page.inner_text("#page-error") == "no study with id 424242 in this storage"
