"""The HTTP server's own limits, and the ``zhengce serve`` options that set every limit.

Issue 16, row 6: a 16 MB header was accepted (uvicorn's default httptools parser has no
header limit) and partial requests were held open forever (uvicorn times out only idle
keep-alive connections, and only after a first response). :func:`server_config` therefore
always uses the h11 parser with:

- ``max_header_bytes`` (16 KiB): a request line and headers larger than that get a 431 and
  the connection is closed (measured as they arrive, and h11's ``max_incomplete_event_size``);
- :class:`BoundedH11Protocol`: a connection whose request headers are not complete within
  ``header_timeout`` seconds of connecting (or of its first byte, on a kept-alive
  connection) gets a 408 and is closed; idle keep-alive connections close after
  ``keep_alive_timeout``. The body's own timeout is the middleware's (``api/limits.py``).
"""

from __future__ import annotations

import argparse
import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from zhengce.api.limits import LimitSettings

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


class BoundedH11Protocol(H11Protocol):
    """h11 with a deadline for the request line and headers."""

    header_timeout = 10.0
    max_header_bytes = 16 * 1024
    _header_timer = None
    _head = b""

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            if self._header_timer is None:
                self._arm_header_timer()  # the first byte of a request on a kept-alive connection
            # h11 limits only headers still incomplete in its buffer; ones that arrive whole
            # in one read are measured here, before any of the request is handled.
            self._head += data
            end = self._head.find(b"\r\n\r\n")
            if (len(self._head) if end < 0 else end + 4) > self.max_header_bytes:
                self._refuse(431, "Request Header Fields Too Large",
                             f"request line and headers larger than {self.max_header_bytes} bytes")
                return
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._head = b""
            self._cancel_header_timer()  # headers complete: the body has the middleware's timeout

    def connection_lost(self, exc) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_timed_out)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timed_out(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a response is being written: not a partial request
        self._refuse(408, "Request Timeout", f"request headers not received within {self.header_timeout:g} s")

    def _refuse(self, status: int, phrase: str, detail: str) -> None:
        self._cancel_header_timer()
        self._head = b""
        body = json.dumps({"detail": detail}).encode()
        self.transport.write(f"HTTP/1.1 {status} {phrase}\r\ncontent-type: application/json\r\n"
                             f"connection: close\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body)
        self.transport.close()


def protocol_for(settings: LimitSettings) -> type[BoundedH11Protocol]:
    return type("ZhengceH11Protocol", (BoundedH11Protocol,),
                {"header_timeout": settings.header_timeout, "max_header_bytes": settings.max_header_bytes})


def server_config(app, host: str, port: int, settings: LimitSettings, **kwargs):
    """A ``uvicorn.Config`` with the header size limit and the timeouts of ``settings``."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, http=protocol_for(settings),
                          h11_max_incomplete_event_size=settings.max_header_bytes,
                          timeout_keep_alive=int(max(1, settings.keep_alive_timeout)),
                          limit_concurrency=max(256, 4 * settings.max_concurrent), **kwargs)


def add_limit_arguments(p: argparse.ArgumentParser) -> None:
    d = LimitSettings()
    p.add_argument("--allowed-hosts", default=None, metavar="H1,H2",
                   help="Host header values accepted (default: localhost, 127.0.0.1, ::1 and --host); "
                        "'*' accepts any (stops DNS rebinding only when restricted)")
    p.add_argument("--max-body-kb", type=int, default=d.max_body_bytes // 1024,
                   help=f"largest request body, else 413 (default {d.max_body_bytes // 1024})")
    p.add_argument("--max-concurrent", type=int, default=d.max_concurrent,
                   help=f"requests handled at once, else 503 with Retry-After (default {d.max_concurrent})")
    p.add_argument("--rate-limit", type=float, default=60.0, metavar="PER_MINUTE",
                   help="requests a minute per client to /search, /ask, /precedent, /similar, else 429 "
                        "(default 60, bursts of 20; 0 turns it off; loopback clients are exempt)")
    p.add_argument("--rate-limit-loopback", action="store_true", help="apply the rate limit to loopback too")
    p.add_argument("--timeout", type=float, default=d.header_timeout,
                   help=f"seconds to receive a request's headers, and again its body, else 408 "
                        f"(default {d.header_timeout:g})")


def settings_from_args(args: argparse.Namespace) -> LimitSettings:
    if args.allowed_hosts is None:
        hosts: tuple[str, ...] | None = LOOPBACK_HOSTS + ((args.host,) if args.host not in ("0.0.0.0", "::") else ())
    elif args.allowed_hosts.strip() == "*":
        hosts = None
    else:
        hosts = tuple(h.strip() for h in args.allowed_hosts.split(",") if h.strip())
    return LimitSettings(max_body_bytes=args.max_body_kb * 1024, max_concurrent=args.max_concurrent,
                         rate_per_minute=args.rate_limit, rate_loopback=args.rate_limit_loopback,
                         allowed_hosts=hosts, header_timeout=args.timeout, body_timeout=args.timeout)
