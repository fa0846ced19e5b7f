"""Backoff: retry a store's calls with exponentially growing delays."""

from __future__ import annotations

import math
import shutil
import tempfile
import time
from typing import BinaryIO, Callable, TypeVar

from albacore._validation import check_callable
from albacore.artifacts._protocol import ArtifactStore, check_store
from albacore.artifacts.exceptions import ArtifactNotFound
from albacore.logging import get_logger

_logger = get_logger(__name__)
_T = TypeVar("_T")
_SPOOL_BYTES = 64 * 1024 * 1024


class Backoff:
    """Wrap an artifact store so that its failing calls are retried after growing delays.

    Every call of ``open_reader``, ``write`` and ``remove`` is tried up to ``max_retries``
    times in all; after the ``n``-th failure (counting from 0) it waits
    ``min(min_delay * multiplier**n, max_delay)`` seconds. The defaults wait 0.1, 0.2, 0.4,
    ... seconds, capped at 30. :class:`~albacore.artifacts.exceptions.ArtifactNotFound` is
    an answer, not a failure, and is raised at once; when every try fails, the last error
    is raised. A retried ``write`` sends the content from where the first try started (a
    stream that cannot seek is first copied to a temporary file).

    Args:
        backend: The store to wrap.
        max_retries: How many times a call is tried in all (the first try included).
        multiplier: What each delay is multiplied by for the next one.
        min_delay: The first delay, in seconds.
        max_delay: The longest delay, in seconds.
        sleep: Called with each delay in seconds; defaults to :func:`time.sleep`.

    Raises:
        TypeError: If ``backend`` is not a store or a number has the wrong type.
        ValueError: If ``max_retries < 1``, ``multiplier <= 0``, ``min_delay < 0``,
            ``max_delay < min_delay`` or a number is not finite.

    Example:
        .. code-block:: python

            from albacore.artifacts import Backoff, Boto3ArtifactStore, upload_artifact

            store = Backoff(Boto3ArtifactStore("my-bucket"), max_retries=5)

            def objective(trial):
                ...
                upload_artifact(artifact_store=store, file_path="model.pt", study_or_trial=trial)
    """

    def __init__(
        self,
        backend: ArtifactStore,
        *,
        max_retries: int = 10,
        multiplier: float = 2,
        min_delay: float = 0.1,
        max_delay: float = 30,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        check_store(backend, "backend", "Backoff")
        if isinstance(max_retries, bool) or not isinstance(max_retries, int):
            raise TypeError(f"Backoff: max_retries must be an int, got max_retries={max_retries!r}")
        if max_retries < 1:
            raise ValueError(f"Backoff: max_retries must be >= 1 (tries in all), got max_retries={max_retries!r}")
        for name, value in (("multiplier", multiplier), ("min_delay", min_delay), ("max_delay", max_delay)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"Backoff: {name} must be a number, got {name}={value!r}")
            if not math.isfinite(value):
                raise ValueError(f"Backoff: {name} must be finite, got {name}={value!r}")
        if multiplier <= 0:
            raise ValueError(f"Backoff: multiplier must be > 0, got multiplier={multiplier!r}")
        if min_delay < 0:
            raise ValueError(f"Backoff: min_delay must be >= 0 seconds, got min_delay={min_delay!r}")
        if max_delay < min_delay:
            raise ValueError(
                f"Backoff: max_delay must be >= min_delay, got max_delay={max_delay!r} and min_delay={min_delay!r}"
            )
        check_callable("Backoff", "sleep", sleep, allow_none=True)
        self._backend = backend
        self._max_retries = max_retries
        self._multiplier = float(multiplier)
        self._min_delay = float(min_delay)
        self._max_delay = float(max_delay)
        self._sleep = sleep

    def __repr__(self) -> str:
        return (
            f"Backoff({self._backend!r}, max_retries={self._max_retries}, multiplier={self._multiplier}, "
            f"min_delay={self._min_delay}, max_delay={self._max_delay})"
        )

    def _delay(self, n_failures: int) -> float:
        """The wait in seconds after failure number ``n_failures`` (0 for the first)."""
        return min(self._min_delay * self._multiplier**n_failures, self._max_delay)

    def _call(self, operation: str, artifact_id: str, attempt: Callable[[], _T]) -> _T:
        for n_failures in range(self._max_retries):
            try:
                return attempt()
            except ArtifactNotFound:
                raise
            except Exception as exc:
                if n_failures == self._max_retries - 1:
                    raise
                wait = self._delay(n_failures)
                _logger.info(
                    "%s(%r) failed (%s: %s); try %d of %d in %.3g s",
                    operation, artifact_id, type(exc).__name__, exc, n_failures + 2, self._max_retries, wait,
                )
                (self._sleep or time.sleep)(wait)
        raise AssertionError("unreachable: the last try returns or raises")

    def open_reader(self, artifact_id: str) -> BinaryIO:
        """``backend.open_reader(artifact_id)``, retried."""
        return self._call("open_reader", artifact_id, lambda: self._backend.open_reader(artifact_id))

    def write(self, artifact_id: str, content_body: BinaryIO) -> None:
        """``backend.write(artifact_id, content_body)``, retried from the same start."""
        if self._max_retries == 1:
            self._backend.write(artifact_id, content_body)
            return
        if _seekable(content_body):
            self._write_from(artifact_id, content_body, content_body.tell())
            return
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as copy:
            shutil.copyfileobj(content_body, copy)
            copy.seek(0)
            self._write_from(artifact_id, copy, 0)  # type: ignore[arg-type]

    def _write_from(self, artifact_id: str, body: BinaryIO, start: int) -> None:
        def attempt() -> None:
            body.seek(start)
            self._backend.write(artifact_id, body)

        self._call("write", artifact_id, attempt)

    def remove(self, artifact_id: str) -> None:
        """``backend.remove(artifact_id)``, retried."""
        self._call("remove", artifact_id, lambda: self._backend.remove(artifact_id))


def _seekable(body: BinaryIO) -> bool:
    try:
        return bool(body.seekable())
    except (AttributeError, ValueError, OSError):
        return False
