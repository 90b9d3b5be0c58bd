"""Running the dashboard for others: a production WSGI server in front of the Dash app, behind the
guard (Host allow-list, cross-origin writes refused, size limit, security headers) and gzip.

An answer is Python work under one GIL, so one process uses at most about one core however many
threads it has: with `--workers N` (N > 1) gunicorn runs N processes (each with its own app, index
and kept answers) on one listening socket, each serving a few threads. One worker (the default,
see default_workers) runs in this process under waitress (pure Python; also where gunicorn does not
run). Flask's development server only with `--dev`.
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


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def default_workers() -> int:
    """One server process unless told otherwise (`--workers N`). On the shared 2-core machine this
    was measured on (load average 5-25 from other work), 2 gunicorn workers x 2 threads and 3
    single-threaded ones served fewer requests at 50 users than the one waitress process with 4
    threads they alternated with in 12 of 13 runs, with no better p95 (README, "Running it for
    others"): each worker fills its own kept answers and the processes got less CPU between them
    than the one did. Where cores are free, measure `--workers` again (scripts/loadtest.py)."""
    return 1


def default_threads(workers: int = 1) -> int:
    """Request threads per process. One process: two per core, at least four (a request spends part
    of its time outside the GIL — numpy, Arrow, sockets — and a slow one, an export, must not hold
    every other visitor). Several: two each — a second thread keeps the process busy while the
    first waits on a socket, more only queue for the same GIL."""
    return max(4, 2 * cores()) if workers <= 1 else 2


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8050
    dev: bool = False
    workers: int | None = None  # server processes (None: default_workers())
    threads: int | None = None  # request threads per process (None: default_threads())
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
            "articles and rewrite places. Pass --token-file FILE (writes need the token) or --read-only"
        )


def secured(app: dash.Dash, opts: ServeOptions, tiles: tuple[str, str] | None) -> Callable:
    """The WSGI app to serve: guard(kept answers(gzip(Dash)))."""
    csp = content_security_policy(app.csp_hashes(), origin_of(tiles[0] if tiles else None))
    policy = Policy(hosts=allowed_hosts(opts.host, opts.allow_hosts), csp=csp, max_body=opts.max_request_mb * 2**20)
    wsgi = compress(app.server.wsgi_app)
    views = app.server.extensions.get("conflictmap")
    if views and not opts.no_answer_cache:
        wsgi = remember(wsgi, views["generation"], views["pure_outputs"], rule=views.get("answer_rule", KeyRule()))
    return guard(wsgi, policy)


def run(
    make_app: Callable[[], dash.Dash],
    opts: ServeOptions,
    tiles: tuple[str, str] | None,
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr),
) -> None:
    """Serve the app `make_app` builds (once per server process) as `opts` says."""
    check_exposure(opts)
    if opts.dev:
        app = make_app()
        app.server.wsgi_app = served(app, opts, tiles)
        log("conflictmap: Flask's development server (--dev): not for other users")
        app.run(host=opts.host, port=opts.port, debug=False)
        return
    serve_wsgi(lambda: served(make_app(), opts, tiles), opts, log)


def served(app: dash.Dash, opts: ServeOptions, tiles: tuple[str, str] | None) -> Callable:
    """The secured WSGI app of one server process, with Flask's own body limit set as well, once
    the app's index is built: a process takes no request it would keep waiting for the index (with
    several workers, the one started last would otherwise answer its first visitors seconds late)."""
    app.server.config["MAX_CONTENT_LENGTH"] = opts.max_request_mb * 2**20
    ready = app.server.extensions.get("conflictmap", {}).get("ready")
    if ready is not None:
        ready.wait()
    return secured(app, opts, tiles)


def serve_wsgi(
    build: Callable[[], Callable], opts: ServeOptions, log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)
) -> None:
    """Serve the WSGI app `build()` returns as `conflictmap serve` does: under gunicorn in
    opts.workers processes (build() runs in each, after the fork: no thread of this process is
    carried into a worker), or in this process under waitress with one worker. The load test and
    the bench wrap the secured stack in their timer and serve it through here."""
    workers = opts.workers or default_workers()
    threads = opts.threads or default_threads(workers)
    if workers > 1:
        from dashboard.app.serve_workers import serve_gunicorn

        log(f"conflictmap: gunicorn, {workers} worker processes x {threads} threads")
        serve_gunicorn(build, opts.host, opts.port, workers, threads)
        return
    from waitress import serve

    log(f"conflictmap: waitress, {threads} threads")
    serve(
        build(),
        host=opts.host,
        port=opts.port,
        threads=threads,
        ident="conflictmap",
        max_request_body_size=opts.max_request_mb * 2**20,
        max_request_header_size=64 * 1024,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=120,
        expose_tracebacks=False,
        clear_untrusted_proxy_headers=True,
    )


CONNECTION_LIMIT = 200  # waitress: open connections held; gunicorn: the listening socket's queue


def access_for(opts: ServeOptions) -> Access:
    return Access(token=opts.token, read_only=opts.read_only)


def hosts_note(opts: ServeOptions) -> Iterable[str]:
    return sorted(allowed_hosts(opts.host, opts.allow_hosts))
