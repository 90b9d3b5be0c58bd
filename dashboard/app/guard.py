"""The WSGI layer in front of the Dash app: which requests it answers, and the headers every answer carries.

- A `Host:` the server was not started for is refused (400): a web page cannot reach a server on
  127.0.0.1 through DNS rebinding, since the browser then sends the attacker's host name.
- A state-changing request (POST…) from another origin is refused (403): its `Origin` must be the
  server's own (scheme aside), and `Sec-Fetch-Site: cross-site` is refused outright.
- A request body over the limit is refused (413) before it is read.
- Every answer carries a Content-Security-Policy (scripts only from this server, plus the hashes
  of Dash's own inline scripts; no framing), X-Frame-Options DENY, nosniff and a referrer policy.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Policy:
    hosts: frozenset[str]  # Host header names answered (lower case, without the port)
    csp: str
    max_body: int  # bytes


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a browser may use to reach a server bound to `bind`: the loopback names always
    (a proxy on this machine), the bound address, and for a wildcard bind (0.0.0.0, ::) this
    machine's host names and interface addresses; `extra` adds names such as a proxy's public one."""
    names = {*LOOPBACK_NAMES, bind.strip("[]").lower(), *(e.lower() for e in extra)}
    if bind in ("0.0.0.0", "::", ""):
        import psutil

        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        names |= {
            a.address.split("%")[0].lower()
            for addrs in psutil.net_if_addrs().values()
            for a in addrs
            if a.family in (socket.AF_INET, socket.AF_INET6)
        }
    return frozenset(n for n in names if n)


def host_name(value: str) -> str:
    """The name part of a Host header: 'example.org:8050' → 'example.org', '[::1]:8050' → '::1'."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def content_security_policy(script_hashes: Iterable[str], tile_origin: str | None = None) -> str:
    """Scripts from this server only (and Dash's inline ones, by hash); styles may be inline (plotly
    sets style attributes); images, fetches and workers from this server, `data:`/`blob:` URLs and
    the tile server when one is configured; the page may not be framed."""
    tiles = f" {tile_origin}" if tile_origin else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(script_hashes),
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{tiles}",
            f"connect-src 'self' data: blob:{tiles}",
            "font-src 'self' data:",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def origin_of(url_template: str | None) -> str | None:
    if not url_template:
        return None
    parts = urlsplit(url_template.replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


SECURITY_HEADERS = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
)


def _refuse(start_response: Callable, status: str, text: str) -> list[bytes]:
    body = (text + "\n").encode()
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), *SECURITY_HEADERS]
    )
    return [body]


def refusal(environ: dict, policy: Policy) -> tuple[str, str] | None:
    """(status, message) when the request must not reach the app, else None."""
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    if host_name(host) not in policy.hosts:
        return "400 Bad Request", (
            "unknown Host header: this server answers only the names it was started for "
            "(conflictmap serve --allow-host NAME adds one)"
        )
    if environ.get("REQUEST_METHOD", "GET").upper() in WRITE_METHODS:
        origin = environ.get("HTTP_ORIGIN")
        if environ.get("HTTP_SEC_FETCH_SITE", "").lower() == "cross-site" or (
            origin and (origin == "null" or urlsplit(origin).netloc.lower() != host.strip().lower())
        ):
            return "403 Forbidden", "cross-origin request refused"
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "400 Bad Request", "malformed Content-Length"
    if length > policy.max_body:
        return "413 Content Too Large", f"request over the {policy.max_body // 2**20} MB limit"
    return None


def guard(app: Callable, policy: Policy) -> Callable:
    """Wrap a WSGI app with the checks and headers above."""

    def guarded(environ: dict, start_response: Callable) -> Iterable[bytes]:
        refused = refusal(environ, policy)
        if refused is not None:
            return _refuse(start_response, *refused)

        def with_headers(status: str, headers: list, exc_info: object = None) -> Callable:
            have = {k.lower() for k, _ in headers}
            extra = [
                (k, v) for k, v in (("Content-Security-Policy", policy.csp), *SECURITY_HEADERS) if k.lower() not in have
            ]
            return start_response(status, [*headers, *extra], exc_info)

        return app(environ, with_headers)

    return guarded
