"""Property tests: whatever bytes a file holds, the readers return articles and named problems,
never an exception, and every article they return can be stored."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest.readers import SUFFIXES, read_file
from dashboard.store import articles_frame

# Pieces that reach the readers' corners: markup, CDATA, entities, quotes, dates, BOMs, escapes.
PIECES = [
    "<p>",
    "</p>",
    "<script>",
    "</script>",
    "<![CDATA[",
    "]]>",
    "<![",
    "<!--",
    "-->",
    "<item>",
    "</item>",
    "<title>",
    "<description>",
    "&#xD800;",
    "&amp;",
    '"',
    ",",
    "\n",
    "\r\n",
    "{",
    "}",
    "[",
    '"text": ',
    '"published": "9999-12-31"',
    '"date": "0001-01-01"',
    "\\ud800",
    "\u2028",
    "\x85",
    "Shelling hit Aleppo on Monday. ",
    "<!ENTITY",
    "\ufeff",
    "\x00",
    "title,text,published\n",
]
texty = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=20)), max_size=40).map("".join)
encoded = st.one_of(
    texty.map(lambda t: t.encode("utf-8", "surrogatepass")),
    texty.map(lambda t: t.encode("utf-16", "surrogatepass")),
    st.binary(max_size=400),
)


def check(suffix: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"f{suffix}"
        path.write_bytes(data)
        res = read_file(path)
    assert all(p.problem.strip() for p in res.problems + res.warnings)
    assert res.articles or res.problems  # a file that gives nothing says why
    for a in res.articles:
        assert any(c.isalnum() for c in a.text)
        json.dumps(a.__dict__, default=str).encode("utf-8")  # no lone surrogates anywhere
        assert "\x00" not in "".join([a.text, a.title, a.source, a.url, *a.extra.keys(), *a.extra.values()])
    if res.articles:
        pa.Table.from_pandas(articles_frame(res.articles))  # storable: dates in range, text encodable


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suffix=st.sampled_from(SUFFIXES), data=encoded)
def test_any_bytes_in_any_format(suffix: str, data: bytes) -> None:
    check(suffix, data)


rows = st.dictionaries(
    st.sampled_from(["text", "title", "published", "date", "id", "url", "x"]),
    st.one_of(
        texty, st.integers(), st.none(), st.booleans(), st.floats(allow_nan=True), st.lists(st.integers(), max_size=3)
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(rows, max_size=5))
def test_any_jsonl_rows(rows: list[dict]) -> None:
    check(".jsonl", "\n".join(json.dumps(r) for r in rows).encode())
