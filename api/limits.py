"""Bounded requests: one ASGI middleware in front of the app, installed by :func:`install_limits`.

Issue 16, rows 4, 6 and 7. In order, for every HTTP request:

1. **Trusted hosts** (``allowed_hosts``): a ``Host`` header not in the list gets a 400. A page
   on another site that rebinds its DNS name to 127.0.0.1 sends its own name as ``Host``, so
   it cannot reach a loopback server (``zhengce serve --allowed-hosts``). ``None``: no check.
2. **Rate limit** on the expensive endpoints (``/search``, ``/ask``, ``/precedent``,
   ``/clauses/…/similar``): a token bucket per client address, ``rate_per_minute`` with bursts
   of ``rate_burst``; past it a 429 with ``Retry-After``. 0 turns it off; loopback clients are
   exempt unless ``rate_loopback``.
3. **Body**: read before the app runs, at most ``max_body_bytes`` (a larger ``Content-Length``
   or stream gets a 413) and within ``body_timeout`` seconds of the headers (a 408 otherwise:
   a partial request is not held open).
4. **Concurrency**: at most ``max_concurrent`` requests in the app at once; past it a 503 with
   ``Retry-After``. ``/health`` is exempt, so a busy server still says it is alive.

Header size limits and the timeouts before a request's headers are complete are the HTTP
server's (``api/serving.py``). Every refusal is a JSON body with ``detail``, as elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from dataclasses import dataclass

EXPENSIVE = ("/search", "/ask", "/precedent")
LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


@dataclass(frozen=True)
class LimitSettings:
    max_body_bytes: int = 1 << 20
    # Uploads of notices (POST /documents, admin only) may carry several files of up to the
    # reader's per-file limit (ZHENGCE_MAX_FILE_MB, 8 MiB by default).
    max_upload_bytes: int = 64 << 20
    body_timeout: float = 10.0
    max_concurrent: int = 64
    retry_after: int = 1
    rate_per_minute: float = 0.0  # 0: off
    rate_burst: int = 20
    rate_loopback: bool = False
    allowed_hosts: tuple[str, ...] | None = None
    # Read by api/serving.py (the HTTP server), not by the middleware:
    max_header_bytes: int = 16 * 1024
    header_timeout: float = 10.0
    keep_alive_timeout: float = 5.0


def is_expensive(path: str) -> bool:
    return path in EXPENSIVE or (path.startswith("/clauses/") and path.endswith("/similar"))


def host_name(value: str) -> str:
    """``Host`` header without its port, lower-cased (``[::1]:8000`` -> ``::1``)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class _Refused(Exception):
    def __init__(self, status: int, detail: str, headers: tuple[tuple[bytes, bytes], ...] = ()):
        self.status, self.detail, self.headers = status, detail, headers


class _Buckets:
    """Token buckets per client, bounded in number (the oldest are dropped)."""

    def __init__(self, per_minute: float, burst: int, max_clients: int = 10_000):
        self.rate, self.burst, self.max_clients = per_minute / 60.0, burst, max_clients
        self.state: dict[str, tuple[float, float]] = {}

    def take(self, client: str) -> float:
        """0 if a request may go now, else the seconds to wait."""
        now = time.monotonic()
        tokens, last = self.state.pop(client, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self.state[client] = (tokens - 1 if tokens >= 1 else tokens, now)
        if len(self.state) > self.max_clients:
            self.state.pop(next(iter(self.state)))
        return wait


class LimitsMiddleware:
    def __init__(self, app, settings: LimitSettings):
        self.app, self.s = app, settings
        self.in_flight = 0
        self.buckets = _Buckets(settings.rate_per_minute, settings.rate_burst) if settings.rate_per_minute else None
        self.hosts = {host_name(h) for h in settings.allowed_hosts} if settings.allowed_hosts is not None else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        try:
            self.check_host(scope)
            self.check_rate(scope)
            replay = await self.read_body(scope, receive)
        except _Refused as r:
            return await _send_json(send, r.status, r.detail, r.headers, close=r.status in (408, 413))
        if scope["path"] == "/health":
            return await self.app(scope, replay, send)
        if self.in_flight >= self.s.max_concurrent:
            return await _send_json(send, 503, "the server is busy; retry shortly",
                                    ((b"retry-after", str(self.s.retry_after).encode()),))
        self.in_flight += 1
        try:
            await self.app(scope, replay, send)
        finally:
            self.in_flight -= 1

    def check_host(self, scope) -> None:
        if self.hosts is None:
            return
        host = next((v for k, v in scope["headers"] if k == b"host"), b"").decode("latin-1")
        if host_name(host) not in self.hosts:
            raise _Refused(400, "host not allowed (see zhengce serve --allowed-hosts)")

    def check_rate(self, scope) -> None:
        if self.buckets is None or not is_expensive(scope["path"]):
            return
        client = (scope.get("client") or ("unknown",))[0]
        if client in LOOPBACK and not self.s.rate_loopback:
            return
        wait = self.buckets.take(client)
        if wait:
            raise _Refused(429, "too many requests from this client; retry later",
                           ((b"retry-after", str(max(1, math.ceil(wait))).encode()),))

    async def read_body(self, scope, receive):
        """Read the whole body within the limits; returns a ``receive`` that replays it."""
        limit = self.s.max_upload_bytes if (scope["path"] == "/documents" and scope["method"] == "POST") \
            else self.s.max_body_bytes
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None and length.isdigit() and int(length) > limit:
            raise _Refused(413, f"request body too large (the limit is {limit} bytes)")
        chunks, size = [], 0
        deadline = time.monotonic() + self.s.body_timeout
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except asyncio.TimeoutError:
                raise _Refused(408, f"request body not received within {self.s.body_timeout:g} s") from None
            if message["type"] != "http.request":
                return _replay([message], receive)  # the client went away: let the app see it
            size += len(message.get("body", b""))
            if size > limit:
                raise _Refused(413, f"request body too large (the limit is {limit} bytes)")
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return _replay([{"type": "http.request", "body": b"".join(chunks), "more_body": False}], receive)


def _replay(messages: list[dict], receive):
    async def replay():
        return messages.pop(0) if messages else await receive()
    return replay


async def _send_json(send, status: int, detail: str, headers=(), close: bool = False) -> None:
    body = json.dumps({"detail": detail}).encode()
    extra = [(b"connection", b"close")] if close else []
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *headers, *extra]})
    await send({"type": "http.response.body", "body": body})


def install_limits(app, settings: LimitSettings | None = None) -> LimitSettings:
    """Put the limits in front of ``app`` (outermost middleware); returns the settings used."""
    settings = settings or LimitSettings()
    app.add_middleware(LimitsMiddleware, settings=settings)
    app.state.limits = settings
    return settings
