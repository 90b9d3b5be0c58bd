"""Corrections with care: a scope (this event, this article, every article), the count before
saving, the log in the store, and undo (issue 13)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard import schema as S
from dashboard.correction_log import LOG, corrections, read_log
from dashboard.corrections import Alternative, preview_count, save_correction, undo_correction
from dashboard.errors import CorrectionError
from dashboard.ingest.article import Article
from dashboard.overrides import OVERRIDES, add_override, read_table
from dashboard.store import EventsStore

# A town of this name in two countries: the geoparser chose the wrong one.
WRONG = dict(
    location="Tell Abyad",
    toponym="Tell Abyad",
    latitude=30.0,
    longitude=31.0,
    country="Egypt",
    country_code="EG",
    admin1="Cairo",
    geonameid=111,
    feature_code="PPL",
    geo_precision=1,
)
RIGHT = Alternative(
    name="Tell Abyad",
    lat=36.6975,
    lon=38.9567,
    geonameid=222,
    feature_code="PPL",
    country_code="SY",
    country="Syria",
    admin1="Ar-Raqqah",
    geo_precision=1,
)


@pytest.fixture
def store(tmp_path: Path, make_events) -> EventsStore:
    a1 = Article(text="Shelling hit Tell Abyad twice on Monday.", title="one", published=date(2021, 5, 3), source="s")
    a2 = Article(text="Clashes near Tell Abyad on Tuesday.", title="two", published=date(2021, 5, 4), source="s")
    events = make_events(
        dict(event_id="e1", article_id=a1.article_id, event_date="2021-05-03", **WRONG),
        dict(event_id="e2", article_id=a1.article_id, event_date="2021-05-02", **WRONG),
        dict(event_id="e3", article_id=a2.article_id, event_date="2021-05-04", **WRONG),
        dict(event_id="e4", article_id=a2.article_id, event_date="2021-05-04"),  # Idlib: not named
    )
    s = EventsStore(tmp_path / "store")
    s.append(events, [a1, a2])
    return s


def places(store: EventsStore) -> dict[str, str]:
    df = store.load_events()
    return {r[S.EVENT_ID]: r[S.COUNTRY_CODE] for r in df.to_dict("records")}


@pytest.mark.parametrize(
    ("scope", "moved"), [("event", {"e1"}), ("article", {"e1", "e2"}), ("all", {"e1", "e2", "e3"})]
)
def test_each_scope_moves_its_events_only_and_counts_them_first(store, tmp_path, scope, moved):
    events = store.load_events()
    e1 = events[events[S.EVENT_ID] == "e1"].iloc[0]
    chosen = {
        "event": events[events[S.EVENT_ID] == "e1"],
        "article": events[events[S.ARTICLE_ID] == e1[S.ARTICLE_ID]],
        "all": events,
    }[scope]
    assert preview_count(chosen, "tell  abyad", RIGHT) == len(moved)

    save_correction(
        store, "Tell Abyad", RIGHT, folder=tmp_path / "gz", scope=scope, event_id="e1", article_id=e1[S.ARTICLE_ID]
    )

    now = places(store)
    assert {e for e, cc in now.items() if cc == "SY" and e != "e4"} == moved
    assert {e for e, cc in now.items() if cc == "EG"} == {"e1", "e2", "e3"} - moved
    # Only a correction of every article is a rule for later ingests.
    names = [r["name"] for r in read_table(tmp_path / "gz" / OVERRIDES)]
    assert names == (["Tell Abyad"] if scope == "all" else [])
    (line,) = read_log(store.root)
    assert line["scope"] == scope and sorted(e for g in line["before"] for e in g["events"]) == sorted(moved)


def test_undo_puts_the_events_and_the_override_back(store, tmp_path):
    gz = tmp_path / "gz"
    add_override("Tell Abyad", 1.0, 2.0, "XX", folder=gz)  # an earlier rule the correction replaces
    save_correction(store, "Tell Abyad", RIGHT, folder=gz, scope="all")
    assert read_table(gz / OVERRIDES)[0]["country_code"] == "SY"
    (saved,) = corrections(store.root)

    undo_correction(store, saved["id"], folder=gz)

    assert places(store) == {"e1": "EG", "e2": "EG", "e3": "EG", "e4": "SY"}
    after = store.load_events().set_index(S.EVENT_ID)
    assert after.loc["e2", S.LATITUDE] == 30.0 and after.loc["e2", S.GEONAMEID] == 111
    assert [r["country_code"] for r in read_table(gz / OVERRIDES)] == ["XX"]
    assert corrections(store.root)[0]["undone"] is True
    with pytest.raises(CorrectionError, match="undone already"):
        undo_correction(store, saved["id"], folder=gz)


def test_an_earlier_correction_waits_for_a_later_one_on_the_same_events(store, tmp_path):
    gz = tmp_path / "gz"
    save_correction(store, "Tell Abyad", RIGHT, folder=gz, scope="event", event_id="e1")
    other = Alternative(name="Tell Abyad", lat=36.7, lon=38.9, country_code="SY", geo_precision=2)
    save_correction(store, "Tell Abyad", other, folder=gz, scope="all")
    first, second = corrections(store.root)[::-1]
    with pytest.raises(CorrectionError, match="undo it first"):
        undo_correction(store, first["id"], folder=gz)
    undo_correction(store, second["id"], folder=gz)
    undo_correction(store, first["id"], folder=gz)
    assert places(store)["e1"] == "EG"
    assert read_table(gz / OVERRIDES) == []


def test_a_correction_cut_short_after_its_store_write_is_logged_once(store, tmp_path, monkeypatch):
    import dashboard.corrections as C

    class Killed(BaseException):
        """Stands for kill -9 between the manifest swap and the log's write."""

    real = C.append_log

    def killed(*_a, **_k):
        raise Killed

    monkeypatch.setattr(C, "append_log", killed)
    with pytest.raises(Killed):
        save_correction(
            store,
            "Tell Abyad",
            RIGHT,
            folder=tmp_path / "gz",
            scope="article",
            article_id=store.load_events()[S.ARTICLE_ID].iloc[0],
        )
    assert not (store.root / LOG).exists() and "pending" in store.manifest()
    monkeypatch.setattr(C, "append_log", real)
    assert C.finish_corrections(store, tmp_path / "gz") is True
    real(store.root, read_log(store.root)[0])  # a second finish of the same line adds nothing
    assert len(read_log(store.root)) == 1


def test_an_unknown_scope_is_refused_before_anything_is_written(store, tmp_path):
    generation = store.manifest()["generation"]
    with pytest.raises(CorrectionError):
        save_correction(store, "Tell Abyad", RIGHT, folder=tmp_path / "gz", scope="event")  # no event named
    with pytest.raises(CorrectionError):
        save_correction(store, "Tell Abyad", RIGHT, folder=tmp_path / "gz", scope="planet")
    assert store.manifest()["generation"] == generation and read_log(store.root) == []
