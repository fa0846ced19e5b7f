"""The ``albacore`` console script: manage studies and run ask-and-tell from a shell.

Command names and flags follow Optuna's CLI, so shell scripts written for it work with
``albacore`` in place of ``optuna``. Errors print one line to stderr and exit with status 1
(2 for a usage error); ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import logging as std_logging
import os
import sys
from collections.abc import Sequence
from typing import Any, Callable

import albacore
from albacore import logging as albacore_logging
from albacore.cli._format import FORMATS, Column, Record, render
from albacore.exceptions import CLIUsageError
from albacore.storages._base import BaseStorage
from albacore.trial._state import TrialState

STORAGE_ENV = "ALBACORE_STORAGE"
STORAGE_CLASSES = ("RDBStorage", "JournalFileBackend", "JournalRedisBackend")
_ONLY_STUDY = "Name of the study; may be left out when the storage holds a single study (as in Optuna)."


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``albacore`` command line and return its exit status.

    Args:
        argv: The arguments (without the program name); ``sys.argv[1:]`` when None.

    Returns:
        0 on success, 1 on an error, 2 on a usage error.

    Example:
        .. code-block:: console

            $ albacore create-study --storage sqlite:///albacore.db --study-name demo
            $ albacore ask --storage sqlite:///albacore.db --study-name demo \\
                --search-space '{"x": {"name": "FloatDistribution", "attributes": {"low": 0, "high": 1}}}'
            $ albacore tell --storage sqlite:///albacore.db --study-name demo --trial-number 0 --values 0.5
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help(sys.stderr)
        return 2
    verbosity = albacore_logging.get_verbosity()
    try:
        handler = _configure_logging(args)
    except OSError as exc:
        albacore_logging.set_verbosity(verbosity)
        command = getattr(args, "command_name", "")
        print(f"albacore {command}: error: cannot open --log-file {args.log_file!r}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    try:
        args.handler(args)
    except Exception as exc:  # noqa: BLE001 - one line for the user, traceback with --debug
        if args.debug:
            raise
        command = getattr(args, "command_name", "")
        print(f"albacore {command}: error: {_message(exc)}", file=sys.stderr)
        return 1
    finally:  # leave the logging as it was when main() is called from Python
        albacore_logging.set_verbosity(verbosity)
        if handler is not None:
            std_logging.getLogger("albacore").removeHandler(handler)
            handler.close()
    return 0


def _message(exc: BaseException) -> str:
    text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    text = str(text).strip().splitlines()[0] if str(text).strip() else type(exc).__name__
    return (
        text
        if isinstance(exc, (albacore.exceptions.AlbacoreError, KeyError, ValueError))
        else f"{type(exc).__name__}: {text}"
    )


def _configure_logging(args: argparse.Namespace) -> std_logging.Handler | None:
    level = albacore_logging.WARNING
    if args.verbose:
        level = albacore_logging.INFO if args.verbose == 1 else albacore_logging.DEBUG
    if args.quiet:
        level = albacore_logging.ERROR
    albacore_logging.set_verbosity(level)
    if args.log_file:
        handler = std_logging.FileHandler(args.log_file)
        handler.setFormatter(std_logging.Formatter("[%(levelname)s %(asctime)s] %(message)s"))
        std_logging.getLogger("albacore").addHandler(handler)
        return handler
    return None


# --- the parser --------------------------------------------------------------------------------
def _common_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--storage",
        default=default,
        help=f"Storage URL, e.g. sqlite:///albacore.db (or the {STORAGE_ENV} environment variable).",
    )
    parser.add_argument(
        "--storage-class",
        default=default,
        choices=STORAGE_CLASSES,
        help="How to read --storage: a database URL (RDBStorage), a journal file path or a Redis URL.",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS if suppress else 0,
        help="More log output (repeat for more).",
    )
    verbosity.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS if suppress else False, help="Only errors."
    )
    parser.add_argument("--log-file", default=default, help="Also write the log to this file.")
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="Show tracebacks on errors.",
    )


def _format_options(parser: argparse.ArgumentParser, default: str, flatten: bool = True) -> None:
    parser.add_argument("-f", "--format", choices=FORMATS, default=default, help="Output format.")
    if flatten:
        parser.add_argument("--flatten", action="store_true", help="Flatten nested columns such as params.")


def _command(
    parent: Any, name: str, handler: Callable[[argparse.Namespace], None], help_: str, group: str = ""
) -> argparse.ArgumentParser:
    sub: argparse.ArgumentParser = parent.add_parser(name, help=help_, description=help_)
    _common_options(sub, suppress=True)
    sub.set_defaults(handler=handler, command_name=f"{group} {name}".strip())
    return sub


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``albacore`` command."""
    parser = argparse.ArgumentParser(prog="albacore", description="Manage albacore studies from the shell.")
    parser.add_argument("--version", action="version", version=f"albacore {albacore.__version__}")
    _common_options(parser, suppress=False)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_study_commands(commands)
    _add_listing_commands(commands)
    _add_ask_and_tell(commands)
    _add_dashboard(commands)
    storage = commands.add_parser("storage", help="Storage commands (upgrade, repair, import, proxy).")
    storage_commands = storage.add_subparsers(title="commands", metavar="COMMAND")
    _command(
        storage_commands, "upgrade", _storage_upgrade, "Migrate an RDB storage's schema to this albacore's.", "storage"
    )
    _command(
        storage_commands,
        "repair",
        _storage_repair,
        "Set aside the damaged records of a journal storage (file or Redis) and cut a torn last record.",
        "storage",
    )
    _add_storage_import(storage_commands)
    _add_storage_proxy(storage_commands)
    return parser


def _add_study_commands(commands: Any) -> None:
    sub = _command(commands, "create-study", _create_study, "Create a new study; prints its name.")
    sub.add_argument("--study-name", help="Name of the study (generated if omitted).")
    sub.add_argument("--direction", choices=("minimize", "maximize"), help="Direction of a single objective.")
    sub.add_argument("--directions", nargs="+", choices=("minimize", "maximize"), help="One direction per objective.")
    sub.add_argument("--skip-if-exists", action="store_true", help="Do nothing if the study exists.")

    sub = _command(commands, "delete-study", _delete_study, "Delete a study and its trials.")
    sub.add_argument("--study-name", help="Name of the study (an error without it, as in Optuna).")

    study = commands.add_parser("study", help="Study commands (set-user-attr).")
    study_commands = study.add_subparsers(title="commands", metavar="COMMAND")
    sub = _command(study_commands, "set-user-attr", _set_user_attr, "Set a user attribute of a study.", "study")
    sub.add_argument("--study-name", required=True, help="Name of the study.")
    sub.add_argument("--key", "-k", required=True, help="Attribute key.")
    sub.add_argument("--value", required=True, help="Attribute value (stored as a string).")


def _add_listing_commands(commands: Any) -> None:
    sub = _command(commands, "study-names", _study_names, "List the names of the studies.")
    _format_options(sub, "value", flatten=False)
    sub = _command(commands, "studies", _studies, "List the studies.")
    _format_options(sub, "table")
    for name, handler, help_ in (
        ("trials", _trials, "List the trials of a study."),
        ("best-trial", _best_trial, "Show the best trial of a single-objective study."),
        ("best-trials", _best_trials, "Show the trials on the Pareto front."),
    ):
        sub = _command(commands, name, handler, help_)
        sub.add_argument("--study-name", required=True, help="Name of the study.")
        _format_options(sub, "table")


def _add_ask_and_tell(commands: Any) -> None:
    sub = _command(commands, "ask", _ask, "Start a trial and suggest its parameters; prints number and params.")
    sub.add_argument("--study-name", help=_ONLY_STUDY)
    sub.add_argument("--sampler", help="Class name of a sampler in albacore.samplers (default: the study's).")
    sub.add_argument("--sampler-kwargs", help="Keyword arguments of the sampler, as JSON.")
    sub.add_argument("--search-space", help="JSON object: parameter name -> serialized distribution.")
    _format_options(sub, "json")

    sub = _command(commands, "tell", _tell, "Finish a trial started with ask.")
    sub.add_argument("--study-name", help=_ONLY_STUDY)
    sub.add_argument("--trial-number", type=int, required=True, help="Number of the trial.")
    sub.add_argument("--values", type=float, nargs="+", help="Objective value(s).")
    sub.add_argument("--state", choices=("complete", "pruned", "fail"), help="Final state.")
    sub.add_argument("--skip-if-finished", action="store_true", help="Succeed silently if already finished.")


def _add_dashboard(commands: Any) -> None:
    sub = _command(
        commands,
        "dashboard",
        _dashboard,
        "Serve the web dashboard of a storage (a database or Redis URL, or a journal file path).",
    )
    sub.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1).")
    sub.add_argument("--port", type=int, default=8080, help="Port to bind (default 8080).")
    sub.add_argument("--token", help="Token every request must carry (generated when binding beyond localhost).")
    sub.add_argument("--read-only", action="store_true", help="Refuse every change (notes, tell, delete).")


def _dashboard(args: argparse.Namespace) -> None:
    from albacore.dashboard import run_server

    url = args.storage or os.environ.get(STORAGE_ENV)
    if not url:
        raise CLIUsageError(f"no storage given: pass --storage URL or set {STORAGE_ENV}")
    storage = _storage(args) if args.storage_class else url
    run_server(storage, host=args.host, port=args.port, token=args.token, read_only=args.read_only)


# --- storage -----------------------------------------------------------------------------------
def _storage(args: argparse.Namespace) -> BaseStorage:
    url = args.storage or os.environ.get(STORAGE_ENV)
    if not url:
        raise CLIUsageError(f"no storage given: pass --storage URL or set {STORAGE_ENV}")
    storage_class = args.storage_class
    if storage_class == "JournalFileBackend":
        from albacore.storages.journal import JournalFileBackend, JournalStorage

        return JournalStorage(JournalFileBackend(url))
    if storage_class == "JournalRedisBackend":
        from albacore.storages.journal import JournalRedisBackend, JournalStorage

        return JournalStorage(JournalRedisBackend(url))
    if storage_class == "RDBStorage":
        from albacore.storages import RDBStorage

        return RDBStorage(url)
    if os.path.isfile(url):  # a path to an existing file: an SQLite database or, as Optuna guesses, a journal
        with open(url, "rb") as file:
            is_sqlite = file.read(16) == b"SQLite format 3\x00"
        if is_sqlite:
            from albacore.storages import RDBStorage

            return RDBStorage("sqlite:///" + os.path.abspath(url))
        from albacore.storages.journal import JournalFileBackend, JournalStorage

        return JournalStorage(JournalFileBackend(url))
    return albacore.storages.get_storage(url)


def _study(args: argparse.Namespace, storage: BaseStorage | None = None, **kwargs: Any) -> albacore.Study:
    return albacore.load_study(study_name=args.study_name, storage=storage or _storage(args), **kwargs)


def _out(text: str) -> None:
    print(text)


# --- commands ----------------------------------------------------------------------------------
def _create_study(args: argparse.Namespace) -> None:
    if args.direction is not None and args.directions is not None:
        raise CLIUsageError("give --direction or --directions, not both")
    study = albacore.create_study(
        storage=_storage(args),
        study_name=args.study_name,
        direction=args.direction,
        directions=args.directions,
        load_if_exists=args.skip_if_exists,
    )
    _out(study.study_name)


def _delete_study(args: argparse.Namespace) -> None:
    if args.study_name is None:
        raise CLIUsageError("give --study-name of the study to delete")
    albacore.delete_study(study_name=args.study_name, storage=_storage(args))


def _set_user_attr(args: argparse.Namespace) -> None:
    _study(args).set_user_attr(args.key, args.value)


def _study_names(args: argparse.Namespace) -> None:
    names = albacore.get_all_study_names(_storage(args))
    _out(render([{("name", ""): n} for n in names], [("name", "")], args.format))


def _studies(args: argparse.Namespace) -> None:
    storage = _storage(args)
    records: list[Record] = []
    for frozen in storage.get_all_studies():
        trials = storage.get_all_trials(frozen._study_id, deepcopy=False)
        starts = [t.datetime_start for t in trials if t.datetime_start is not None]
        records.append(
            {
                ("name", ""): frozen.study_name,
                ("direction", ""): tuple(d.name for d in frozen.directions),
                ("n_trials", ""): len(trials),
                ("datetime_start", ""): min(starts) if starts else None,
                ("user_attrs", ""): frozen.user_attrs,
            }
        )
    columns: list[Column] = [("name", ""), ("direction", ""), ("n_trials", ""), ("datetime_start", "")]
    if any(r[("user_attrs", "")] for r in records):
        columns.append(("user_attrs", ""))
    _out(render(records, columns, args.format, args.flatten))


def _trial_output(
    study: albacore.Study, shown: list[albacore.trial.FrozenTrial], args: argparse.Namespace, single: bool = False
) -> str:
    """``shown`` trials in Optuna's columns, which come from every trial of the study."""
    from albacore.study._dataframe import trial_columns

    trials = study.get_trials(deepcopy=False)
    n_objectives = len(study.directions)
    attrs = ("number", "value" if n_objectives == 1 else "values", "datetime_start", "datetime_complete",
             "duration", "params", "user_attrs", "state")
    absent = object()
    columns, cells = trial_columns(trials, attrs, n_objectives, study.metric_names, absent)
    row_of = {t.number: i for i, t in enumerate(trials)}
    records = [
        {c: cells[c][row_of[t.number]] for c in columns if cells[c][row_of[t.number]] is not absent} for t in shown
    ]
    return render(records, columns, args.format, args.flatten, single=single)


def _trials(args: argparse.Namespace) -> None:
    study = _study(args)
    _out(_trial_output(study, study.get_trials(deepcopy=False), args))


def _best_trial(args: argparse.Namespace) -> None:
    study = _study(args)
    _out(_trial_output(study, [study.best_trial], args, single=True))


def _best_trials(args: argparse.Namespace) -> None:
    study = _study(args)
    _out(_trial_output(study, study.best_trials, args))


def _storage_upgrade(args: argparse.Namespace) -> None:
    url = args.storage or os.environ.get(STORAGE_ENV)
    if not url:
        raise CLIUsageError(f"no storage given: pass --storage URL or set {STORAGE_ENV}")
    if args.storage_class not in (None, "RDBStorage") or url.startswith(("journal://", "redis://", "rediss://")):
        raise CLIUsageError(f"only RDB storages have a schema to upgrade; {url!r} is a journal storage")
    from albacore.storages import RDBStorage

    storage = RDBStorage(url, skip_compatibility_check=True, skip_table_creation=True)
    before = storage.get_current_version()
    head = storage.get_head_version()
    if before == head:
        print(f"The schema is up to date (revision {head}).", file=sys.stderr)
        return
    storage.upgrade()
    print(f"Upgraded the schema from revision {before} to {head}.", file=sys.stderr)


def _storage_repair(args: argparse.Namespace) -> None:
    url = args.storage or os.environ.get(STORAGE_ENV)
    if not url:
        raise CLIUsageError(f"no storage given: pass --storage URL or set {STORAGE_ENV}")
    storage_class = args.storage_class
    if storage_class is None and url.startswith("journal://"):
        storage_class, url = "JournalFileBackend", url[len("journal://") :]
    elif storage_class is None and url.startswith(("redis://", "rediss://")):
        storage_class = "JournalRedisBackend"
    if storage_class == "JournalFileBackend":
        from albacore.storages.journal import JournalFileBackend

        file_backend = JournalFileBackend(url, repair=True)
        where = [f"line {line} (byte offset {offset})" for line, offset in file_backend.quarantined]
        aside = f"{file_backend.path}.quarantine"
    elif storage_class == "JournalRedisBackend":
        from albacore.storages.journal import JournalRedisBackend

        redis_backend = JournalRedisBackend(url, repair=True)
        where = [f"item {index}" for index in redis_backend.quarantined]
        aside = "the quarantine list albacore:journal:quarantine"
    else:
        raise CLIUsageError(
            f"only journal storages can be repaired; {url!r} is not one (pass a journal:// or redis:// URL, "
            f"or --storage-class JournalFileBackend with a journal file path)"
        )
    if where:
        print(f"Set aside {len(where)} damaged record(s) into {aside}: {', '.join(where)}.", file=sys.stderr)
    else:
        print("No damaged records found.", file=sys.stderr)


def _add_storage_import(storage_commands: Any) -> None:
    sub = _command(
        storage_commands,
        "import",
        _storage_import,
        "Import the studies of an Optuna 5.0 database or journal file into an albacore storage.",
        "storage",
    )
    sub.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="URL",
        help="Optuna database URL, or journal file (path or journal:// URL).",
    )
    sub.add_argument("--to", dest="target", required=True, metavar="URL", help="albacore storage URL.")
    sub.add_argument(
        "--study-name",
        dest="study_names",
        action="append",
        metavar="NAME",
        help="A study to import (repeat for several); every study when left out.",
    )


def _storage_import(args: argparse.Namespace) -> None:
    from albacore.storages._optuna import import_optuna_studies

    names = import_optuna_studies(args.source, args.target, args.study_names)
    print(f"Imported {len(names)} study(ies) into {args.target}: {', '.join(names)}.", file=sys.stderr)


def _add_storage_proxy(storage_commands: Any) -> None:
    sub = _command(
        storage_commands,
        "proxy",
        _storage_proxy,
        "Serve a storage to GrpcStorageProxy workers over gRPC until interrupted (needs albacore[grpc]).",
        "storage",
    )
    sub.add_argument("--host", default="localhost", help="Address to listen on (default localhost; 0.0.0.0: all).")
    sub.add_argument("--port", type=int, default=13000, help="Port to listen on (default 13000).")


def _storage_proxy(args: argparse.Namespace) -> None:
    from albacore.storages._grpc._server import start_server

    server, port = start_server(_storage(args), args.host, args.port, None)
    print(f"Serving the storage on {args.host}:{port} (Ctrl-C to stop).", file=sys.stderr, flush=True)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop(grace=1.0)


def _ask(args: argparse.Namespace) -> None:
    from albacore.distributions import json_to_distribution

    storage = _storage(args)
    sampler = _sampler(args.sampler, args.sampler_kwargs)
    study = _study(args, storage, sampler=sampler) if sampler is not None else _study(args, storage)
    space: dict[str, Any] = {}
    if args.search_space is not None:
        try:
            raw = json.loads(args.search_space)
        except json.JSONDecodeError as exc:
            raise CLIUsageError(f"--search-space must be a JSON object: {exc}") from None
        if not isinstance(raw, dict):
            raise CLIUsageError(f"--search-space must be a JSON object of distributions, got {args.search_space!r}")
        for name, dist in raw.items():
            space[name] = json_to_distribution(dist if isinstance(dist, str) else json.dumps(dist))
    trial = study.ask(fixed_distributions=space)
    record: Record = {("number", ""): trial.number}
    if trial.params or args.flatten:
        record.update((("params", name), value) for name, value in trial.params.items())
    else:
        record[("params", "")] = {}
    _out(render([record], list(record), args.format, args.flatten, single=True))


def _sampler(name: str | None, kwargs_json: str | None) -> Any:
    if name is None:
        if kwargs_json is not None:
            raise CLIUsageError("--sampler-kwargs needs --sampler")
        return None
    import albacore.samplers

    cls = getattr(albacore.samplers, name, None)
    if not isinstance(cls, type) or not issubclass(cls, albacore.samplers.BaseSampler) or name == "BaseSampler":
        raise CLIUsageError(f"unknown sampler {name!r}; choose from {', '.join(_sampler_names())}")
    try:
        kwargs = json.loads(kwargs_json) if kwargs_json else {}
    except json.JSONDecodeError as exc:
        raise CLIUsageError(f"--sampler-kwargs must be a JSON object: {exc}") from None
    if not isinstance(kwargs, dict):
        raise CLIUsageError(f"--sampler-kwargs must be a JSON object, got {kwargs_json!r}")
    return cls(**kwargs)


def _sampler_names() -> list[str]:
    import albacore.samplers

    return [
        n
        for n in albacore.samplers.__all__
        if n != "BaseSampler"
        and isinstance(getattr(albacore.samplers, n), type)
        and issubclass(getattr(albacore.samplers, n), albacore.samplers.BaseSampler)
    ]


def _tell(args: argparse.Namespace) -> None:
    state = None if args.state is None else TrialState[args.state.upper()]
    values: Any = args.values
    study = _study(args)
    if state in (None, TrialState.COMPLETE):
        # Checked here, so that a typo exits non-zero and leaves the trial RUNNING to tell again
        # (Study.tell would fail the trial for good).
        n_objectives = len(study.directions)
        if values is None:
            raise CLIUsageError(f"give --values (or --state pruned/fail) to tell trial {args.trial_number}")
        if len(values) != n_objectives:
            raise CLIUsageError(
                f"--values got {len(values)} value(s) {values} but study {study.study_name!r} has "
                f"{n_objectives} objective(s); trial {args.trial_number} is left as it was"
            )
        if any(v != v for v in values):
            raise CLIUsageError(f"--values {values} holds NaN; pass --state fail to fail trial {args.trial_number}")
    if values is not None and len(values) == 1:
        values = values[0]
    frozen = study.tell(args.trial_number, values, state=state, skip_if_finished=args.skip_if_finished)
    albacore_logging.get_logger(__name__).info(
        "Told trial %d: state %s, values %s.", frozen.number, frozen.state.name, frozen.values
    )
