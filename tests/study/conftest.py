"""Fixtures shared by the study tests."""

from __future__ import annotations

import logging
from typing import Iterator

import pytest


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, level: int | None = None) -> list[str]:
        return [r.getMessage() for r in self.records if level is None or r.levelno == level]


@pytest.fixture
def albacore_logs() -> Iterator[_ListHandler]:
    """Records of the ``albacore`` logger (which does not propagate to pytest's caplog)."""
    handler = _ListHandler()
    logger = logging.getLogger("albacore")
    level = logger.level
    logger.setLevel(logging.INFO)  # the default, whatever other tests left behind
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
