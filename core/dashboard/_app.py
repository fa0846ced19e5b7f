"""The dashboard application (Starlette) and :func:`run_server` (uvicorn)."""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
from typing import Any, Callable

from albacore._imports import require
from albacore._validation import check_int_in
from albacore.dashboard._download import csv_chunks, json_chunks
from albacore.dashboard._routes import Backend, HTTPError
from albacore.dashboard._security import Guard, is_loopback
from albacore.dashboard._storage import open_storage

STATIC = os.path.join(os.path.dirname(__file__), "static")
_FEATURE = "albacore.dashboard"


def _plotly_js() -> str:
    plotly = require("plotly", extra="dashboard", feature=_FEATURE)
    assert plotly.__file__ is not None  # a regular package (its __init__.py), not a namespace one
    return os.path.join(os.path.dirname(plotly.__file__), "package_data", "plotly.min.js")


def create_app(storage: Any, *, token: str | None = None, read_only: bool = False, loopback_only: bool = True) -> Any:
    """The dashboard as an ASGI application, to serve with any ASGI server.

    Args:
        storage: A storage URL, a journal file path or a
            :class:`~albacore.storages.BaseStorage` (see :func:`run_server`).
        token: A token every request must carry (``?token=`` once, then a cookie, or an
            ``Authorization: Bearer`` header); None for none.
        read_only: Refuse every request that would change the storage.
        loopback_only: Answer only requests addressed to a loopback name (``localhost``,
            ``127.0.0.1``, ``[::1]``), which defeats DNS rebinding on a local server.

    Returns:
        A Starlette application.

    Raises:
        ImportError: If starlette is missing (``pip install 'albacore[dashboard]'``).
        ValueError: If ``storage`` cannot be opened.

    Example:
        .. code-block:: python

            import uvicorn
            from albacore.dashboard import create_app

            uvicorn.run(create_app("sqlite:///albacore.db"), port=8080)
    """
    require("starlette", extra="dashboard", feature=_FEATURE)
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    if token is not None and (not isinstance(token, str) or not token):
        raise ValueError(f"create_app: token must be a non-empty string or None, got token={token!r}")
    backend = Backend(open_storage(storage), read_only, secrets.token_hex(4))
    routes = [
        Route("/", _page, methods=["GET"]),
        Route("/favicon.ico", _no_icon, methods=["GET"]),
        Route("/static/plotly.min.js", _plotly, methods=["GET"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *_api_routes(backend),
    ]
    return Starlette(routes=routes, middleware=[
        Middleware(Guard, token=token, loopback_only=loopback_only, read_only=read_only),
    ])


async def _page(request: Any) -> Any:
    from starlette.responses import FileResponse

    return FileResponse(os.path.join(STATIC, "index.html"), headers=_PAGE_HEADERS)


_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data: blob:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


async def _no_icon(request: Any) -> Any:
    from starlette.responses import Response

    return Response(status_code=204)


async def _plotly(request: Any) -> Any:
    from starlette.responses import FileResponse

    return FileResponse(_plotly_js(), media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})


def _endpoint(handler: Callable[..., Any], body: bool = False) -> Callable[[Any], Any]:
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse, Response

    async def endpoint(request: Any) -> Any:
        try:
            args = dict(request.path_params)
            if body:
                args["body"] = await _json_body(request)
            result = await run_in_threadpool(handler, request, **args)
        except HTTPError as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        if isinstance(result, Response):
            return result
        if isinstance(result, str):
            return Response(result, media_type="application/json")
        return Response(json.dumps(result), media_type="application/json")

    return endpoint


async def _json_body(request: Any) -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise HTTPError(415, "send the request body as application/json")
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise HTTPError(400, "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise HTTPError(400, f"the request body must be a JSON object, got {body!r}")
    return body


def _api_routes(backend: Backend) -> list[Any]:
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    def query(request: Any) -> dict[str, str]:
        return dict(request.query_params)

    def download(request: Any, study_id: int, fmt: str) -> Any:
        snapshot, trials = backend.selected_trials(study_id, query(request))
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in snapshot.study_name) or "study"
        chunks = csv_chunks(trials, len(snapshot.directions)) if fmt == "csv" else json_chunks(trials)
        media = "text/csv" if fmt == "csv" else "application/json"
        return StreamingResponse(chunks, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="{name}-trials.{fmt}"'})

    def figure(request: Any, study_id: int, kind: str) -> str:
        args = query(request)
        try:
            objective = int(args.get("objective", "0"))
        except ValueError:
            raise HTTPError(400, f"objective must be an integer, got objective={args.get('objective')!r}") from None
        snapshot = backend.snapshot(study_id)
        try:
            return backend.figures.get(snapshot, kind, {"objective": objective, "params": args.get("params", "")})
        except KeyError as exc:
            raise HTTPError(404, str(exc.args[0])) from None
        except ValueError as exc:
            raise HTTPError(400, str(exc)) from None

    study = "/api/studies/{study_id:int}"
    trial = study + "/trials/{number:int}"
    return [
        Route("/api/meta", _endpoint(lambda r: {"read_only": backend.read_only, "version": _version()})),
        Route("/api/studies", _endpoint(lambda r: backend.studies(r.query_params.get("search", "")))),
        Route(study, _endpoint(lambda r, study_id: backend.study(study_id))),
        Route(
            study,
            _endpoint(lambda r, study_id, body: backend.delete_study(study_id, body), body=True),
            methods=["DELETE"],
        ),
        Route(
            study + "/updates",
            _endpoint(lambda r, study_id: backend.updates(study_id, r.query_params.get("since", ""))),
        ),
        Route(study + "/trials", _endpoint(lambda r, study_id: backend.table(study_id, query(r)))),
        Route(study + "/trials.csv", _endpoint(lambda r, study_id: download(r, study_id, "csv"))),
        Route(study + "/trials.json", _endpoint(lambda r, study_id: download(r, study_id, "json"))),
        Route(study + "/figures/{kind}", _endpoint(figure)),
        Route(
            study + "/note",
            _endpoint(lambda r, study_id, body: backend.set_study_note(study_id, body), body=True),
            methods=["PUT"],
        ),
        Route(trial, _endpoint(lambda r, study_id, number: backend.trial(study_id, number))),
        Route(
            trial + "/note",
            _endpoint(lambda r, study_id, number, body: backend.set_trial_note(study_id, number, body), body=True),
            methods=["PUT"],
        ),
        Route(
            trial + "/tell",
            _endpoint(lambda r, study_id, number, body: backend.tell(study_id, number, body), body=True),
            methods=["POST"],
        ),
    ]


def _warm_up() -> None:
    """Import the figure code (plotly's is slow to import) before the first page asks."""
    import plotly.graph_objects  # noqa: F401

    import albacore.visualization  # noqa: F401


def _version() -> str:
    import albacore

    return albacore.__version__


def run_server(
    storage: Any, host: str = "127.0.0.1", port: int = 8080, *, token: str | None = None, read_only: bool = False
) -> None:
    """Serve the dashboard until interrupted (Ctrl-C).

    On a loopback address no token is needed (unless given). Bound to any other address,
    every request must carry ``token``; without one a random token is generated and the
    address to open, with the token, is printed.

    Args:
        storage: A storage URL (``sqlite:///albacore.db``, ``postgresql+psycopg://...``,
            ``mysql+pymysql://...``, ``redis://...`` for a Redis journal), the path of a
            journal file, or a storage object (an in-memory storage is visible only inside
            this process: run the server in a thread of the process that optimizes).
        host: Address to bind.
        port: Port to bind.
        token: The token requests must carry.
        read_only: Refuse every change (notes, telling trials, deleting studies).

    Raises:
        ImportError: If the dashboard extra is missing.
        ValueError: If ``storage`` cannot be opened, or ``port`` is out of range.

    Example:
        .. code-block:: python

            from albacore.dashboard import run_server

            run_server("sqlite:///albacore.db", port=8080)
    """
    uvicorn = require("uvicorn", extra="dashboard", feature=_FEATURE)
    check_int_in("run_server", "port", port, 0, 65535)
    loopback = is_loopback(host)
    if token is None and not loopback:
        token = secrets.token_urlsafe(24)
    app = create_app(storage, token=token, read_only=read_only, loopback_only=loopback)
    threading.Thread(target=_warm_up, name="albacore-dashboard-warm-up", daemon=True).start()
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    print(
        f"albacore dashboard: serving on {address}" + (" (read-only)" if read_only else ""), file=sys.stderr, flush=True
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
