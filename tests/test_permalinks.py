"""Hostile permalinks never answer 500: every callback that reads the URL, through the real app."""

from __future__ import annotations

import json
import random

import pytest

from dashboard import bench_http as B
from dashboard.app import ids
from dashboard.app.app import create_app
from dashboard.synth import write_synthetic_store

KEYS = [
    "type",
    "subtype",
    "actor",
    "country",
    "admin1",
    "source",
    "from",
    "to",
    "place",
    "event",
    "lon",
    "lat",
    "scale",
    "west",
    "east",
    "south",
    "north",
    "q",
    "minf",
    "minc",
    "size",
    "measure",
    "towns",
]
VALUES = [
    "",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "-1",
    "99999999999999999999",
    "2020-13-45",
    "0001-01-01",
    "9999-12-31",
    "<script>alert(1)</script>",
    "'\"",
    "%00",
    "\x00",
    "a" * 5000,
    "[]",
    "null",
    "1,2,3",
    "\U0001f642",
    "\ud800",
    "..%2F..",
    "2020-01-01T25:00",
    "%ED%A0%80",
    "%FF",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    store = tmp_path_factory.mktemp("permalinks") / "store"
    write_synthetic_store(store, 500)
    app = create_app(store)
    client = app.server.test_client()
    deps = json.loads(client.get("/_dash-dependencies").data)
    props = B.layout_props(json.loads(client.get("/_dash-layout").data))
    readers = [cb for cb in deps if any(d["id"] == ids.URL for d in cb["inputs"] + cb.get("state", []))]
    assert readers
    return client, props, readers


def _answers(served, search: str) -> list[int]:
    client, props, readers = served
    codes = []
    for cb in readers:
        changed = {
            (d["id"], d["property"]): search if d["property"] == "search" else props.get(d["id"], {}).get(d["property"])
            for d in cb["inputs"] + cb.get("state", [])
            if d["id"] == ids.URL
        }
        codes.append(client.post("/_dash-update-component", json=B.request_body(cb, props, changed)).status_code)
    return codes


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_each_hostile_value_in_each_parameter(served, value: str) -> None:
    search = "?" + "&".join(f"{k}={value}" for k in KEYS)
    assert all(code < 500 for code in _answers(served, search))


def test_random_hostile_permalinks(served) -> None:
    rng = random.Random(0)
    for _ in range(60):
        search = "?" + "&".join(f"{rng.choice(KEYS)}={rng.choice(VALUES)}" for _ in range(rng.randint(1, 5)))
        assert all(code < 500 for code in _answers(served, search)), search
