"""Who may write (upload articles, save corrections) when the dashboard is served for others.

Reading is open to whoever reaches the server. Writing needs the credential the server was
started with (`serve --token-file FILE` or `--token`), presented once on /login, which sets an
HttpOnly, SameSite=Strict session cookie, or by a script as `Authorization: Bearer <token>`.
`--read-only` refuses every write. Without a credential on 127.0.0.1 nothing changes: the
machine's own user may write. The state lives in the Flask app's config, so the panels' callbacks
ask `write_refusal()` without being handed anything.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from html import escape

import flask

CONFIG_KEY = "CONFLICTMAP_ACCESS"
COOKIE = "conflictmap_session"
MAX_FAILURES = 10  # wrong tokens per minute before /login answers 429 for a minute


@dataclass
class Access:
    token: str | None = None
    read_only: bool = False
    # A fresh key per process: restarting the server signs everyone out.
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    failures: deque = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def session_value(self) -> str:
        return hmac.new(self.key, (self.token or "").encode(), hashlib.sha256).hexdigest()

    def token_matches(self, given: str) -> bool:
        return bool(self.token) and hmac.compare_digest(given.encode(), (self.token or "").encode())

    def signed_in(self, request: flask.Request) -> bool:
        if not self.token:
            return False
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and self.token_matches(auth[7:].strip()):
            return True
        return hmac.compare_digest(request.cookies.get(COOKIE, ""), self.session_value)

    def refusal(self, request: flask.Request) -> str | None:
        """Why this request may not write, or None when it may."""
        if self.read_only:
            return "this server is read-only"
        if self.token and not self.signed_in(request):
            return "sign in first (Sign in, in the top bar) to change anything on this server"
        return None

    def too_many_failures(self) -> bool:
        now = time.monotonic()
        with self.lock:
            while self.failures and now - self.failures[0] > 60:
                self.failures.popleft()
            return len(self.failures) >= MAX_FAILURES

    def failed(self) -> None:
        with self.lock:
            self.failures.append(time.monotonic())


def current() -> Access:
    return flask.current_app.config.get(CONFIG_KEY) or Access()


def write_refusal() -> str | None:
    """Inside a request: why it may not write (read-only server, not signed in), or None."""
    return current().refusal(flask.request)


def needs_sign_in(access: Access) -> bool:
    return bool(access.token) and not access.read_only


LOGIN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>conflictmap: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/assets/style.css">
</head><body class="login"><main><h1>conflictmap</h1><p>{message}</p>
<form method="post" action="/login"><label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit" class="button">Sign in</button></form><p><a href="/">Back to the map</a></p>
</main></body></html>"""


def register(server: flask.Flask, access: Access) -> None:
    """Keep `access` in the app's config and add /login and /logout."""
    server.config[CONFIG_KEY] = access

    @server.route("/login", methods=["GET", "POST"])
    def login():
        if not needs_sign_in(access):
            return flask.redirect("/")
        if flask.request.method == "GET":
            return LOGIN_PAGE.format(
                message="Reading needs nothing; adding articles and corrections need "
                "the token this server was started with."
            )
        if access.too_many_failures():
            return LOGIN_PAGE.format(message="Too many wrong tokens: wait a minute."), 429
        if not access.token_matches(flask.request.form.get("token", "")):
            access.failed()
            return LOGIN_PAGE.format(message=escape("Wrong token.")), 403
        resp = flask.redirect("/")
        resp.set_cookie(
            COOKIE, access.session_value, httponly=True, samesite="Strict", secure=flask.request.is_secure, path="/"
        )
        return resp

    @server.route("/logout", methods=["POST"])
    def logout():
        resp = flask.redirect("/")
        resp.delete_cookie(COOKIE, path="/")
        return resp
