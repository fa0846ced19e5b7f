"""The process pool of ``optimize(executor="process", trial_timeout=...)``: workers stopped one at a time.

A ``ProcessPoolExecutor`` cannot stop one of its workers: killing one breaks the pool and
fails every work unit running on it. :class:`KillablePool` keeps each worker process
behind its own pipe and its own thread in the parent (a "slot"). A work unit still running
``limit`` seconds after its slot handed it to the worker has that worker stopped (SIGTERM,
then SIGKILL a second later); its future gets ``on_timeout(*args)`` (which ends the trial)
and a fresh worker, started with the slot's initializer arguments, takes the slot. The
other workers, and the trials they run, are not touched.
"""

from __future__ import annotations

import queue
import threading
import traceback
from collections.abc import Sequence
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any, Callable

from albacore.logging import get_logger
from albacore.study._time_limits import _RemoteTraceback

_logger = get_logger(__name__)

_Job = tuple["Future[Any]", Callable[..., Any], tuple[Any, ...], dict[str, Any]]


def _worker_main(conn: Connection, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    """A worker process: run the initializer, then one job at a time until told to stop."""
    try:
        initializer(*initargs)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        conn.send(("error", exc, traceback.format_exc()))
        return
    conn.send(("ready", None, ""))
    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if job is None:
            return
        fn, args, kwargs = job
        try:
            reply: tuple[str, Any, str] = ("ok", fn(*args, **kwargs), "")
        except BaseException as exc:  # noqa: BLE001 - handed to the job's future
            reply = ("error", exc, traceback.format_exc())
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - a result or error that does not pickle
            conn.send(("error", RuntimeError(f"{reply[1]!r} could not be sent to the parent: {exc}"), reply[2]))


class _Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, context: Any, initializer: Callable[..., None], initargs: tuple[Any, ...], name: str) -> None:
        self.conn, child_conn = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child_conn, initializer, initargs), name=name)
        self.process.start()
        child_conn.close()  # so that the worker's death reads as EOF here
        try:
            kind, value, text = self.conn.recv()
        except EOFError:
            self.process.join()
            self.conn.close()
            raise BrokenProcessPool(
                f"a worker process exited while starting (exit code {self.process.exitcode})"
            ) from None
        if kind == "error":
            self.close()
            raise BrokenProcessPool(f"a worker process failed to start: {value!r}") from _RemoteTraceback(text)

    def run(self, job: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]], limit: float) -> tuple[str, Any]:
        """Hand ``job`` to the worker and wait up to ``limit`` seconds.

        Returns:
            ``("ok", result)``, ``("error", exc)``, ``("timeout", None)`` or ``("died", exit_code)``.
        """
        try:
            self.conn.send(job)
            if not self.conn.poll(limit):
                return "timeout", None
            kind, value, text = self.conn.recv()
        except (EOFError, BrokenPipeError, ConnectionResetError):
            self.process.join()
            return "died", self.process.exitcode
        if kind == "error" and text:
            value.__cause__ = _RemoteTraceback(text)
        return kind, value

    def kill(self) -> None:
        """Stop the worker now: SIGTERM, then SIGKILL if it is still there after a second."""
        self.process.terminate()
        self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()

    def close(self) -> None:
        """Ask the worker to exit after its job; stop it if it has not within five seconds."""
        try:
            self.conn.send(None)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        self.process.join(5.0)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


class KillablePool(Executor):
    """``n_workers`` worker processes, each running one call at a time, each stopped past ``limit``.

    Args:
        n_workers: Number of worker processes (slots).
        limit: Seconds a call may run on its worker before the worker is stopped.
        context: The ``multiprocessing`` context that starts the workers.
        initializer: Run in each worker process when it starts (replacements included).
        initargs: One argument tuple of ``initializer`` per slot.
        on_timeout: Called in the parent with a stopped call's arguments; its return
            value (or error) becomes the call's result.
    """

    def __init__(
        self,
        n_workers: int,
        limit: float,
        context: Any,
        initializer: Callable[..., None],
        initargs: Sequence[tuple[Any, ...]],
        on_timeout: Callable[..., Any],
    ) -> None:
        self._limit = limit
        self._context = context
        self._initializer = initializer
        self._initargs = list(initargs)
        self._on_timeout = on_timeout
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._shut = False
        self._slots = [
            threading.Thread(target=self._serve, args=(slot,), name=f"albacore-process-slot-{slot}", daemon=True)
            for slot in range(n_workers)
        ]
        for thread in self._slots:
            thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Queue ``fn(*args, **kwargs)`` for the next free worker; return its future."""
        future: Future[Any] = Future()
        with self._lock:
            if self._shut:
                raise RuntimeError("KillablePool: cannot submit after shutdown")
            self._jobs.put((future, fn, args, kwargs))
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Accept no more calls; let running calls end (each within ``limit``); stop the workers."""
        with self._lock:
            first, self._shut = not self._shut, True
        if first:
            if cancel_futures:
                while True:
                    try:
                        job = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                    if job is not None:
                        job[0].cancel()
            for _ in self._slots:
                self._jobs.put(None)
        if wait:
            for thread in self._slots:
                thread.join()

    def _start(self, slot: int) -> _Worker:
        return _Worker(self._context, self._initializer, self._initargs[slot], f"albacore-worker-{slot}")

    def _try_start(self, slot: int) -> _Worker | None:
        """A new worker for ``slot``; None if it fails to start (the next call's start raises)."""
        try:
            return self._start(slot)
        except Exception as exc:  # noqa: BLE001 - raised again by the start for the next call
            _logger.warning("A worker process failed to start: %s", exc)
            return None

    def _serve(self, slot: int) -> None:
        """A slot's thread: hand queued calls to its worker, replacing the worker when it is stopped."""
        worker = self._try_start(slot)
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                future, fn, args, kwargs = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    if worker is None:
                        worker = self._start(slot)
                    kind, value = worker.run((fn, args, kwargs), self._limit)
                except BaseException as exc:  # noqa: BLE001 - e.g. a call that does not pickle
                    future.set_exception(exc)
                    continue
                if kind == "ok":
                    future.set_result(value)
                elif kind == "error":
                    future.set_exception(value)
                elif kind == "timeout":
                    worker.kill()
                    try:
                        future.set_result(self._on_timeout(*args, **kwargs))
                    except BaseException as exc:  # noqa: BLE001 - handed to the loop
                        future.set_exception(exc)
                    worker = self._try_start(slot)  # now, so the next call does not wait for it
                else:
                    worker = None
                    future.set_exception(
                        BrokenProcessPool(f"a worker process died (exit code {value}) while running a work unit")
                    )
        finally:
            if worker is not None:
                worker.close()
