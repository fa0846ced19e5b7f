"""Import time of ``import albacore`` vs ``import optuna`` (5.0), in the same environment.

Each repeat runs ``python -X importtime -c "import <package>"`` in a fresh interpreter and
takes the cumulative time the interpreter reports for the package's top-level import
(everything it pulls in, numpy included; interpreter start-up modules excluded, the same for
both). The two packages alternate, so load on the machine hits both alike. The table shows
the median and the fastest repeat, and the ratio albacore / optuna of the medians (the target
is 0.5 or less). A second table counts the modules each import leaves in ``sys.modules``:
all of them beyond a bare interpreter's, and the package's own.

Usage:
    python benchmarks/import_time.py [--repeats 9] [--albacore-path DIR]

``--albacore-path`` puts DIR first on ``PYTHONPATH`` for the albacore runs, to measure another
checkout (DIR must hold an ``albacore`` package). The latest output is committed in
benchmarks/results/import_time.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys

_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


def _env(path: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if path:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (path, env.get("PYTHONPATH")) if p)
    return env


def import_time_us(package: str, path: str | None = None) -> int:
    """Cumulative microseconds of ``import package`` reported by ``-X importtime``."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {package}"],
        capture_output=True, text=True, check=True, env=_env(path), timeout=300,
    )
    for line in out.stderr.splitlines():
        match = _LINE.match(line)
        if match and match.group(3) == " " and match.group(4) == package:
            return int(match.group(2))
    raise RuntimeError(f"no top-level import line for {package!r} in:\n{out.stderr[-2000:]}")


def module_counts(package: str, path: str | None = None) -> tuple[int, int]:
    """Modules ``import package`` adds to a bare interpreter's ``sys.modules``, and its own."""
    code = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        f"import {package}\n"
        "new = set(sys.modules) - before\n"
        f"own = [m for m in new if m == {package!r} or m.startswith({package + '.'!r})]\n"
        "print(json.dumps([len(new), len(own)]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env(path), timeout=300
    )
    added, own = json.loads(out.stdout.strip().splitlines()[-1])
    return added, own


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="fresh interpreters per package")
    parser.add_argument("--albacore-path", default=None, help="directory put first on PYTHONPATH for albacore")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")

    versions = {}
    for package in ("albacore", "optuna"):
        code = f"import {package}; print({package}.__version__)"
        path = args.albacore_path if package == "albacore" else None
        versions[package] = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_env(path)
        ).stdout.strip()

    # One warm-up run each fills the OS file cache, then the packages alternate.
    import_time_us("albacore", args.albacore_path)
    import_time_us("optuna")
    times: dict[str, list[int]] = {"albacore": [], "optuna": []}
    for _ in range(args.repeats):
        times["albacore"].append(import_time_us("albacore", args.albacore_path))
        times["optuna"].append(import_time_us("optuna"))
    counts = {"albacore": module_counts("albacore", args.albacore_path), "optuna": module_counts("optuna")}

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print("Import time: python -X importtime -c 'import <package>', cumulative time of the package's import")
    print(
        f"albacore {versions['albacore']}, optuna {versions['optuna']}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load:.1f}, {args.repeats} fresh interpreters each (alternating)"
    )
    if args.albacore_path:
        print(f"albacore from {args.albacore_path}")
    print()
    print(f"{'package':10} {'median ms':>10} {'fastest ms':>11} {'modules added':>14} {'own modules':>12}")
    print("-" * 61)
    for package in ("albacore", "optuna"):
        added, own = counts[package]
        print(
            f"{package:10} {statistics.median(times[package]) / 1000:10.1f} {min(times[package]) / 1000:11.1f} "
            f"{added:14d} {own:12d}"
        )
    ratio = statistics.median(times["albacore"]) / statistics.median(times["optuna"])
    print()
    print(f"ratio albacore / optuna (medians): {ratio:.2f}  (target: 0.50 or less)")


if __name__ == "__main__":
    main()
