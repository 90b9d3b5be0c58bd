"""The dashboard in several server processes: gunicorn's pre-fork master and its threaded workers
(gthread), set up as waitress is in serve.serve_wsgi (header limit, connection limit, no proxy
headers trusted, no traceback to a client). The app is built in each worker after the fork (no
preload): a process that started threads (the index warm-up) is never forked.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from gunicorn.app.base import BaseApplication


class _Workers(BaseApplication):
    def __init__(self, build: Callable[[], Callable], settings: dict) -> None:
        self.build, self.settings = build, settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Callable:
        app = self.build()
        # The load test waits for one such line per worker before it starts the clock.
        print(f"conflictmap: worker {os.getpid()} ready", file=sys.stderr, flush=True)
        return app


def gunicorn_settings(host: str, port: int, workers: int, threads: int) -> dict:
    from dashboard.app.serve import CONNECTION_LIMIT

    return {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        # One thread each: gunicorn's sync worker (accept, answer, close; no thread hand-off),
        # else gthread.
        "workers": workers,
        "worker_class": "sync" if threads == 1 else "gthread",
        "threads": threads,
        # A worker takes a connection only when one of its threads is free, and closes it after the
        # answer: the waiting ones stay in the listening socket's queue, which every worker reads,
        # so no request waits behind a busy worker while another is idle (with gthread's defaults a
        # worker accepted up to 1,000 connections into its own queue: at 50 users the brush's p95
        # round trip was 3 times waitress's). Browsers reconnect per request (a TLS proxy in front
        # keeps its own connections to them alive).
        "worker_connections": threads,
        "keepalive": 0,
        "backlog": CONNECTION_LIMIT,
        # A worker silent to the master this long is replaced: with gthread its main loop (a long
        # request does not count), with the sync worker the request itself (an export included).
        "timeout": 300,
        "graceful_timeout": 30,
        # Request line and header limits at least as waitress's (64 kB of headers); the body limit
        # is the guard's (413 before reading) and Flask's.
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 64 * 1024,
        # No X-Forwarded-* trusted from anyone (gunicorn trusts 127.0.0.1 by default): what a
        # proxy should say must be configured there, not guessed here.
        "forwarded_allow_ips": "",
        "proxy_allow_ips": "",
        "preload_app": False,
        "errorlog": "-",
        "loglevel": "warning",
        "accesslog": None,
        "proc_name": "conflictmap",
    }


def serve_gunicorn(build: Callable[[], Callable], host: str, port: int, workers: int, threads: int) -> None:
    _Workers(build, gunicorn_settings(host, port, workers, threads)).run()
