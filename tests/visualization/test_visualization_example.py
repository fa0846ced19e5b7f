"""examples/visualization.py writes every plot of its study, in both backends."""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLOTS = {
    "optimization_history", "intermediate_values", "parallel_coordinate", "contour", "slice", "param_importances",
    "edf", "rank", "timeline", "terminator_improvement", "pareto_front", "hypervolume_history",
}


def test_visualization_example_writes_every_plot(tmp_path: pathlib.Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "visualization.py"), "--out", str(tmp_path), "--trials", "25"],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "trials: 25" in result.stdout
    html = {p.stem for p in (tmp_path / "plotly").glob("*.html")}
    png = {p.stem for p in (tmp_path / "matplotlib").glob("*.png")}
    assert html == PLOTS and png == PLOTS
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in (tmp_path / "matplotlib").glob("*.png"))
    assert "Plotly.newPlot" in (tmp_path / "plotly" / "contour.html").read_text()
