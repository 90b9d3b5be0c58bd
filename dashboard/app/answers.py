"""Finished answers of the views' callback, kept per store generation: many visitors ask for the
same view (everyone who opens the page, each filter preset, a busy place's marker), and building,
encoding and gzipping one costs ~100 ms of CPU at 100k events; a kept one costs a dictionary look-up.

Only callbacks named by the app as pure reads are kept (their answer depends on the request's inputs
and the store's generation, nothing else: not the visitor, not the time). The key is the generation
the server reads, whether the client takes gzip, and the request's inputs and states as the callback
reads them (a KeyRule from the app: inputs it ignores left out, values it parses in their parsed
form, so equivalent states share one answer), and which input fired only where the rule says that
changes the answer. An answer is only kept when the generation did not change while it was built.
The memory is bounded (bytes and entries), least recently used first out.
"""

from __future__ import annotations

import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from dashboard.app.compress import held_answer, wants_gzip

UPDATE_PATH = "/_dash-update-component"
LIMIT_BYTES = 48 * 2**20
LIMIT_ENTRIES = 2000
CACHE_HEADER = "X-Conflictmap-Cache"


class AnswerCache:
    """A thread-safe LRU of (status, headers, body) bounded by total body bytes and entries."""

    def __init__(self, limit_bytes: int = LIMIT_BYTES, limit_entries: int = LIMIT_ENTRIES) -> None:
        self.limit_bytes, self.limit_entries, self.size = limit_bytes, limit_entries, 0
        self.items: OrderedDict[tuple, tuple[str, list, bytes]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> tuple[str, list, bytes] | None:
        with self.lock:
            value = self.items.get(key)
            if value is None:
                self.misses += 1
                return None
            self.hits += 1
            self.items.move_to_end(key)
            return value

    def put(self, key: tuple, value: tuple[str, list, bytes]) -> None:
        body = value[2]
        with self.lock:
            if key in self.items or len(body) > self.limit_bytes // 8:
                return
            self.items[key] = value
            self.size += len(body)
            while self.size > self.limit_bytes or len(self.items) > self.limit_entries:
                _, old = self.items.popitem(last=False)
                self.size -= len(old[2])

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


def outputs_of(callback_map: Iterable[str], component_prop: str) -> list[str]:
    """The output strings (Dash's callback_map keys) of the callbacks that write `component_prop`."""
    return [k for k in callback_map if component_prop in {part.strip(".") for part in k.split("...")}]


@dataclass(frozen=True)
class KeyRule:
    """What of a kept callback's request its answer depends on. `triggers`: component ids whose
    firing (the first of `changedPropIds`, Dash's `ctx.triggered_id`) changes the answer; `ignored`:
    "id.property" inputs the callback does not read; `canonical`: "id.property" → the value as the
    callback reads it (e.g. parsed and written back), so equal readings share one key."""

    triggers: frozenset[str] = frozenset()
    ignored: frozenset[str] = frozenset()
    canonical: Mapping[str, Callable[[object], object]] = field(default_factory=dict)


def _fired(body: dict) -> str | None:
    changed = body.get("changedPropIds")
    first = changed[0] if isinstance(changed, list) and changed else None
    return first.rsplit(".", 1)[0] if isinstance(first, str) else None


def _read(item: object, rule: KeyRule) -> object:
    if not isinstance(item, dict):
        return item
    name = f"{item.get('id')}.{item.get('property')}"
    if name in rule.ignored:
        return None
    value = item.get("value")
    read = rule.canonical.get(name)
    if read is not None:
        try:
            value = read(value)
        except (TypeError, ValueError, AttributeError):
            pass  # a value the callback cannot read either: keyed as sent (its error answer is never kept)
    return [name, value]


def request_key(raw: bytes, outputs: frozenset[str], rule: KeyRule = KeyRule()) -> str | None:
    """The part of a callback request its answer depends on, or None when the callback is not one
    of `outputs` (or the body is not a callback request)."""
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict) or body.get("output") not in outputs:
        return None
    fired = _fired(body)
    parts = [[_read(x, rule) for x in v] if isinstance(v, list) else v for v in (body.get("inputs"), body.get("state"))]
    return json.dumps(
        [body.get("output"), fired if fired in rule.triggers else None, *parts],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def _read_body(environ: dict) -> bytes | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length <= 0:
        return None
    return environ["wsgi.input"].read(length)


def remember(
    app: Callable,
    generation: Callable[[], object],
    outputs: Iterable[str],
    cache: AnswerCache | None = None,
    rule: KeyRule = KeyRule(),
) -> Callable:
    """Wrap a WSGI app: answers of the callbacks whose output strings are `outputs` are kept per
    `generation()` (the store's) and given again to a request that `rule` reads the same."""
    pure = frozenset(outputs)
    cache = cache if cache is not None else AnswerCache()

    def remembered(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or not environ.get("PATH_INFO", "").endswith(UPDATE_PATH):
            return app(environ, start_response)
        raw = _read_body(environ)
        if raw is None:
            return app(environ, start_response)
        environ["wsgi.input"] = io.BytesIO(raw)  # the app reads the body again
        request = request_key(raw, pure, rule)
        if request is None:
            return app(environ, start_response)
        gzip = wants_gzip(environ)
        before = generation()
        key = (before, gzip, request)
        kept = cache.get(key)
        if kept is not None:
            start_response(kept[0], [*kept[1], (CACHE_HEADER, "hit")])
            return [kept[2]]
        held, body = held_answer(app, environ)
        if held["status"].startswith("200") and held["exc_info"] is None and generation() == before:
            cache.put(key, (held["status"], list(held["headers"]), body))
        start_response(held["status"], [*held["headers"], (CACHE_HEADER, "miss")], held["exc_info"])
        return [body]

    return remembered
