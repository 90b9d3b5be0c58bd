"""The kept answers (app/answers.py): only pure callbacks, per generation, bounded, errors never kept."""

from __future__ import annotations

import io
import json

from dashboard.app.answers import CACHE_HEADER, AnswerCache, KeyRule, outputs_of, remember, request_key

PURE = "..map.figure...timeline.figure.."


class Counting:
    """A WSGI app answering a callback request with a count of how many times it was called."""

    def __init__(self, status: str = "200 OK") -> None:
        self.calls, self.status = 0, status

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        self.calls += 1
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        assert json.loads(body)  # the app still reads the whole body
        start_response(self.status, [("Content-Type", "application/json")])
        return [json.dumps({"call": self.calls}).encode()]


def call(app, output: str, value: object, changed: str = "a.value", gzip: bool = False) -> tuple[dict, dict]:
    raw = json.dumps(
        {
            "output": output,
            "inputs": [{"id": "a", "property": "value", "value": value}],
            "state": [],
            "changedPropIds": [changed],
        }
    ).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/_dash-update-component",
        "CONTENT_LENGTH": str(len(raw)),
        "wsgi.input": io.BytesIO(raw),
        "HTTP_ACCEPT_ENCODING": "gzip" if gzip else "",
    }
    seen: dict = {}

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        seen.update(status=status, headers=dict(headers))

    body = b"".join(app(environ, start_response))
    return json.loads(body), seen


def test_a_pure_answer_is_kept_per_generation_and_request() -> None:
    inner, gen = Counting(), {"g": 1}
    app = remember(inner, lambda: gen["g"], [PURE])
    first, seen = call(app, PURE, 1)
    assert first == {"call": 1} and seen["headers"][CACHE_HEADER] == "miss"
    again, seen = call(app, PURE, 1, changed="b.value")  # which input fired does not matter
    assert again == {"call": 1} and seen["headers"][CACHE_HEADER] == "hit"
    assert call(app, PURE, 2)[0] == {"call": 2}  # another input value: another answer
    assert call(app, PURE, 1, gzip=True)[0] == {"call": 3}  # gzip or not are two answers
    gen["g"] = 2  # a write: nothing kept from before is given again
    assert call(app, PURE, 1)[0] == {"call": 4}
    assert inner.calls == 4


def test_other_callbacks_and_failures_are_never_kept() -> None:
    inner = Counting()
    app = remember(inner, lambda: 1, [PURE])
    call(app, "upload.data", 1)
    call(app, "upload.data", 1)
    assert inner.calls == 2
    failing = Counting("500 Internal Server Error")
    app = remember(failing, lambda: 1, [PURE])
    call(app, PURE, 1)
    call(app, PURE, 1)
    assert failing.calls == 2


def test_an_answer_built_across_a_write_is_not_kept() -> None:
    inner, gen = Counting(), iter(range(100))
    app = remember(inner, lambda: next(gen), [PURE])  # the generation moves during every request
    call(app, PURE, 1)
    call(app, PURE, 1)
    assert inner.calls == 2


def test_the_cache_is_bounded() -> None:
    cache = AnswerCache(limit_bytes=1000, limit_entries=3)
    for i in range(10):
        cache.put((i,), ("200 OK", [], b"x" * 100))
    assert len(cache.items) == 3 and cache.get((9,)) is not None and cache.get((0,)) is None
    cache = AnswerCache(limit_bytes=1000, limit_entries=100)
    for i in range(20):
        cache.put((i,), ("200 OK", [], b"x" * 120))
    assert cache.size <= 1000


def test_outputs_of_finds_a_multi_output_callback() -> None:
    keys = [PURE, "upload.data", "..map.figure@abc...x.y.."]
    assert outputs_of(keys, "map.figure") == [PURE]
    assert outputs_of(keys, "upload.data") == ["upload.data"]


def test_the_served_stack_keeps_the_views_answer_until_the_store_changes(tmp_path) -> None:
    from werkzeug.test import Client

    from dashboard import bench_http as B
    from dashboard import schema as S
    from dashboard.app import ids
    from dashboard.app.app import create_app
    from dashboard.app.serve import ServeOptions, secured
    from dashboard.ingest.article import Article
    from dashboard.store import EventsStore
    from dashboard.synth import write_synthetic_store

    write_synthetic_store(tmp_path / "store", 300, 0)
    app = create_app(tmp_path / "store")
    client = Client(secured(app, ServeOptions(), None))
    cb = B.render_callback(json.loads(client.get("/_dash-dependencies", headers={"Host": "127.0.0.1"}).data), ids.MAP)
    props = B.layout_props(json.loads(client.get("/_dash-layout", headers={"Host": "127.0.0.1"}).data))

    def views() -> tuple[str, dict]:
        r = client.post("/_dash-update-component", json=B.request_body(cb, props, {}), headers={"Host": "127.0.0.1"})
        assert r.status_code == 200
        return r.headers[CACHE_HEADER], json.loads(r.data)

    first, answer = views()
    again, same = views()
    assert (first, again) == ("miss", "hit") and same == answer
    EventsStore(tmp_path / "store").append(S.empty_events(), [Article(text="a later article", title="t")])
    assert views()[0] == "miss"  # a write: a new generation, answered anew


def test_a_key_rule_reads_the_request_as_the_callback_does() -> None:
    rule = KeyRule(
        triggers=frozenset({"page"}), ignored=frozenset({"gen.data"}), canonical={"f.data": lambda v: sorted(v)}
    )

    def key(inputs: list[dict], changed: list[str]) -> str | None:
        raw = json.dumps({"output": PURE, "inputs": inputs, "state": [], "changedPropIds": changed}).encode()
        return request_key(raw, frozenset([PURE]), rule)

    base = [{"id": "f", "property": "data", "value": ["b", "a"]}, {"id": "gen", "property": "data", "value": 1}]
    same = [{"id": "f", "property": "data", "value": ["a", "b"]}, {"id": "gen", "property": "data", "value": 7}]
    assert key(base, ["f.data"]) == key(same, ["gen.data"])  # read the same, whatever fired
    assert key(base, ["page.data"]) != key(base, ["f.data"])  # the rule's trigger answers differently
    other = [{"id": "f", "property": "data", "value": ["a", "c"]}, base[1]]
    assert key(other, ["f.data"]) != key(base, ["f.data"])
    hostile = [{"id": "f", "property": "data", "value": 3}]  # the canonical reading fails: keyed as sent
    assert key(hostile, []) != key([{"id": "f", "property": "data", "value": 4}], [])
    assert request_key(b'{"output": "x", "inputs": []}', frozenset([PURE]), rule) is None


def test_the_served_views_share_answers_only_where_render_reads_the_same(tmp_path) -> None:
    from werkzeug.test import Client

    from dashboard import bench_http as B
    from dashboard.app import ids
    from dashboard.app.app import create_app
    from dashboard.app.serve import ServeOptions, secured
    from dashboard.synth import write_synthetic_store

    write_synthetic_store(tmp_path / "store", 300, 0)
    client = Client(secured(create_app(tmp_path / "store"), ServeOptions(), None))
    host = {"Host": "127.0.0.1"}
    cb = B.render_callback(json.loads(client.get("/_dash-dependencies", headers=host).data), ids.MAP)
    props = B.layout_props(json.loads(client.get("/_dash-layout", headers=host).data))

    def views(changed: dict, fired: list[str]) -> tuple[str, dict]:
        body = {**B.request_body(cb, props, changed), "changedPropIds": fired}
        r = client.post("/_dash-update-component", json=body, headers=host)
        assert r.status_code == 200
        return r.headers[CACHE_HEADER], json.loads(r.data)["response"]

    page = {(ids.EXCERPT_PAGE, "data"): {"page": 0, "token": "x"}}
    panel_only = views(page, [f"{ids.EXCERPT_PAGE}.data"])
    assert panel_only[0] == "miss" and ids.MAP not in panel_only[1]
    # The same state reached by a selection change needs the map too: not the panel-only answer.
    whole = views(page, [f"{ids.SELECTION}.data"])
    assert whole[0] == "miss" and ids.MAP in whole[1] and ids.EXCERPT_NODES in whole[1]
    # Filters read the same (keys in another order, defaults left out) and another refresh count: kept.
    filters = dict(reversed(list((props[ids.FILTERS]["data"] or {}).items())))
    again = views(
        {
            **page,
            (ids.FILTERS, "data"): {k: v for k, v in filters.items() if v not in ([], "", None)},
            (ids.STORE_GENERATION, "data"): 5,
        },
        [f"{ids.FILTERS}.data"],
    )
    assert again == ("hit", whole[1])
