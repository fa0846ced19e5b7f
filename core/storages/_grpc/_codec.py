"""The proxy's wire format: compact JSON, no generated code.

A request is the JSON array of a call's arguments. A reply is one byte, ``0`` (the call
returned) or ``1`` (it raised), followed by JSON: the result, or ``[exception type name,
message]``. Trials travel as arrays (:func:`trial_to_wire`); distributions as their JSON
text, memoized both ways since a study uses few of them. Attribute values are JSON already
(every storage requires it), so they travel as they are.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from albacore._study_types import FrozenStudy, StudyDirection
from albacore.exceptions import (
    AlbacoreError,
    DuplicatedStudyError,
    StorageInternalError,
    UpdateFinishedTrialError,
)
from albacore.storages.journal._state import dist_from_json, dist_to_json
from albacore.trial._frozen import FrozenTrial
from albacore.trial._state import TrialState

OK, ERROR = b"0", b"1"

# Exceptions re-raised on the client as the same type; any other arrives as StorageInternalError.
_EXCEPTIONS: dict[str, type[BaseException]] = {
    cls.__name__: cls
    for cls in (
        KeyError,
        ValueError,
        TypeError,
        RuntimeError,
        NotImplementedError,
        IndexError,
        DuplicatedStudyError,
        UpdateFinishedTrialError,
        StorageInternalError,
        AlbacoreError,
    )
}

_dumps = json.JSONEncoder(separators=(",", ":")).encode
_loads = json.loads


def dumps(value: Any) -> str:
    """Compact JSON text of ``value`` (NaN and infinities allowed, as in the storages)."""
    return _dumps(value)


def loads(data: bytes | str) -> Any:
    """Parse JSON text or UTF-8 bytes."""
    return _loads(data)


def _dt(when: datetime.datetime | None) -> str | None:
    return None if when is None else when.isoformat()


def _dt_back(text: str | None) -> datetime.datetime | None:
    return None if text is None else datetime.datetime.fromisoformat(text)


def trial_to_list(trial: FrozenTrial) -> list[Any]:
    """``trial`` as a JSON-serializable list (see :func:`trial_from_list`)."""
    params = trial.params
    return [
        trial._trial_id,
        trial.number,
        int(trial.state),
        trial.values,
        _dt(trial.datetime_start),
        _dt(trial.datetime_complete),
        [[name, dist.to_internal_repr(params[name]), dist_to_json(dist)] for name, dist in trial.distributions.items()],
        trial.user_attrs,
        trial.system_attrs,
        list(trial.intermediate_values.items()),
    ]


def trial_to_wire(trial: FrozenTrial) -> str:
    """JSON text of ``trial``."""
    return _dumps(trial_to_list(trial))


def trial_from_list(data: list[Any]) -> FrozenTrial:
    """Rebuild the FrozenTrial of :func:`trial_to_list`."""
    trial_id, number, state, values, start, complete, raw_params, user_attrs, system_attrs, reports = data
    params, distributions = {}, {}
    for name, internal, dist_text in raw_params:
        dist = dist_from_json(dist_text)
        distributions[name] = dist
        params[name] = dist.to_external_repr(internal)
    return FrozenTrial(
        number=number,
        state=TrialState(state),
        value=None,
        values=values,
        datetime_start=_dt_back(start),
        datetime_complete=_dt_back(complete),
        params=params,
        distributions=distributions,
        user_attrs=user_attrs,
        system_attrs=system_attrs,
        intermediate_values={int(step): float(value) for step, value in reports},
        trial_id=trial_id,
    )


def study_to_list(study: FrozenStudy) -> list[Any]:
    """``study`` as a JSON-serializable list."""
    return [study._study_id, study.study_name, [int(d) for d in study.directions], study.user_attrs, study.system_attrs]


def study_from_list(data: list[Any]) -> FrozenStudy:
    """Rebuild the FrozenStudy of :func:`study_to_list`."""
    study_id, name, directions, user_attrs, system_attrs = data
    return FrozenStudy(
        study_name=name,
        direction=None,
        directions=[StudyDirection(d) for d in directions],
        user_attrs=user_attrs,
        system_attrs=system_attrs,
        study_id=study_id,
    )


def error_reply(exc: BaseException) -> bytes:
    """The reply carrying ``exc``."""
    message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
    name = type(exc).__name__ if _EXCEPTIONS.get(type(exc).__name__) is type(exc) else _known_base(exc)
    if name != type(exc).__name__:
        message = f"{type(exc).__name__}: {message}"
    return ERROR + _dumps([name, str(message)]).encode()


def _known_base(exc: BaseException) -> str:
    """The nearest base class of ``exc`` the client knows; the message then names the real type."""
    for cls in type(exc).__mro__:
        if _EXCEPTIONS.get(cls.__name__) is cls and cls is not AlbacoreError:
            return cls.__name__
    return ""


def raise_error(payload: bytes, where: str) -> None:
    """Raise the exception of an error reply's JSON ``payload``; ``where`` names the proxy."""
    name, message = _loads(payload)
    cls = _EXCEPTIONS.get(name)
    if cls is None:
        raise StorageInternalError(f"{where}: the proxy's storage failed: {message}")
    raise cls(message)
