"""Study: a thin handle on one study in a storage."""

from __future__ import annotations

import contextlib
import copy
import numbers
import threading
import weakref
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from albacore._moo import pareto_front_trials
from albacore._study_types import StudyDirection
from albacore._validation import check_choice, check_type
from albacore.distributions import BaseDistribution
from albacore.exceptions import UpdateFinishedTrialError
from albacore.pruners._base import BasePruner
from albacore.samplers._base import BaseSampler
from albacore.storages._base import BaseStorage
from albacore.storages._heartbeat import (
    HeartbeatContext,
    fail_stale_trials,
    is_heartbeat_enabled,
    start_heartbeat,
    stop_heartbeat,
)
from albacore.study import _optimize
from albacore.study._duplicates import check_skip_duplicates
from albacore.study._tell import tell as _tell
from albacore.trial._constraints import is_feasible
from albacore.trial._frozen import FrozenTrial, create_trial
from albacore.trial._state import TrialState
from albacore.trial._trial import FIXED_PARAMS_KEY, Trial

if TYPE_CHECKING:
    import pandas as pd

METRIC_NAMES_KEY = "study:metric_names"
_NO_HEARTBEAT = contextlib.nullcontext()


class _StorageToken:
    """Stands for one storage object in study keys; lives exactly as long as the storage."""

    __slots__ = ("__weakref__",)

    def __repr__(self) -> str:
        return f"<storage token {id(self):#x}>"


_TOKENS: weakref.WeakKeyDictionary[BaseStorage, _StorageToken] = weakref.WeakKeyDictionary()
_STRONG_TOKENS: dict[int, tuple[BaseStorage, _StorageToken]] = {}  # storages without weakrefs
_TOKENS_LOCK = threading.Lock()


def _storage_token(storage: BaseStorage) -> _StorageToken:
    with _TOKENS_LOCK:
        try:
            return _TOKENS.setdefault(storage, _StorageToken())
        except TypeError:  # not weakly referenceable or not hashable: keep it alive instead
            return _STRONG_TOKENS.setdefault(id(storage), (storage, _StorageToken()))[1]


class Study:
    """A study: a set of trials optimizing one objective function (or several).

    Create one with :func:`albacore.create_study` or :func:`albacore.load_study`; every
    method reads and writes through the study's storage, so several ``Study`` objects
    (threads, processes, machines) can work on the same study at once.

    Args:
        study_name: Name of an existing study in ``storage``.
        storage: The storage (or a storage URL) holding the study.
        sampler: The sampler; defaults to albacore's default sampler.
        pruner: The pruner; defaults to albacore's default pruner.

    Example:
        .. code-block:: python

            study = albacore.create_study(direction="minimize")
            study.optimize(lambda t: (t.suggest_float("x", -10, 10) - 2) ** 2, n_trials=100)
            print(study.best_params)
    """

    def __init__(
        self,
        study_name: str,
        storage: str | BaseStorage,
        sampler: BaseSampler | None = None,
        pruner: BasePruner | None = None,
    ) -> None:
        from albacore.study._create import default_pruner, default_sampler, resolve_storage

        self._storage = resolve_storage(storage)
        self._study_id = self._storage.get_study_id_from_name(study_name)
        self.study_name = study_name
        self._directions = self._storage.get_study_directions(self._study_id)
        self._key = (_storage_token(self._storage), self._study_id)
        self.sampler = sampler if sampler is not None else default_sampler()
        self.pruner = pruner if pruner is not None else default_pruner()
        if not isinstance(self.sampler, BaseSampler):
            raise TypeError(f"sampler must be a BaseSampler, got sampler={self.sampler!r}")
        if not isinstance(self.pruner, BasePruner):
            raise TypeError(f"pruner must be a BasePruner, got pruner={self.pruner!r}")
        # A storage's heartbeat settings are fixed when it is built, so this is decided once.
        self._beats = is_heartbeat_enabled(self._storage)
        self._optimize_lock = threading.Lock()
        self._in_optimize = False
        self._stop_requested = False

    # --- pickling: the storage and handles travel, the lock does not ----------------------------
    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_optimize_lock"], state["_key"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._optimize_lock = threading.Lock()
        self._key = (_storage_token(self._storage), self._study_id)

    # --- identity --------------------------------------------------------------------------------
    @property
    def key(self) -> tuple[Any, ...]:
        """A hashable value naming this study within this process, for per-study caches.

        A tuple whose first item stands for the storage object (a token that lives as long
        as the storage object does, never reused) and whose second is the study's id in that
        storage. Handles on the same study through the same storage object have equal keys;
        studies in two storages never do, even when they share a name and an id. Study ids
        are never reused by a storage, so a key never names two studies. A key is not
        meaningful in another process (an unpickled study gets a fresh token). Views such as
        :class:`albacore.pruners.StudyView` extend their study's key with more items.

        Example:
            .. code-block:: python

                caches = {}
                history = caches.setdefault(study.key, [])
        """
        return self._key

    # --- directions ------------------------------------------------------------------------------
    @property
    def direction(self) -> StudyDirection:
        """The direction of a single-objective study.

        Raises:
            RuntimeError: For a multi-objective study (use ``directions``).
        """
        if len(self._directions) > 1:
            raise RuntimeError(f"study {self.study_name!r} has several objectives; use study.directions")
        return self._directions[0]

    @property
    def directions(self) -> list[StudyDirection]:
        """The direction of each objective."""
        return list(self._directions)

    def _is_multi_objective(self) -> bool:
        return len(self._directions) > 1

    # --- trials --------------------------------------------------------------------------------
    @property
    def trials(self) -> list[FrozenTrial]:
        """Every trial of the study, ordered by number (deep copies)."""
        return self.get_trials()

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """Return the trials of the study, ordered by number.

        Args:
            deepcopy: Return copies the caller may modify. Samplers and pruners pass False
                and must then not modify what they get.
            states: Only trials in these states (e.g. ``(TrialState.COMPLETE,)``).
        """
        return self._storage.get_all_trials(self._study_id, deepcopy=deepcopy, states=states)

    @property
    def best_trial(self) -> FrozenTrial:
        """The best feasible COMPLETE trial.

        Raises:
            RuntimeError: For a multi-objective study (use ``best_trials``).
            ValueError: If no feasible trial has completed.
        """
        if self._is_multi_objective():
            raise RuntimeError(
                f"study {self.study_name!r} has {len(self._directions)} objectives, so it has no single "
                f"best trial; use study.best_trials (the Pareto front)"
            )
        try:
            best = self._storage.get_best_trial(self._study_id)
        except ValueError:
            raise ValueError(f"study {self.study_name!r} has no completed feasible trial yet") from None
        return copy.deepcopy(best)

    @property
    def best_params(self) -> dict[str, Any]:
        """Parameters of :attr:`best_trial`."""
        return self.best_trial.params

    @property
    def best_value(self) -> float:
        """Objective value of :attr:`best_trial`."""
        value = self.best_trial.value
        assert value is not None
        return value

    @property
    def best_trials(self) -> list[FrozenTrial]:
        """The Pareto front: feasible COMPLETE trials no other such trial dominates."""
        trials = [
            t for t in self.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)) if is_feasible(t.system_attrs)
        ]
        return copy.deepcopy(pareto_front_trials(trials, self._directions))

    # --- attributes ------------------------------------------------------------------------------
    @property
    def user_attrs(self) -> dict[str, Any]:
        """User attributes of the study."""
        return self._storage.get_study_user_attrs(self._study_id)

    @property
    def system_attrs(self) -> dict[str, Any]:
        """System attributes of the study (state of samplers, pruners, integrations)."""
        return self._storage.get_study_system_attrs(self._study_id)

    def set_user_attr(self, key: str, value: Any) -> None:
        """Set a JSON-serializable user attribute of the study.

        Args:
            key: Attribute name.
            value: Attribute value.
        """
        self._storage.set_study_user_attr(self._study_id, key, value)

    def set_system_attr(self, key: str, value: Any) -> None:
        """Set a system attribute of the study, for samplers, pruners and integrations.

        Args:
            key: Namespaced name, e.g. ``"grid:search_space"``.
            value: JSON-serializable value.
        """
        self._storage.set_study_system_attr(self._study_id, key, value)

    def set_system_attr_if(self, key: str, expected: Any, value: Any) -> bool:
        """Set a study system attribute only if it holds ``expected``: a compare-and-set.

        Atomic across every thread, process and machine sharing the storage, so samplers
        claim what they propose with it (a grid point: of two workers claiming it from the
        same expected value, one gets True).

        Args:
            key: Namespaced name, e.g. ``"grid:<id>:point:3"``.
            expected: The value the attribute must hold, or None for "not set".
            value: JSON-serializable value to write.

        Returns:
            True if written, False if the attribute held something else.

        Example:
            .. code-block:: python

                if study.set_system_attr_if("my_sampler:point:3", None, trial.number):
                    ...  # the point is this trial's
        """
        return self._storage.set_study_system_attr_if(self._study_id, key, expected, value)

    def set_trial_system_attr(self, trial: FrozenTrial | int, key: str, value: Any) -> None:
        """Set a system attribute of an unfinished trial of this study.

        Meant for samplers and pruners, which receive :class:`FrozenTrial` snapshots.

        Args:
            trial: A FrozenTrial of this study, or a trial number.
            key: Namespaced name, e.g. ``"cmaes:generation"``.
            value: JSON-serializable value.
        """
        if isinstance(trial, FrozenTrial):
            trial_id = trial._trial_id
        else:
            trial_id = self._storage.get_trial_id_from_study_id_trial_number(self._study_id, trial)
        self._storage.set_trial_system_attr(trial_id, key, value)

    def set_metric_names(self, metric_names: list[str]) -> None:
        """Name the objectives (used in ``trials_dataframe`` and the CLI).

        Args:
            metric_names: One name per objective.

        Raises:
            ValueError: If the number of names differs from the number of objectives.
        """
        if len(metric_names) != len(self._directions) or not all(isinstance(n, str) for n in metric_names):
            raise ValueError(
                f"set_metric_names: expected {len(self._directions)} str name(s), one per objective, "
                f"got metric_names={metric_names!r}"
            )
        self._storage.set_study_system_attr(self._study_id, METRIC_NAMES_KEY, list(metric_names))

    @property
    def metric_names(self) -> list[str] | None:
        """The objective names set with :meth:`set_metric_names`, or None."""
        return self._storage.get_study_system_attrs(self._study_id).get(METRIC_NAMES_KEY)

    # --- running ---------------------------------------------------------------------------------
    def optimize(
        self,
        func: _optimize.ObjectiveFuncType,
        n_trials: int | None = None,
        timeout: float | None = None,
        n_jobs: int = 1,
        catch: Iterable[type[Exception]] | type[Exception] = (),
        callbacks: Iterable[_optimize.CallbackType] | None = None,
        gc_after_trial: bool = False,
        show_progress_bar: bool = False,
        executor: str | Any = "thread",
        devices: Sequence[str] | Callable[[int], str] | None = None,
        skip_duplicates: bool | str = False,
        trial_timeout: float | None = None,
    ) -> None:
        """Run ``func`` on new trials until a budget is spent.

        Stops after ``n_trials`` trials, when ``timeout`` seconds have passed (no new trial
        starts after that), when :meth:`stop` is called, or when the sampler has nothing left
        to try (e.g. a finished grid) — whichever comes first; with neither ``n_trials`` nor
        ``timeout`` it runs until stopped.

        Args:
            func: Objective taking a :class:`~albacore.trial.Trial` and returning a float
                (or one float per objective).
            n_trials: Number of trials this call runs.
            timeout: Seconds after which no new trial starts.
            n_jobs: Number of threads (or processes) running trials in parallel; ``-1``
                uses every CPU.
            catch: Exception classes that fail the trial without stopping the study.
            callbacks: Functions ``callback(study, frozen_trial)`` called after each trial.
            gc_after_trial: Run ``gc.collect()`` after each trial.
            show_progress_bar: Draw a tqdm progress bar.
            executor: ``"thread"`` runs the ``n_jobs`` workers as threads of this process;
                ``"process"`` runs them as worker processes, which scales a CPU-bound Python
                objective with the cores. Processes share the study through its storage, so
                it must be one processes can share (a database URL such as
                ``"sqlite:///albacore.db"``, a JournalStorage), and ``func``, ``callbacks``,
                the sampler and the pruner must be picklable (module-level functions).
                ``n_trials`` is then the total over all processes. Any other
                ``concurrent.futures.Executor`` (a ``ProcessPoolExecutor``, a Dask
                ``Client`` or its ``get_executor(resources=...)``,
                :class:`albacore.integrations.ray.RayExecutor`) runs the trials on its
                workers, at most ``n_jobs`` at a time, under the same budget; the storage
                must be one every worker reaches (see the README, "Running on a cluster")
                and the objective, callbacks, sampler and pruner travel pickled. The
                executor stays open afterwards.
            devices: With ``executor="process"``, the device each worker process may use,
                e.g. ``["cuda:0", "cuda:1"]`` (worker ``i`` gets ``devices[i % len]``), or
                a callable ``worker_index -> device``; ``"cpu"`` hides every GPU. The
                worker's ``CUDA_VISIBLE_DEVICES`` is set before the objective is loaded,
                so the objective sees its device as ``cuda:0``; ``ALBACORE_DEVICE`` holds
                the name given here.
            skip_duplicates: Do not evaluate a trial whose parameters repeat those of a
                COMPLETE trial (the same names, equal values of the same type, floats as
                stored): the objective is stopped at the ``suggest`` that makes the
                parameters equal a COMPLETE trial's whole set, and the trial is recorded
                COMPLETE with that trial's values (and constraint values), its system
                attribute ``"duplicate_of"`` holding that trial's number; callbacks see it
                as any finished trial. This assumes that which parameters the objective
                suggests depends only on the values suggested before (not on the trial
                number, the time or its own random draws). ``True``: repeats do not count
                against ``n_trials``, so ``n_trials`` is the number of evaluations; after
                100 repeats in a row (a finite space whose every point is evaluated)
                ``optimize`` ends with a warning. ``"count"``: repeats count against
                ``n_trials``, so ``n_trials`` is the number of trials. ``False`` (the
                default) evaluates every trial. Works with every storage and executor. A
                sampler that needs each trial it proposes evaluated declares
                ``supports_skip_duplicates = False``. AutoSampler's deliberate repeat of the
                best trial (system attribute ``"auto:repeat_of"``) is always evaluated. For
                ask-and-tell see :func:`albacore.study.find_duplicate`.
            trial_timeout: Seconds one trial's objective may run (None: no limit). A trial
                over its limit ends as PRUNED with its last reported intermediate value as
                its value if it called ``trial.report``, as FAIL otherwise; either way its
                system attribute ``"albacore:trial_timeout"`` holds the limit, it does not
                stop the study, and its worker goes on with the next trial. How the limit
                is enforced depends on ``executor``. With ``"process"`` it is hard: a
                worker process still running a trial 0.5 s past the limit is stopped
                (SIGTERM, then SIGKILL) and replaced by a fresh one; the other workers'
                trials go on. With any other Executor (Dask, Ray, a
                ``ProcessPoolExecutor``), whose workers ``optimize`` cannot stop, each
                trial runs in a child process of its worker (one interpreter start per
                trial), which is stopped in the same way. With threads (the default, and
                ``n_jobs=1``) running code cannot be stopped: the limit is checked at the
                trial's next ``suggest_*``, ``report`` or ``should_prune`` call, which then
                raises :class:`~albacore.exceptions.TrialTimeoutError` inside the
                objective, and when the objective returns (its value is then dropped); an
                objective that never calls the trial again runs to its end. A FAIL trial
                is treated as one whose worker died: with heartbeats, the storage's
                ``heartbeat_stale_trial_callback`` (e.g.
                :class:`~albacore.storages.RetryHeartbeatStaleTrialCallback`) runs on it.
                Callbacks run on a timed-out trial as on any other (in this process when
                ``executor="process"`` stopped its worker).

        Example:
            .. code-block:: python

                # in a script guarded by `if __name__ == "__main__":`
                study = albacore.create_study(storage="sqlite:///albacore.db")
                study.optimize(objective, n_trials=200, n_jobs=4, executor="process")

        Raises:
            ValueError: On an invalid budget argument, an unknown executor, or with
                ``executor="process"``, a storage processes cannot share or an objective
                that cannot be pickled; on ``skip_duplicates`` other than True, False or
                ``"count"``, or with a sampler that does not support it.
            TypeError: If ``skip_duplicates`` is neither a bool nor a str.
            ValueError: If ``trial_timeout`` is not a positive finite number of seconds or None.
            RuntimeError: If called from inside another ``optimize`` of this study.
            Exception: Whatever the objective raised, unless listed in ``catch``; the trial
                is recorded as FAIL first.
        """
        n_trials, timeout, n_jobs, catch_tuple = _optimize.validate_optimize_args(n_trials, timeout, n_jobs, catch)
        duplicates = check_skip_duplicates(skip_duplicates, self.sampler)
        time_limit = _optimize.validate_trial_timeout(trial_timeout)
        pool = None
        if isinstance(executor, str):
            check_choice("optimize", "executor", executor, ("thread", "process"))
        else:
            from albacore.study._cluster import as_executor

            pool = as_executor(executor)
        if devices is not None and executor != "process":
            raise ValueError(f"optimize: devices needs executor='process', got executor={executor!r}")
        if executor == "process":
            from albacore.study._processes import optimize_in_processes, worker_devices

            optimize_in_processes(
                self, func, n_trials, timeout, n_jobs, catch_tuple,
                _optimize.iterate_callbacks(callbacks), gc_after_trial, show_progress_bar,
                None if devices is None else worker_devices(devices, n_jobs),
                skip_duplicates=duplicates,
                trial_timeout=time_limit,
            )
            return
        _optimize.optimize(
            self, func, n_trials, timeout, n_jobs, catch_tuple,
            _optimize.iterate_callbacks(callbacks), gc_after_trial, show_progress_bar, pool,
            skip_duplicates=duplicates,
            trial_timeout=time_limit,
        )

    @contextlib.contextmanager
    def _optimize_session(self) -> Iterator[None]:
        with self._optimize_lock:
            if self._in_optimize:
                raise RuntimeError("study.optimize cannot be called from inside optimize of the same study")
            self._in_optimize = True
            self._stop_requested = False
        try:
            yield
        finally:
            self._in_optimize = False
            self._stop_requested = False

    def _heartbeat(self, trial: Trial) -> contextlib.AbstractContextManager[Any]:
        """Keep ``trial`` marked alive while its objective runs (storages with heartbeats)."""
        if not self._beats:
            return _NO_HEARTBEAT
        return HeartbeatContext(self._storage, trial._trial_id)

    def stop(self) -> None:
        """Ask the running ``optimize`` to start no new trial; running ones finish.

        Typically called from a callback.

        Raises:
            RuntimeError: If no ``optimize`` of this study is running.
        """
        if not self._in_optimize:
            raise RuntimeError("study.stop() can only be called while study.optimize is running")
        self._stop_requested = True

    def ask(self, fixed_distributions: dict[str, BaseDistribution] | None = None) -> Trial:
        """Start a new trial (ask-and-tell interface).

        An enqueued trial is picked up first; otherwise a new trial is created. When the
        storage has heartbeats, ``ask`` first fails the trials of dead workers
        (:func:`albacore.storages.fail_stale_trials`) and the new trial then beats in the
        background until :meth:`tell`.

        Args:
            fixed_distributions: Parameters to suggest right away, name to distribution.

        Returns:
            The running :class:`~albacore.trial.Trial`; finish it with :meth:`tell`.

        Example:
            .. code-block:: python

                trial = study.ask()
                x = trial.suggest_float("x", -10, 10)
                study.tell(trial, (x - 2) ** 2)
        """
        if fixed_distributions is not None:
            check_type("ask", "fixed_distributions", fixed_distributions, dict, "a dict")
        for name, dist in (fixed_distributions or {}).items():
            if not isinstance(dist, BaseDistribution):
                raise TypeError(f"ask: fixed_distributions[{name!r}] must be a distribution, got {dist!r}")
        if self._beats:
            fail_stale_trials(self)
        trial_id = self._pop_waiting_trial_id()
        if trial_id is None:
            trial_id = self._storage.create_new_trial(self._study_id)
        try:
            trial = Trial(self, trial_id)
            for name, dist in (fixed_distributions or {}).items():
                trial._suggest(name, dist)
        except BaseException:
            self._storage.set_trial_state_values(trial_id, TrialState.FAIL)
            raise
        if self._beats:
            start_heartbeat(self._storage, trial_id)  # until tell()
        return trial

    def _pop_waiting_trial_id(self) -> int | None:
        """Claim the first queued trial; None when every one is taken.

        The list is a snapshot: a rival (a thread or another process) may claim a listed trial,
        and even finish it, before this claim, so a trial no longer WAITING is skipped.
        """
        for trial in self._storage.get_all_trials(self._study_id, deepcopy=False, states=(TrialState.WAITING,)):
            try:
                if self._storage.set_trial_state_values(trial._trial_id, TrialState.RUNNING):
                    return trial._trial_id
            except UpdateFinishedTrialError:
                continue
        return None

    def tell(
        self,
        trial: Trial | int,
        values: float | Sequence[float] | None = None,
        state: TrialState | None = None,
        skip_if_finished: bool = False,
    ) -> FrozenTrial:
        """Finish a trial started with :meth:`ask`.

        With ``state=None`` the trial is COMPLETE if ``values`` are valid (one finite or
        infinite number per objective) and FAIL otherwise, with a warning (a UserWarning, as
        Optuna's ``tell``) saying why.
        ``state=PRUNED`` stores the last reported intermediate value as the value (in a
        multi-objective study the last reported vector, one value per objective; none if
        any of it is NaN); ``state=FAIL`` takes no values.

        Args:
            trial: The Trial, or its number.
            values: The objective value(s).
            state: COMPLETE, PRUNED, FAIL, or None to decide from ``values``.
            skip_if_finished: Return silently if the trial has already finished.

        Returns:
            The finished trial.

        Raises:
            ValueError: On invalid values with ``state=COMPLETE``, values with FAIL or
                PRUNED, or a state that is not final.
            UpdateFinishedTrialError: If the trial already finished and not
                ``skip_if_finished`` (the error is also a ValueError, which Optuna raises).
        """
        try:
            frozen = _tell(self, trial, values, state, skip_if_finished, warn_invalid=True)
        except UpdateFinishedTrialError:
            if isinstance(trial, Trial):  # e.g. failed as stale by another worker: stop beating
                stop_heartbeat(self._storage, trial._trial_id)
            raise
        stop_heartbeat(self._storage, frozen._trial_id)
        return frozen

    def enqueue_trial(
        self, params: dict[str, Any], user_attrs: dict[str, Any] | None = None, skip_if_exists: bool = False
    ) -> None:
        """Queue a trial with given parameters; the next trials take queued ones first, in order.

        Parameters the objective never suggests are ignored; a value outside the range the
        objective later suggests is used anyway, with a warning. A value that the suggested
        distribution cannot hold at all (a categorical value that is not a choice, a number
        <= 0 on a log scale, an infinite number) fails its trial at that ``suggest`` call, so
        it never reaches a sampler's model; ``optimize`` logs why and goes on.

        Args:
            params: Parameter values, name to value: None, bool, int, float or str.
            user_attrs: User attributes of the queued trial (JSON-serializable).
            skip_if_exists: Do nothing if a trial with the same parameters already exists
                (queued, running or finished).

        Raises:
            TypeError: If ``params`` is not a dict with str keys and values of the types above.
        """
        check_type("enqueue_trial", "params", params, dict, "a dict")
        params = {name: _enqueued_value(name, value, params) for name, value in params.items()}
        if skip_if_exists and self._params_exist(params):
            return
        self.add_trial(
            create_trial(
                state=TrialState.WAITING,
                system_attrs={FIXED_PARAMS_KEY: params},
                user_attrs=user_attrs,
            )
        )

    def _params_exist(self, params: dict[str, Any]) -> bool:
        for trial in self.get_trials(deepcopy=False):
            existing = trial.system_attrs.get(FIXED_PARAMS_KEY) if trial.state == TrialState.WAITING else trial.params
            if existing == params:
                return True
        return False

    def add_trial(self, trial: FrozenTrial) -> None:
        """Add a finished (or WAITING) trial built elsewhere, e.g. with ``create_trial``.

        Args:
            trial: The trial; its number is reassigned by the study.

        Raises:
            ValueError: If the trial is inconsistent, or its number of values does not
                match the study's objectives.
        """
        trial._validate()
        if trial.values is not None and len(trial.values) != len(self._directions):
            raise ValueError(
                f"add_trial: the trial has {len(trial.values)} value(s) but the study has "
                f"{len(self._directions)} objective(s)"
            )
        self._storage.create_new_trial(self._study_id, template_trial=trial)

    def add_trials(self, trials: Iterable[FrozenTrial]) -> None:
        """Add several trials with :meth:`add_trial`."""
        for trial in trials:
            self.add_trial(trial)

    def trials_dataframe(
        self,
        attrs: tuple[str, ...] = (
            "number", "value", "datetime_start", "datetime_complete", "duration",
            "params", "user_attrs", "system_attrs", "state",
        ),
        multi_index: bool = False,
    ) -> pd.DataFrame:
        """Return the trials as a pandas DataFrame (needs the ``pandas`` extra).

        Args:
            attrs: FrozenTrial attributes to include; ``params``, ``user_attrs``,
                ``system_attrs`` and ``intermediate_values`` expand into one column each.
            multi_index: Use two-level column names (``("params", "x")``) instead of
                flattened ones (``"params_x"``).
        """
        from albacore.study._dataframe import trials_dataframe

        return trials_dataframe(self, attrs, multi_index)

    def __repr__(self) -> str:
        return f"Study(study_name={self.study_name!r}, directions={[d.name for d in self._directions]})"


def _enqueued_value(name: Any, value: Any, params: dict[str, Any]) -> Any:
    """``value`` as a plain JSON scalar (numpy numbers become int/float), or TypeError."""
    if not isinstance(name, str):
        raise TypeError(f"enqueue_trial: parameter names must be str, got {name!r} in params={params!r}")
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"enqueue_trial: parameter {name!r} must be None, bool, int, float or str, got {value!r}")
