"""Worker processes sharing one storage: the scaffolding of the exactly-once tests of the
grid and brute-force samplers."""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable

import albacore


def shared_storage(url: str) -> Any:
    """A storage processes share: the SQLite URL itself, or a journal file at the path ``url``."""
    if url.startswith("sqlite"):
        return url
    from albacore.storages import JournalFileBackend, JournalStorage

    return JournalStorage(JournalFileBackend(url))


def run_workers(tmp_path: Any, kind: str, study_name: str, worker: Callable[[str, int, str], None],
                n_workers: int = 4) -> tuple[str, list[str]]:
    """Create ``study_name`` on a ``kind`` ("sqlite" or "journal") storage under ``tmp_path``,
    run ``worker(url, seed, log)`` in ``n_workers`` forked processes, wait for all to exit
    cleanly, and return the URL and the lines the workers appended to ``log``."""
    url = f"sqlite:///{tmp_path / 'study.db'}" if kind == "sqlite" else os.fspath(tmp_path / "journal.log")
    log = os.fspath(tmp_path / "evaluated.txt")
    albacore.create_study(study_name=study_name, storage=shared_storage(url))
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=worker, args=(url, seed, log)) for seed in range(n_workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    with open(log) as f:
        return url, f.read().splitlines()
