"""Serving for others: the guard (Host allow-list, cross-origin writes, size limit, headers), gzip,
the access control of writes, the refusal to be exposed without a credential, and the production
server (waitress in one process, gunicorn's workers in several)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.test import Client

from dashboard.app import compress as C
from dashboard.app.access import COOKIE, Access
from dashboard.app.guard import Policy, allowed_hosts, content_security_policy, guard, host_name
from dashboard.app.serve import ServeOptions, check_exposure, read_token
from dashboard.cli import main
from dashboard.errors import ConflictMapError

TOKEN = "correct horse battery staple"


def echo_app(environ, start_response):
    body = json.dumps({"method": environ["REQUEST_METHOD"], "path": environ["PATH_INFO"]}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def guarded() -> Client:
    policy = Policy(
        hosts=allowed_hosts("127.0.0.1", ["maps.example.org"]),
        csp=content_security_policy(["'sha256-x'"]),
        max_body=1000,
    )
    return Client(guard(echo_app, policy))


@pytest.mark.parametrize(
    "host, status",
    [
        ("127.0.0.1:8050", 200),
        ("localhost:8050", 200),
        ("[::1]:8050", 200),
        ("maps.example.org", 200),
        ("MAPS.example.org:443", 200),
        ("attacker.example:8050", 400),
        ("127.0.0.1.attacker.example", 400),
    ],
)
def test_only_the_hosts_it_was_started_for_are_answered(guarded: Client, host: str, status: int) -> None:
    resp = guarded.get("/", headers={"Host": host})
    assert resp.status_code == status
    assert resp.headers["X-Frame-Options"] == "DENY"  # refusals too


@pytest.mark.parametrize(
    "headers, status",
    [
        ({}, 200),  # curl, scripts: no Origin
        ({"Origin": "http://127.0.0.1:8050"}, 200),
        ({"Origin": "http://attacker.example"}, 403),
        ({"Origin": "http://127.0.0.1:9999"}, 403),  # another port of the same machine is another origin
        ({"Origin": "null"}, 403),
        ({"Sec-Fetch-Site": "cross-site"}, 403),
    ],
)
def test_cross_origin_writes_are_refused(guarded: Client, headers: dict, status: int) -> None:
    resp = guarded.post("/_dash-update-component", headers={"Host": "127.0.0.1:8050", **headers}, data=b"{}")
    assert resp.status_code == status
    assert guarded.get("/", headers={"Host": "127.0.0.1:8050", **headers}).status_code == 200  # reads are fine


def test_a_request_over_the_limit_is_refused_unread(guarded: Client) -> None:
    resp = guarded.post("/x", headers={"Host": "127.0.0.1"}, data=b"x" * 1001)
    assert resp.status_code == 413 and "limit" in resp.get_data(as_text=True)


def test_every_answer_carries_the_security_headers(guarded: Client) -> None:
    headers = guarded.get("/", headers={"Host": "127.0.0.1"}).headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self' 'sha256-x'" in csp and "unsafe-eval" not in csp
    assert "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_host_names() -> None:
    assert host_name("Example.org:8050") == "example.org" and host_name("[::1]:80") == "::1"
    assert host_name("::1") == "::1"
    wide = allowed_hosts("0.0.0.0")
    assert {"localhost", "127.0.0.1"} <= wide and os.uname().nodename.lower() in wide
    assert allowed_hosts("127.0.0.1") == frozenset({"localhost", "127.0.0.1", "::1"})


def test_gzip_for_clients_that_accept_it(monkeypatch) -> None:
    big = json.dumps({"x": list(range(5000))}).encode()

    def app(environ, start_response):
        body = big if environ["PATH_INFO"] != "/small" else b"{}"
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    calls = []
    real = gzip.compress
    monkeypatch.setattr(C.gzip, "compress", lambda *a, **k: calls.append(1) or real(*a, **k))
    client = Client(C.compress(app))
    resp = client.get("/_dash-update-component", headers={"Accept-Encoding": "gzip, br"})
    assert resp.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in resp.headers["Vary"]
    assert int(resp.headers["Content-Length"]) == len(resp.data) < len(big) / 2
    assert gzip.decompress(resp.data) == big
    assert "Content-Encoding" not in client.get("/x").headers  # no Accept-Encoding
    assert "Content-Encoding" not in client.get("/small", headers={"Accept-Encoding": "gzip"}).headers
    assert "Content-Encoding" not in client.get("/x", headers={"Accept-Encoding": "gzip;q=0"}).headers
    for _ in range(3):  # a static file is compressed once
        client.get("/assets/big.json", headers={"Accept-Encoding": "gzip"})
    assert len(calls) == 2


def test_exposed_without_a_credential_refuses_to_start(tmp_path: Path, capsys) -> None:
    with pytest.raises(ConflictMapError, match="without a credential"):
        check_exposure(ServeOptions(host="0.0.0.0"))
    check_exposure(ServeOptions(host="0.0.0.0", read_only=True))
    check_exposure(ServeOptions(host="192.0.2.7", token=TOKEN))
    check_exposure(ServeOptions(host="127.0.0.1"))
    check_exposure(ServeOptions(host="::1"))
    # Through the command: refused before the empty store is filled (which would take minutes).
    assert main(["serve", "--host", "0.0.0.0", "--store", str(tmp_path / "s")]) == 1
    assert "refusing to serve on 0.0.0.0" in capsys.readouterr().err and not (tmp_path / "s").exists()


def test_tokens_from_a_file_or_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CONFLICTMAP_TOKEN", raising=False)
    f = tmp_path / "token"
    f.write_text(TOKEN + "\nsecond line ignored\n", encoding="utf-8")
    assert read_token(None, f) == TOKEN
    assert read_token(None, None) is None
    monkeypatch.setenv("CONFLICTMAP_TOKEN", TOKEN)
    assert read_token(None, None) == TOKEN
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    with pytest.raises(ConflictMapError, match="empty"):
        read_token(None, tmp_path / "empty")
    with pytest.raises(ConflictMapError, match="12 characters"):
        read_token("short", None)


# -- writes through the real Dash app --------------------------------------------------------------


def _app(store: Path, access: Access):
    from dashboard.app.app import create_app

    return create_app(store, access=access)


def _upload_request(app, contents: list[str], names: list[str]) -> dict:
    from dashboard.app import ids

    key = next(k for k in app.callback_map if f"{ids.UPLOAD_JOB}.data" in k)
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
    return {
        "output": key,
        "outputs": outputs,
        "changedPropIds": [f"{ids.UPLOAD}.contents"],
        "inputs": [{"id": ids.UPLOAD, "property": "contents", "value": contents}],
        "state": [
            {"id": ids.UPLOAD, "property": "filename", "value": names},
            *(
                {"id": cid, "property": "value", "value": ""}
                for cid in (ids.UPLOAD_SOURCE, ids.UPLOAD_URL, ids.UPLOAD_PUBLISHED)
            ),
        ],
    }


def _post_upload(client, app, headers=None) -> str:
    body = _upload_request(
        app, ["data:application/pdf;base64,JVBERi0=", "data:text/plain;base64,eA=="], ["notes.pdf", "slides.ppt"]
    )
    resp = client.post("/_dash-update-component", json=body, headers=headers or {})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_data(as_text=True)


@pytest.mark.parametrize(
    "access, allowed", [(Access(), True), (Access(token=TOKEN), False), (Access(read_only=True), False)]
)
def test_uploads_need_the_credential(tmp_path: Path, access: Access, allowed: bool) -> None:
    app = _app(tmp_path / "store", access)
    answer = _post_upload(app.server.test_client(), app)
    # Allowed: the files are refused for their type (no ingest starts); refused: nothing is even looked at.
    assert ("notes.pdf: not an article file" in answer) is allowed
    assert ("Nothing added" in answer) is not allowed
    if access.read_only:
        assert "read-only" in answer


def test_signing_in_lets_writes_through(tmp_path: Path) -> None:
    access = Access(token=TOKEN)
    app = _app(tmp_path / "store", access)
    client = app.server.test_client()
    assert 'name="token"' in client.get("/login").get_data(as_text=True)
    assert client.post("/login", data={"token": "wrong token, long enough"}).status_code == 403
    resp = client.post("/login", data={"token": TOKEN})
    assert resp.status_code == 302
    cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "not an article file" in _post_upload(client, app)
    other = app.server.test_client()  # a visitor without the cookie
    assert "Nothing added: sign in first" in _post_upload(other, app)
    assert "not an article file" in _post_upload(other, app, {"Authorization": f"Bearer {TOKEN}"})


def test_login_attempts_are_limited(tmp_path: Path) -> None:
    client = _app(tmp_path / "store", Access(token=TOKEN)).server.test_client()
    codes = [client.post("/login", data={"token": f"guess number {i:04d}"}).status_code for i in range(12)]
    assert codes[:10] == [403] * 10 and codes[10:] == [429, 429]
    assert client.post("/login", data={"token": TOKEN}).status_code == 429  # even the right one, for a minute


def test_corrections_need_the_credential(tmp_path: Path, make_events) -> None:
    from dashboard.app import ids
    from dashboard.store import EventsStore

    alts = json.dumps(
        [
            {
                "name": "Idlib",
                "lat": 35.93,
                "lon": 36.63,
                "geonameid": 169389,
                "feature_code": "PPL",
                "country_code": "SY",
                "country": "Syria",
                "admin1": "Idlib",
                "geo_precision": 1,
                "score": 1,
            },
            {
                "name": "Idlib",
                "lat": 35.8,
                "lon": 36.6,
                "geonameid": 169388,
                "feature_code": "ADM1",
                "country_code": "SY",
                "country": "Syria",
                "admin1": "Idlib",
                "geo_precision": 3,
                "score": 0.5,
            },
        ]
    )
    EventsStore(tmp_path / "store").replace_events(make_events(dict(event_id="e1", alternatives=alts)))
    app = _app(tmp_path / "store", Access(read_only=True))
    key = next(k for k in app.callback_map if f"{ids.CORRECT_STATUS}.children" in k)
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]} for o in key.strip(".").split("...")]
    body = {
        "output": key,
        "outputs": outputs,
        "changedPropIds": [f"{ids.CORRECT_SAVE}.n_clicks"],
        "inputs": [{"id": ids.CORRECT_SAVE, "property": "n_clicks", "value": 1}],
        "state": [
            {"id": ids.CORRECT_CHOICE, "property": "value", "value": "alt:1"},
            {"id": ids.CORRECT_SCOPE, "property": "value", "value": "all"},
            {"id": ids.SELECTION, "property": "data", "value": {"event": "e1"}},
        ],
    }
    answer = app.server.test_client().post("/_dash-update-component", json=body).get_data(as_text=True)
    assert "Not saved: this server is read-only" in answer
    assert EventsStore(tmp_path / "store").manifest()["generation"] == 1  # nothing rewritten


# -- the real server -------------------------------------------------------------------------------


def _start_server(store: Path, *args: str) -> tuple[subprocess.Popen, str, object, bytes]:
    """`conflictmap serve` on a free port, once it answers: (process, base URL, headers, gzipped body of /)."""
    from dashboard.bench_http import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "serve", "--store", str(store), "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(
                urllib.request.Request(base + "/", headers={"Accept-Encoding": "gzip"}), timeout=5
            ) as resp:
                return proc, base, resp.headers, resp.read()
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(proc.stderr.read() if proc.stderr else "server did not start") from None
            time.sleep(0.2)


@pytest.mark.parametrize(
    "workers, threads, server", [("1", "4", "conflictmap"), ("2", "2", "gunicorn"), ("2", "1", "gunicorn")]
)
def test_serve_runs_a_production_server_behind_the_guard(
    tmp_path: Path, workers: str, threads: str, server: str
) -> None:
    import psutil

    from dashboard.synth import write_synthetic_store

    store = tmp_path / "store"
    write_synthetic_store(store, 200)
    proc, base, headers, body = _start_server(store, "--workers", workers, "--threads", threads)
    try:
        # One worker: waitress in this process; more: gunicorn's master and that many worker processes
        # (gthread's, or with one thread each the sync worker's).
        assert headers["Server"] == server and headers["Content-Encoding"] == "gzip"
        # gunicorn forks its workers one after another: the first may answer before the last is up.
        expected = 0 if workers == "1" else int(workers)
        deadline = time.monotonic() + 30
        while len(psutil.Process(proc.pid).children()) != expected and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(psutil.Process(proc.pid).children()) == expected
        assert b"_dash-config" in gzip.decompress(body)
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(base + "/", headers={"Host": "rebind.example"}), timeout=5)
        assert refused.value.code == 400
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_sign_in_holds_in_every_worker_process(tmp_path: Path) -> None:
    """The session cookie one worker sets is accepted by the others (one key for the whole server)."""
    from dashboard.synth import write_synthetic_store

    store = tmp_path / "store"
    write_synthetic_store(store, 200)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", encoding="utf-8")
    proc, base, _, _ = _start_server(store, "--workers", "2", "--token-file", str(token_file))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        login = urllib.request.Request(
            base + "/login",
            data=f"token={TOKEN.replace(' ', '+')}".encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with pytest.raises(urllib.error.HTTPError) as redirected:
            urllib.request.build_opener(NoRedirect).open(login, timeout=30)
        assert redirected.value.code == 302
        cookie = redirected.value.headers["Set-Cookie"].split(";")[0]
        body = json.dumps(_post_body(store)).encode()
        answers = []
        for _ in range(16):  # a new connection each: the workers take turns accepting them
            req = urllib.request.Request(
                base + "/_dash-update-component",
                data=body,
                headers={"Content-Type": "application/json", "Cookie": cookie},
            )
            with urllib.request.urlopen(req, timeout=60) as resp:
                answers.append(resp.read().decode())
        assert all("notes.pdf: not an article file" in a and "sign in first" not in a for a in answers)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _post_body(store: Path) -> dict:
    return _upload_request(
        _app(store, Access()),
        ["data:application/pdf;base64,JVBERi0=", "data:text/plain;base64,eA=="],
        ["notes.pdf", "slides.ppt"],
    )
