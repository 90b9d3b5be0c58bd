"""Ranked alternatives of a toponym and the correction that re-resolves stored events."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import schema as S
from dashboard.app.correct import place_choices
from dashboard.corrections import Alternative, parse_alternatives, reresolve, save_correction
from dashboard.errors import GazetteerError
from dashboard.ingest.article import Article
from dashboard.overrides import OVERRIDES, read_table
from dashboard.store import EventsStore

CITY = {
    "name": "Idlib",
    "lat": 35.93062,
    "lon": 36.63393,
    "geonameid": 169389,
    "feature_code": "PPL",
    "country_code": "SY",
    "country": "Syria",
    "admin1": "Idlib",
    "geo_precision": 1,
    "score": 8.8,
}
PROVINCE = {
    "name": "Idlib",
    "lat": 35.8,
    "lon": 36.5,
    "geonameid": 169388,
    "feature_code": "ADM1",
    "country_code": "SY",
    "country": "Syria",
    "admin1": "Idlib",
    "geo_precision": 3,
    "score": 9.1,
}


def test_alternatives_json_round_trips_and_bad_values_give_none() -> None:
    alts = parse_alternatives(json.dumps([CITY, PROVINCE]))
    assert [a.feature_code for a in alts] == ["PPL", "ADM1"]
    assert alts[1] == Alternative.from_dict(PROVINCE) and alts[1].to_dict() == PROVINCE
    assert parse_alternatives(None) == [] and parse_alternatives(pd.NA) == []
    assert parse_alternatives("{not json") == [] and parse_alternatives('{"name": "x"}') == []
    # A malformed or impossible candidate is left out, the others kept.
    assert len(parse_alternatives(json.dumps([{"lat": 1}, {**CITY, "lat": 123.0}, CITY]))) == 1


def test_place_choices_mark_the_current_place(make_events) -> None:
    row = make_events(dict(alternatives=json.dumps([PROVINCE, CITY]))).iloc[0].to_dict()
    options, now = place_choices(row)
    assert now == 1 and [o["value"] for o in options] == [0, 1]
    assert options[1]["label"].endswith("· current") and "province (ADM1)" in options[0]["label"]


def test_reresolve_moves_every_row_of_that_toponym_only(make_events) -> None:
    events = make_events(
        dict(event_id="a"),
        dict(event_id="b", toponym="IDLIB "),
        dict(event_id="c", toponym="Ankara", location="Ankara", latitude=39.9, longitude=32.8),
    )
    out = reresolve(events, "Idlib", Alternative.from_dict(PROVINCE))
    moved = out.set_index(S.EVENT_ID)
    assert list(moved.loc[["a", "b"], S.FEATURE_CODE]) == ["ADM1", "ADM1"]
    assert list(moved.loc[["a", "b"], S.GEO_PRECISION]) == [3, 3]
    assert moved.loc["a", S.LATITUDE] == 35.8 and moved.loc["a", S.GEONAMEID] == 169388
    assert moved.loc["c", S.LOCATION] == "Ankara" and moved.loc["c", S.LATITUDE] == 39.9
    assert list(out.columns) == list(S.NAMES)
    assert events.set_index(S.EVENT_ID).loc["a", S.FEATURE_CODE] == "PPL", "the input is not mutated"


def test_save_correction_writes_the_override_and_the_store(tmp_path: Path, make_events) -> None:
    art = Article(text="Turkish troops clashed in Idlib.", title="t", published=date(2020, 3, 4), source="s")
    store = EventsStore(tmp_path / "store")
    store.append(make_events(dict(event_id="a", article_id=art.article_id)), [art])
    before = store.manifest()["generation"]

    gen = save_correction(store, "Idlib", Alternative.from_dict(PROVINCE), folder=tmp_path / "gz")

    assert gen == store.manifest()["generation"] == before + 1
    row = store.load_events().iloc[0]
    assert (row[S.FEATURE_CODE], row[S.LATITUDE], row[S.ADMIN1]) == ("ADM1", 35.8, "Idlib")
    assert len(store.load_articles()) == 1, "the articles are kept"
    override = read_table(tmp_path / "gz" / OVERRIDES)
    assert override == [
        {
            "name": "Idlib",
            "latitude": "35.800000",
            "longitude": "36.500000",
            "country_code": "SY",
            "admin1": "Idlib",
            "feature_code": "ADM1",
            "geonameid": "169388",
        }
    ]
    with pytest.raises(GazetteerError):
        save_correction(store, "  ", Alternative.from_dict(PROVINCE), folder=tmp_path / "gz")


def test_pipeline_rows_carry_their_toponyms_ranked_alternatives(seed_events: pd.DataFrame) -> None:
    for row in seed_events.to_dict("records"):
        alts = parse_alternatives(row[S.ALTERNATIVES])
        assert alts, f"no alternatives for {row[S.TOPONYM]!r}"
        assert all(a.name for a in alts)
        if row[S.TOPONYM] in ("Idlib", "Moscow"):
            assert len(alts) > 1, f"{row[S.TOPONYM]} is ambiguous: {alts}"
        assert any(abs(a.lat - row[S.LATITUDE]) < 1e-4 and abs(a.lon - row[S.LONGITUDE]) < 1e-4 for a in alts), (
            f"the chosen place of {row[S.TOPONYM]!r} is not among its alternatives"
        )


def test_a_saved_correction_is_followed_by_later_ingests(tmp_path: Path, make_events, nlp, monkeypatch) -> None:
    from dashboard.geo.gazetteer_cache import load_gazetteer
    from dashboard.geo.imports import apply_user_additions
    from dashboard.pipeline import build_pipeline

    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", str(tmp_path / "none"))
    store = EventsStore(tmp_path / "store")
    art = Article(text="Turkish troops clashed in Idlib.", title="t", published=date(2020, 3, 4), source="s")
    store.append(make_events(dict(event_id="a", article_id=art.article_id)), [art])
    save_correction(store, "Idlib", Alternative.from_dict(PROVINCE), folder=tmp_path / "gz")

    # A fresh copy of the packaged index (the session's is shared), with the user's corrections applied.
    gazetteer = apply_user_additions(load_gazetteer(user_dir=tmp_path / "none"), tmp_path / "gz")
    later = Article(
        text="Shelling killed three civilians in Idlib on Monday, rescuers said.",
        title="later",
        published=date(2020, 3, 9),
        source="s2",
    )
    events = build_pipeline(nlp=nlp, gazetteer=gazetteer).run([later]).events
    idlib = events[events[S.TOPONYM] == "Idlib"]
    assert len(idlib), events[[S.TOPONYM, S.LOCATION]]
    assert (idlib[S.LATITUDE].round(4) == PROVINCE["lat"]).all() and (idlib[S.FEATURE_CODE] == "ADM1").all()


def _one_event_store(tmp_path: Path, make_events) -> EventsStore:
    art = Article(text="Turkish troops clashed in Idlib.", title="t", published=date(2020, 3, 4), source="s")
    store = EventsStore(tmp_path / "store")
    store.append(make_events(dict(event_id="a", article_id=art.article_id)), [art])
    return store


def test_a_save_whose_store_write_fails_leaves_the_override_table_alone(
    tmp_path: Path, make_events, monkeypatch
) -> None:
    from dashboard.errors import StoreError

    store = _one_event_store(tmp_path, make_events)

    def disk_full(*_a, **_k):
        raise StoreError("disk full")

    monkeypatch.setattr(store, "_commit", disk_full)
    with pytest.raises(StoreError):
        save_correction(store, "Idlib", Alternative.from_dict(PROVINCE), folder=tmp_path / "gz")
    assert read_table(tmp_path / "gz" / OVERRIDES) == [] and store.manifest()["generation"] == 1


def test_a_save_cut_short_after_its_store_write_is_completed_later(tmp_path: Path, make_events, monkeypatch) -> None:
    import dashboard.corrections as C

    store = _one_event_store(tmp_path, make_events)
    real = C.add_override

    class Killed(BaseException):
        """Stands for kill -9 between the store's manifest swap and the override table's write."""

    def killed(*_a, **_k):
        raise Killed

    monkeypatch.setattr(C, "add_override", killed)
    with pytest.raises(Killed):
        save_correction(store, "Idlib", Alternative.from_dict(PROVINCE), folder=tmp_path / "gz")
    assert store.manifest()["generation"] == 2 and "pending" in store.manifest()
    assert read_table(tmp_path / "gz" / OVERRIDES) == []

    monkeypatch.setattr(C, "add_override", real)  # the next process
    assert C.finish_corrections(store, tmp_path / "gz") is True
    assert [r["name"] for r in read_table(tmp_path / "gz" / OVERRIDES)] == ["Idlib"]
    assert "pending" not in store.manifest() and store.manifest()["generation"] == 2
    assert C.finish_corrections(store, tmp_path / "gz") is False
