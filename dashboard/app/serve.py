"""Running the dashboard for others: waitress (a production WSGI server, pure Python) in front of
the Dash app, behind the guard (Host allow-list, cross-origin writes refused, size limit, security
headers) and gzip. Flask's development server only with `--dev`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import dash

from dashboard.app.access import Access
from dashboard.app.answers import KeyRule, remember
from dashboard.app.compress import compress
from dashboard.app.guard import Policy, allowed_hosts, content_security_policy, guard, is_loopback, origin_of
from dashboard.errors import ConflictMapError

DEFAULT_MAX_REQUEST_MB = 64  # an upload of several 10 MB files travels base64 (4/3) in one request


def default_threads() -> int:
    """Two request threads per core, at least four: a request spends part of its time outside the
    GIL (numpy, Arrow, sockets), and a slow one (an export) must not hold every other visitor."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(4, 2 * cores)


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8050
    dev: bool = False
    threads: int | None = None
    token: str | None = None
    read_only: bool = False
    allow_hosts: list[str] = field(default_factory=list)
    max_request_mb: int = DEFAULT_MAX_REQUEST_MB
    no_answer_cache: bool = False  # for measuring what the kept answers are worth (scripts/loadtest.py)


def read_token(token: str | None, token_file: Path | None) -> str | None:
    """The credential from --token, --token-file (its first line) or $CONFLICTMAP_TOKEN."""
    if token_file is not None:
        try:
            lines = token_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise ConflictMapError(f"{token_file}: cannot read the token file ({err})") from err
        token = lines[0].strip() if lines else ""
        if not token:
            raise ConflictMapError(f"{token_file}: the token file is empty")
    token = token or os.environ.get("CONFLICTMAP_TOKEN") or None
    if token is not None and len(token) < 12:
        raise ConflictMapError("the access token must be at least 12 characters long")
    return token


def check_exposure(opts: ServeOptions) -> None:
    """Refuse to serve on an interface other machines reach with nothing guarding the writes."""
    if not is_loopback(opts.host) and not (opts.token or opts.read_only):
        raise ConflictMapError(
            f"refusing to serve on {opts.host} without a credential: anyone who reaches the port could add "
            "articles and rewrite places. Pass --token-file FILE (writes need the token) or --read-only")


def secured(app: dash.Dash, opts: ServeOptions, tiles: tuple[str, str] | None) -> Callable:
    """The WSGI app to serve: guard(kept answers(gzip(Dash)))."""
    csp = content_security_policy(app.csp_hashes(), origin_of(tiles[0] if tiles else None))
    policy = Policy(hosts=allowed_hosts(opts.host, opts.allow_hosts), csp=csp,
                    max_body=opts.max_request_mb * 2**20)
    wsgi = compress(app.server.wsgi_app)
    views = app.server.extensions.get("conflictmap")
    if views and not opts.no_answer_cache:
        wsgi = remember(wsgi, views["generation"], views["pure_outputs"], rule=views.get("answer_rule", KeyRule()))
    return guard(wsgi, policy)


def run(app: dash.Dash, opts: ServeOptions, tiles: tuple[str, str] | None,
        log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> None:
    check_exposure(opts)
    wsgi = secured(app, opts, tiles)
    app.server.config["MAX_CONTENT_LENGTH"] = opts.max_request_mb * 2**20
    if opts.dev:
        app.server.wsgi_app = wsgi
        log("conflictmap: Flask's development server (--dev): not for other users")
        app.run(host=opts.host, port=opts.port, debug=False)
        return
    serve_wsgi(wsgi, opts, log)


def serve_wsgi(wsgi: Callable, opts: ServeOptions, log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)
               ) -> None:
    """Serve a WSGI app under waitress as `conflictmap serve` does (the load test wraps the secured
    stack in its timer and serves it through here)."""
    from waitress import serve

    threads = opts.threads or default_threads()
    log(f"conflictmap: waitress, {threads} threads")
    serve(wsgi, host=opts.host, port=opts.port, threads=threads, ident="conflictmap",
          max_request_body_size=opts.max_request_mb * 2**20, max_request_header_size=64 * 1024,
          connection_limit=200, channel_timeout=120, expose_tracebacks=False,
          clear_untrusted_proxy_headers=True)


def access_for(opts: ServeOptions) -> Access:
    return Access(token=opts.token, read_only=opts.read_only)


def hosts_note(opts: ServeOptions) -> Iterable[str]:
    return sorted(allowed_hosts(opts.host, opts.allow_hosts))
