"""Who may talk to the dashboard: a token on every request (when one is set), loopback Host
names only on a loopback bind (DNS rebinding), same-origin writes only, and no writes at
all in read-only mode. A plain ASGI middleware, so it sees every request."""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable
from http.cookies import SimpleCookie
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode

COOKIE = "albacore_dashboard_token"
WRITE_HEADER = b"x-albacore-dashboard"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
SAFE_METHODS = ("GET", "HEAD")

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[..., Awaitable[Any]], Callable[..., Awaitable[Any]]], Awaitable[None]]


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header[: host_header.find("]") + 1]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


class Guard:
    """ASGI middleware enforcing the rules above.

    Args:
        app: The application.
        token: The token every request must carry (None: no token needed).
        loopback_only: Refuse requests whose Host is not a loopback name.
        read_only: Refuse every request that could write.
    """

    def __init__(self, app: ASGIApp, token: str | None, loopback_only: bool, read_only: bool) -> None:
        self.app = app
        self.token = token
        self.loopback_only = loopback_only
        self.read_only = read_only

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._check(scope, headers)
        if refusal is None and self.token is not None:
            checked = await self._check_token(scope, headers, send)
            if isinstance(checked, str):  # "": answered with a redirect
                return
            refusal = checked
        if refusal is not None:
            await _refuse(send, *refusal)
            return
        await self.app(scope, receive, send)

    def _check(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if self.loopback_only and not is_loopback(_host_name(host)):
            return 421, f"this dashboard answers only to localhost names, not Host {host!r}"
        if scope["method"] in SAFE_METHODS:
            return None
        if self.read_only:
            return 403, "the dashboard runs read-only (--read-only): nothing can be changed"
        if headers.get(WRITE_HEADER.decode()) != "1":
            return 403, "write requests must come from the dashboard page (missing X-Albacore-Dashboard header)"
        origin = headers.get("origin")
        if origin is not None and origin.split("://", 1)[-1] != host:
            return 403, f"cross-site write refused: Origin {origin!r} is not this dashboard ({host!r})"
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return 403, "cross-site write refused (Sec-Fetch-Site)"
        return None

    async def _check_token(self, scope: Scope, headers: dict[str, str], send: Any) -> tuple[int, str] | None | str:
        assert self.token is not None
        given = []
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            given.append(auth[7:].strip())
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed cookie header is no token
            pass
        if COOKIE in cookie:
            given.append(cookie[COOKIE].value)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        from_query = query.pop("token", [None])[0]
        if any(hmac.compare_digest(g.encode(), self.token.encode()) for g in given):
            return None
        if from_query is not None and hmac.compare_digest(from_query.encode(), self.token.encode()):
            if scope["method"] in SAFE_METHODS:  # keep it in a cookie, drop it from the address bar
                rest = urlencode(query, doseq=True)
                location = scope.get("root_path", "") + scope["path"] + (f"?{rest}" if rest else "")
                await send({"type": "http.response.start", "status": 303, "headers": [
                    (b"location", location.encode("latin-1")),
                    (b"set-cookie", f"{COOKIE}={self.token}; HttpOnly; SameSite=Strict; Path=/".encode()),
                ]})
                await send({"type": "http.response.body", "body": b""})
                return ""
            return None
        return 401, "a token is required: open the address that `albacore dashboard` printed (it ends in ?token=...)"


async def _refuse(send: Any, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
    ]})
    await send({"type": "http.response.body", "body": body})
