"""The albacore dashboard: a web page over a study's storage.

Run it with ``albacore dashboard --storage sqlite:///albacore.db`` or from Python with
:func:`run_server`; :func:`create_app` gives the ASGI application itself. Needs the
``dashboard`` extra: ``pip install 'albacore[dashboard]'``.

Example:
    .. code-block:: python

        from albacore.dashboard import run_server

        run_server("sqlite:///albacore.db")  # then open http://127.0.0.1:8080/
"""

from albacore.dashboard._app import create_app, run_server

__all__ = ["create_app", "run_server"]
