"""The DuckDB engine gives what the pandas oracle (tests/query_oracle.py on events[filter_mask]) gives, on random
filter states over a synthetic store with overlays (a correction) in it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import query_oracle as O

from dashboard import schema as S
from dashboard import store_files as F
from dashboard.app import duck as D
from dashboard.app import event_index as EI
from dashboard.app.filters import Filters, index_mask
from dashboard.app.query import Selection
from dashboard.store import EventsStore
from dashboard.synth import synthetic_events, synthetic_vocabulary, write_synthetic_store
from dashboard.synth_reports import with_reports


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> tuple[D.DuckEngine, pd.DataFrame]:
    """A store as an ingest fills it (events told by several articles, mentions; synth_reports) with
    a correction's patch in it, and its events (mentions left out: the oracle's input)."""
    from dashboard.corrections import Alternative, save_correction

    root = tmp_path_factory.mktemp("duck") / "store"
    events, articles = synthetic_events(3000, seed=5)
    EventsStore(root).replace_with_chunks([(with_reports(events, seed=5, report_share=0.15), articles)])
    store = EventsStore(root)
    save_correction(
        store,
        "Saraqib",
        Alternative(name="Elsewhere", lat=30.5, lon=40.25, country="Syria", country_code="SY"),
        folder=root.parent / "gz",
    )
    assert store.manifest()["overlays"], "the store has an overlay to apply"
    every = store.load_events()
    kinds = every[S.RECORD_KIND].astype("string").fillna("event")
    shared = every[every[S.CLUSTER_ID] != every[S.EVENT_ID]]
    assert (kinds == "mention").sum() > 20 and (kinds[shared.index] == "mention").any(), "mentions, some in clusters"
    assert shared[S.CLUSTER_ID].nunique() > 100, "events told by several articles"
    return D.DuckEngine(store, threads=1), O.with_place_key(every[kinds != "mention"].reset_index(drop=True))


@dataclass(frozen=True)
class Oracle:
    """What the oracle reads of the module's events, built once: `index` (filter_mask(events, f) is
    index_mask over index_from_frame(events); building that index was most of this module's time)
    and `tolls`, each event's lowest and highest toll over all its reports (O.tolls(events): the
    oracle's figures and places of any subset of the events ask for them)."""

    index: EI.EventIndex
    tolls: O.Tolls


@pytest.fixture(scope="module")
def oracle(stored) -> Oracle:
    return Oracle(EI.index_from_frame(stored[1]), O.tolls(stored[1]))


def random_state(rng: random.Random, events: pd.DataFrame) -> tuple[Filters, Selection]:
    vocab = synthetic_vocabulary()
    places = events[S.PLACE_KEY].value_counts().index[:40].tolist()
    f = {}
    for name in ("event_types", "countries", "actors"):
        if rng.random() < 0.3:
            f[name] = rng.sample(vocab[name], rng.randint(1, 2))
    if rng.random() < 0.2:
        f["sources"] = rng.sample(sorted(events[S.SOURCE].unique()), 3)
    if rng.random() < 0.2:
        f["places"] = rng.sample(places, 3) + (
            ["cluster|35.000000|38.000000|35.000000|37.000000"] if rng.random() < 0.5 else []
        )
    if rng.random() < 0.2:
        f["min_fatalities"] = rng.choice([1, 3])
    if rng.random() < 0.2:
        f["min_confidence"] = 0.7
    if rng.random() < 0.2:
        f["precise_only"] = True
    if rng.random() < 0.2:
        f["text"] = rng.choice(vocab["text"] + ["KILLING"])
    start = end = place = None
    if rng.random() < 0.5:
        d0 = pd.Timestamp("2021-01-01") + pd.Timedelta(days=rng.randrange(900))
        start, end = str(d0.date()), f"{(d0 + pd.Timedelta(days=rng.randrange(1, 200))).date()} 23:59:59"
    if rng.random() < 0.3:
        place = rng.choice(places)
    return Filters.from_dict(f), Selection(start, end, place)


def oracle_rows(events: pd.DataFrame, mask: np.ndarray, sel: Selection) -> pd.DataFrame:
    rows = events[mask]
    return O.at_place(O.in_range(rows, sel.start, sel.end), sel.place)


def expected_figures(rows: pd.DataFrame, events: pd.DataFrame | O.Tolls) -> tuple[int, int, int, int, int]:
    """The oracle's (events, places, deaths low, deaths high, events with a toll) of the listed rows
    (of `events`, or of the events whose O.tolls these are)."""
    if rows.empty:
        return 0, 0, 0, 0, 0
    ev = O.event_tolls(rows, events)
    places = int(rows[S.PLACE_KEY].nunique())
    return len(ev), places, int(ev["low"].sum()), int(ev["high"].sum()), int(ev["known"].sum())


@pytest.mark.parametrize("seed", range(8))
def test_duckdb_answers_equal_the_pandas_oracle(stored, oracle, seed: int) -> None:
    db, events = stored
    rng = random.Random(seed)
    told_twice = 0
    d0 = pd.Timestamp("2021-01-01") + pd.Timedelta(days=rng.randrange(600))
    wide = (Filters(), Selection(str(d0.date()), str((d0 + pd.Timedelta(days=300)).date())))
    for f, sel in [random_state(rng, events) for _ in range(4)] + [wide]:
        mask = np.array(index_mask(oracle.index, f))  # = filter_mask(events, f)
        rows = oracle_rows(events, mask, sel)
        want = expected_figures(rows, oracle.tolls)
        assert D.selection_figures(db, f, sel) == want, (f, sel)
        told_twice += want[0] < len(rows)
        _same_places(D.places_summary(db, f, sel), O.places_summary(rows, oracle.tolls))
        for unit in ("day", "week", "month"):
            got = D.timeline_counts(db, f, sel, unit)
            want_bars = O.timeline_counts(rows, unit)
            assert (
                got[["day", S.EVENT_TYPE, "n"]].astype({"n": int}).values.tolist()
                == want_bars[["day", S.EVENT_TYPE, "n"]].astype({"n": int}).values.tolist()
            )
        assert D.date_extent(db, f) == O.robust_extent(events[mask][S.EVENT_DATE])
        newest = D.newest_rows(db, f, sel, 20)
        want_rows = rows.sort_values(
            [S.EVENT_DATE, S.PUBLISHED, S.EVENT_ID], ascending=[False, False, True], na_position="last"
        ).head(20)
        assert (
            newest[[S.EVENT_DATE, S.PUBLISHED]].values.tolist()
            == want_rows[[S.EVENT_DATE, S.PUBLISHED]].values.tolist()
        )
        assert set(newest[S.EVENT_ID]) <= set(rows[S.EVENT_ID])
    assert told_twice, "some states list an event told by several reports"


def test_the_whole_store_counts_each_event_once(stored) -> None:
    db, events = stored
    assert D.total_events(db) == O.event_keys(events).nunique() < len(events)
    assert D.selection_figures(db, Filters(), Selection()) == expected_figures(events, events)


def _same_places(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert len(got) == len(want)
    if want.empty:
        return
    g = got.set_index(S.PLACE_KEY).sort_index()
    w = want.set_index(S.PLACE_KEY).sort_index()
    assert g.index.tolist() == w.index.tolist()
    for col in ("n_events", "fatalities", "fatalities_high", "tolled"):
        assert g[col].astype(int).tolist() == w[col].astype(int).tolist(), col
    for col in ("first", "last"):
        assert pd.to_datetime(g[col]).tolist() == pd.to_datetime(w[col]).tolist(), col
    assert g[S.LOCATION].tolist() == w[S.LOCATION].tolist()
    assert np.allclose(g[S.LATITUDE].astype(float), w[S.LATITUDE].astype(float))
    assert g[S.GEO_PRECISION].fillna(0).astype(int).tolist() == w[S.GEO_PRECISION].fillna(0).astype(int).tolist()


def test_an_empty_store_answers_nothing(tmp_path: Path) -> None:
    db = D.DuckEngine(EventsStore(tmp_path / "none"))
    assert D.selection_figures(db, Filters(), Selection()) == (0, 0, 0, 0, 0)
    assert D.total_events(db) == 0
    assert D.places_summary(db, Filters(), Selection()).empty
    assert D.date_extent(db, Filters()) is None


def test_a_new_generation_is_seen(tmp_path: Path) -> None:
    root = tmp_path / "s"
    write_synthetic_store(root, 200, seed=1)
    db = D.DuckEngine(EventsStore(root))
    assert D.selection_figures(db, Filters(), Selection())[0] == 200
    write_synthetic_store(root, 300, seed=2)
    assert D.selection_figures(db, Filters(), Selection())[0] == 300


@pytest.mark.parametrize("seed", range(4))
def test_the_two_engines_give_the_callbacks_the_same_views(stored, seed: int) -> None:
    """DuckViews (the app's default) against MemoryViews (the numpy index), method by method."""
    from dashboard.app.event_index import build_index
    from dashboard.app.views import DuckViews, MemoryViews

    db, events = stored
    duck = DuckViews(db, len(events), db.store.manifest()["generation"])
    memory = MemoryViews(build_index(db.store.load_events_table()))
    rng = random.Random(100 + seed)
    for _ in range(3):
        f, sel = random_state(rng, events)
        assert duck.figures(f, sel) == memory.figures(f, sel)
        assert duck.extent(f) == memory.extent(f)
        for unit, measure in (("day", "events"), ("week", "deaths"), ("month", "events")):
            bars_d, back_d = duck.series(f, sel, unit, measure)
            bars_m, back_m = memory.series(f, sel, unit, measure)
            pd.testing.assert_frame_equal(
                bars_d.reset_index(drop=True), bars_m.reset_index(drop=True), check_dtype=False
            )
            assert (back_d is None) == (back_m is None)
            if back_d is not None:
                pd.testing.assert_frame_equal(
                    back_d.reset_index(drop=True), back_m.reset_index(drop=True), check_dtype=False
                )
        pd_, pm = (v.places(f, sel).set_index(S.PLACE_KEY).sort_index() for v in (duck, memory))
        pd.testing.assert_frame_equal(pd_.drop(columns="main_type"), pm.drop(columns="main_type"), check_dtype=False)
        newest_d, newest_m = duck.newest(f, sel, 30), memory.newest(f, sel, 30)
        assert newest_d[S.EVENT_DATE].tolist() == newest_m[S.EVENT_DATE].tolist()
        assert list(newest_d.columns) == list(newest_m.columns)
    some = events.iloc[7]

    def comparable(row: dict) -> dict:  # NaT != NaT
        return {k: (None if v is pd.NaT else v) for k, v in row.items()}

    assert comparable(duck.event_row(some[S.EVENT_ID])) == comparable(memory.event_row(some[S.EVENT_ID]))
    assert sorted(duck.article_rows(some[S.ARTICLE_ID])[S.EVENT_ID]) == sorted(
        memory.article_rows(some[S.ARTICLE_ID])[S.EVENT_ID]
    )
    assert duck.choices(Filters())[0] == memory.choices(Filters())[0]
    exported = pd.concat(list(duck.chunks(Filters(countries=("Syria",)), Selection())))
    assert sorted(exported[S.EVENT_ID]) == sorted(events[events[S.COUNTRY] == "Syria"][S.EVENT_ID])


def test_an_event_reported_twice_counts_once_and_a_mention_not_at_all(tmp_path: Path, make_events) -> None:
    from dashboard.ingest.article import Article

    store = EventsStore(tmp_path / "s")
    same = dict(
        event_type="Explosions/Remote violence",
        sub_event_type="Shelling/artillery/missile attack",
        event_date="2021-05-02",
        location="Kafr Tala",
        latitude=35.1,
        longitude=36.2,
        actor1="",
        actor2="",
    )
    for i, deaths in enumerate((10, 12)):
        art = Article(text=f"Shells hit the market of Kafr Tala, report {i}.", title=f"r{i}", source=f"outlet {i}")
        store.append(make_events(dict(same, event_id=f"r{i}", article_id=art.article_id, fatalities=deaths)), [art])
    note = Article(text="Officials spoke of a total since the spring.", title="m", source="outlet 3")
    store.append(
        make_events(
            dict(
                same,
                event_id="m1",
                article_id=note.article_id,
                fatalities=300,
                record_kind="mention",
                mention_reason="total",
            )
        ),
        [note],
    )
    events = store.load_events()
    assert events[events[S.EVENT_ID] != "m1"][S.CLUSTER_ID].nunique() == 1, "one event, two reports"
    db = D.DuckEngine(store, threads=1)
    assert D.selection_figures(db, Filters(), Selection()) == (1, 1, 10, 12, 1)
    assert D.total_events(db) == 1
    assert D.places_summary(db, Filters(), Selection())[
        ["n_events", "fatalities", "fatalities_high"]
    ].values.tolist() == [[1, 10, 12]]
    assert D.timeline_series(db, Filters(), Selection(), "day", "deaths")["n"].tolist() == [10.0]


@pytest.mark.parametrize("seed", range(4))
def test_the_rollup_answers_the_unfiltered_views_as_the_events_do(stored, oracle, seed: int) -> None:
    """With no filter set, or filters on the place only, DuckViews read the store's rollup
    (duck_rollup): the same answers as from the events, which the pandas oracle holds above."""
    from dashboard.app.views import DuckViews

    db, events = stored
    gen = db.store.manifest()["generation"]
    assert db.store.manifest()["rollup"], "the store keeps a rollup (written whole, then a correction's delta)"
    rolled, raw = DuckViews(db, len(events), gen, rollup=True), DuckViews(db, len(events), gen, rollup=False)
    assert db.clusters_share_place(), "the merge clusters reports at one place"
    f = Filters()
    assert rolled.total() == raw.total() == O.event_keys(events).nunique()
    assert rolled.extent(f) == raw.extent(f) == O.robust_extent(events[S.EVENT_DATE])
    assert rolled._labels() == raw._labels()
    rng = random.Random(200 + seed)
    places = events[S.PLACE_KEY].value_counts().index[:40].tolist()
    for i in range(12):
        _, sel = random_state(rng, events)
        if rng.random() < 0.4:
            sel = Selection(sel.start, sel.end, rng.choice(places))
        f = [
            Filters(),
            Filters(countries=("Syria", "Yemen")),
            Filters(precise_only=True),
            Filters(places=(*rng.sample(places, 3), "cluster|35.000000|38.000000|35.000000|37.000000")),
            Filters(admin1s=("Idlib", "Donetsk"), precise_only=True),
            Filters(event_types=("Battles",)),
            Filters(event_types=("Explosions/Remote violence",), countries=("Syria",)),
            Filters(),
            Filters(min_fatalities=1),
            Filters(min_confidence=0.8),
            Filters(min_fatalities=5, countries=("Syria", "Iraq")),
            Filters(min_confidence=0.7, min_fatalities=0, precise_only=True),
        ][i]
        assert rolled._rolled(f) and not raw._rolled(f)
        assert rolled.extent(f) == raw.extent(f)
        _same_places(rolled.places(f, sel), raw.places(f, sel))
        assert rolled.places(f, sel)["main_type"].tolist() == raw.places(f, sel)["main_type"].tolist()
        expected = expected_figures(oracle_rows(events, np.array(index_mask(oracle.index, f)), sel), oracle.tolls)
        assert rolled.figures(f, sel) == raw.figures(f, sel) == expected
        for unit, measure in (("day", "events"), ("week", "deaths"), ("month", "events")):
            (a, back_a), (b, back_b) = rolled.series(f, sel, unit, measure), raw.series(f, sel, unit, measure)
            pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False)
            assert (back_a is None) == (back_b is None)
            if back_a is not None:
                pd.testing.assert_frame_equal(
                    back_a.reset_index(drop=True), back_b.reset_index(drop=True), check_dtype=False
                )
        for limit in (1, 30, 5000):
            a, b = rolled.newest(f, sel, limit), raw.newest(f, sel, limit)
            assert a[S.EVENT_ID].tolist() == b[S.EVENT_ID].tolist()


def test_the_rollup_summed_per_day_and_per_place_answers_as_the_rollup(stored, monkeypatch) -> None:
    """The rollup summed over fewer keys (per date, type and date precision; per place, type and
    precisions) gives each view the rollup's own answer, for the states that read it: none, one type,
    a minimum (per day only), towns only, a place filter (per place only), with and without a date
    range."""
    from dashboard.app import duck_rollup as DR
    from dashboard.app.views import DuckViews

    db, events = stored
    gen = db.store.manifest()["generation"]
    place = events[S.PLACE_KEY].value_counts().index[0]
    span = Selection("2021-03-01", "2021-09-30 23:59:59")
    cases = [
        (Filters(), Selection(), True, True),
        (Filters(), span, True, False),
        (Filters(event_types=("Battles",)), Selection(), True, True),
        (Filters(event_types=("Battles",)), span, True, False),
        # A minimum's map: the level's table per place, derived from the one the store wrote with the
        # rollup's first part and the correction's delta (DuckEngine.summed).
        (Filters(min_fatalities=1), Selection(), True, True),
        (Filters(min_confidence=0.8), span, True, False),
        (Filters(countries=("Syria",)), Selection(), False, True),
        (Filters(precise_only=True, min_fatalities=5), Selection(), True, True),
        (Filters(admin1s=("Idlib",), min_confidence=0.7), Selection(), False, True),
        (Filters(countries=("Syria",), min_fatalities=1), span, False, False),
        (Filters(), Selection(None, None, place), False, True),
    ]
    assert len(db.store.manifest()["rollup"]) == 2 and all(db.stored(k) for k in ("days", "places_min_deaths_1"))
    for f, sel, days, places in cases:
        assert ("_days" in DR.days_source(db, f, sel)) is days, (f, sel)
        assert ("_places" in DR.places_source(db, f, sel)) is places, (f, sel)
    summed = [DuckViews(db, len(events), gen, rollup=True) for _ in cases]
    for views, (f, sel, _, _) in zip(summed, cases, strict=True):
        views.extent(f), views.places(f, sel), views.newest(f, sel, 30)
        for unit, measure in (("day", "events"), ("week", "deaths")):
            views.series(f, sel, unit, measure)
    monkeypatch.setattr(DR, "days_source", lambda *_: "rollup")
    monkeypatch.setattr(DR, "places_source", lambda *_: "rollup")
    for views, (f, sel, _, _) in zip(summed, cases, strict=True):
        plain = DuckViews(db, len(events), gen, rollup=True)
        assert views.extent(f) == plain.extent(f), f
        pd.testing.assert_frame_equal(views.places(f, sel), plain.places(f, sel))
        assert views.newest(f, sel, 30)[S.EVENT_ID].tolist() == plain.newest(f, sel, 30)[S.EVENT_ID].tolist()
        for unit, measure in (("day", "events"), ("week", "deaths")):
            (a, back_a), (b, back_b) = views.series(f, sel, unit, measure), plain.series(f, sel, unit, measure)
            pd.testing.assert_frame_equal(a, b)
            assert (back_a is None and back_b is None) or back_a.equals(back_b)


def test_a_filter_is_answered_from_the_events_not_the_rollup() -> None:
    from dashboard.app.duck_rollup import answers, by_place, by_type

    assert answers(Filters()) and answers(Filters(min_fatalities=0, text="  "))
    for f in (
        Filters(event_types=("Battles",)),
        Filters(sources=("x",)),
        Filters(min_fatalities=1),
        Filters(min_confidence=0.5),
        Filters(precise_only=True),
        Filters(text="shelling"),
        Filters(places=("A|1.0|2.0",)),
    ):
        assert not answers(f), f
    assert by_place(Filters(countries=("Syria",), places=("A|1.0|2.0",), precise_only=True))
    assert not by_place(Filters(places=("A|nan|nan",))), "a place without coordinates is not in the rollup"
    assert not by_place(Filters(countries=("Syria",), min_fatalities=1))
    assert by_type(Filters(event_types=("Battles",), countries=("Syria",))) and not by_type(Filters())
    assert not by_type(Filters(event_types=("Battles", "Riots"))), "an event told as both would count twice"
    assert not by_type(Filters(event_types=("Battles",), actors=("X",)))


def test_a_minimum_is_answered_from_the_rollup_at_the_levels_it_counts() -> None:
    from dashboard.app.duck_rollup import by_threshold, measure_of

    assert by_threshold(Filters(min_fatalities=5)) and by_threshold(Filters(min_confidence=0.8, countries=("Syria",)))
    assert measure_of(Filters(min_confidence=0.8), "events") == "min_conf_80_events"
    assert measure_of(Filters(min_fatalities=1), "reports") == "min_deaths_1_reports"
    for f in (
        Filters(min_fatalities=3),
        Filters(min_confidence=0.85),
        Filters(min_fatalities=1, min_confidence=0.8),
        Filters(min_fatalities=1, event_types=("Battles",)),
        Filters(min_fatalities=1, actors=("X",)),
        Filters(min_confidence=0.8, text="shelling"),
        Filters(),
    ):
        assert not by_threshold(f), f


def _event_in_two_countries(tmp_path: Path, make_events) -> D.DuckEngine:
    """An engine over a store (the merge did not write it) of one event told by two reports in two
    countries, and another event."""
    rows = make_events(
        dict(event_id="a", cluster_id="c1"),
        dict(event_id="b", cluster_id="c1", country="Iraq"),
        dict(event_id="c", event_date="2020-03-09"),
    )
    EventsStore(tmp_path).replace_events(rows)
    return D.DuckEngine(EventsStore(tmp_path), threads=1)


def test_a_place_filter_reads_the_events_when_an_event_spans_two_places(tmp_path: Path, make_events) -> None:
    """Two reports of one event in two countries (a store the merge did not write): a country filter
    picks one of them, which the rollup cannot tell, so the events answer it."""
    from dashboard.app.views import DuckViews

    db = _event_in_two_countries(tmp_path, make_events)
    views = DuckViews(db, 3, db.store.manifest()["generation"], rollup=True)
    assert not db.clusters_share_place() and db.store.manifest()["rollup"][0]["same_place"] is False
    f = Filters(countries=("Iraq",))
    assert not views._rolled(f) and views._rolled(Filters())
    assert views.figures(f, Selection())[0] == D.selection_figures(db, f, Selection())[0] == 1


def test_the_tolls_scan_checks_the_shared_places_only_where_no_rollup_part_says(
    tmp_path: Path, make_events, monkeypatch
) -> None:
    """DuckEngine.clusters_share_place: as the rollup parts record it, the tolls table built without
    the check (its five distinct counts were most of the build); for parts that do not say (written
    before they did), from the tolls scan, with the same answer."""
    db = _event_in_two_countries(tmp_path, make_events)
    gen = db.store.manifest()["generation"]
    assert db.clusters_share_place() is False
    db.query("SELECT count(*) FROM tolls")
    assert list(db.query(f"SELECT * FROM tolls_{gen} LIMIT 0").columns) == ["cluster_id", "low", "high"]

    said = db.store.manifest()
    unsaid = {**said, "rollup": [{k: v for k, v in e.items() if k != "same_place"} for e in said["rollup"]]}
    monkeypatch.setattr(db.store, "current", lambda: unsaid)  # what the engine reads the manifest by
    old = D.DuckEngine(db.store, threads=1)
    assert old.clusters_share_place() is False
    assert "same_place" in old.query(f"SELECT * FROM tolls_{gen} LIMIT 0").columns


def test_a_dated_query_reads_only_the_parts_that_can_hold_its_dates(stored) -> None:
    """DuckEngine.events_between: a query kept to a year reads that year's parts (and every overlay),
    and answers as over the whole view."""
    db, _ = stored
    m = db.store.manifest()
    years = sorted({e["path"].split("/")[1] for e in m["events"]} - {"undated"})
    assert len(years) > 1, "the store has parts of several years"
    lo, hi = pd.Timestamp(f"{years[0]}-01-01"), pd.Timestamp(f"{years[0]}-12-31 23:59:59")
    db.cursor()
    relation = db.events_between(lo, hi)
    assert f"/{years[0]}/" in relation and f"/{years[1]}/" not in relation
    # Every overlay: their latest rows (here the correction's patch: its places and the clusters it
    # changed), read once per generation into a table (duck_generation.hold_overlays).
    whole, held = db._overlays
    assert whole is None
    assert held is not None and f"JOIN {held} p" in relation
    over = db.cursor().execute(f"SELECT count(DISTINCT event_id) FROM read_parquet({db.store.files()[1]})")
    assert db.cursor().execute(f"SELECT count(*) FROM {held}").fetchone() == over.fetchone() != (0,)
    assert db.events_between(None, None) == "events"
    order = "event_date DESC NULLS LAST, published DESC NULLS LAST, event_id"
    whole = db.query(
        f"SELECT event_id FROM events WHERE event_date BETWEEN ? AND ? ORDER BY {order}",
        [lo.to_pydatetime(), hi.to_pydatetime()],
    )
    assert len(whole) > 50
    got = D.newest_rows(db, Filters(), Selection(str(lo.date()), str(hi)), len(whole) + 10)
    assert got[S.EVENT_ID].tolist() == whole["event_id"].tolist()


def test_the_parquet_footer_cache_is_on_where_the_queries_run(stored) -> None:
    """The queries run on cursors (one per query), each a session of its own: the cache must be set
    for the database, not only for the connection's own session."""
    db, _ = stored
    cur = db.cursor()
    assert cur.execute("SELECT current_setting('parquet_metadata_cache')").fetchone() == (True,)
    assert db.cursor().execute("SELECT current_setting('parquet_metadata_cache')").fetchone() == (True,)


def _views_equal_the_oracle(views, events: pd.DataFrame, oracle: Oracle, f: Filters, sel: Selection) -> None:
    """DuckViews' figures, places, timeline, date extent and newest rows against the pandas oracle."""
    mask = np.array(index_mask(oracle.index, f))
    rows = oracle_rows(events, mask, sel)
    assert views.figures(f, sel) == expected_figures(rows, oracle.tolls), (f, sel)
    want_places = O.places_summary(O.in_range(events[mask], sel.start, sel.end), oracle.tolls)
    _same_places(views.places(f, sel), want_places)
    assert views.extent(f) == O.robust_extent(events[mask][S.EVENT_DATE])
    from dashboard.app.query import around

    # The timeline against the events' answer (held to the oracle by the tests above), the selection
    # with the context the timeline shows around it, by day in events and by week in deaths.
    shown = around(Selection(sel.start, sel.end))
    for unit, measure in (("day", "events"), ("week", "deaths")):
        bars, _ = views.series(f, Selection(sel.start, sel.end), unit, measure)
        want_bars = D.timeline_series(views.db, f, shown, unit, measure)
        pd.testing.assert_frame_equal(bars.reset_index(drop=True), want_bars.reset_index(drop=True), check_dtype=False)
    newest = views.newest(f, sel, 20)
    want_rows = rows.sort_values(
        [S.EVENT_DATE, S.PUBLISHED, S.EVENT_ID], ascending=[False, False, True], na_position="last"
    ).head(20)
    assert newest[S.EVENT_ID].tolist() == want_rows[S.EVENT_ID].tolist(), (f, sel)
    _listed_columns_list_the_same(views, f, sel, newest)


def _listed_columns_list_the_same(views, f: Filters, sel: Selection, whole: pd.DataFrame) -> None:
    """The newest rows read with only the columns the sentence list reads (what the panel asks of
    DuckDB) are those columns of the whole rows, and list the same sentences."""
    from dashboard.app.excerpts import LISTED_COLUMNS, excerpts_list

    narrow = views.newest(f, sel, 20, LISTED_COLUMNS)
    assert set(narrow.columns) == {*LISTED_COLUMNS, S.PLACE_KEY}
    pd.testing.assert_frame_equal(narrow, whole[list(narrow.columns)], check_index_type=False)
    assert excerpts_list(narrow, len(whole), sel, limit=20) == excerpts_list(whole, len(whole), sel, limit=20)


@pytest.mark.parametrize("seed", range(6))
def test_filter_states_kept_as_tables_answer_as_the_oracle(stored, oracle, seed: int, monkeypatch) -> None:
    """Filters the rollup cannot answer (actors, sources, text, several types, other minima) are
    counted once into a small table per filter state (duck_states); brushes and clicks within that
    state read it. On random filter states, each with a few random selections, with only 2 states
    kept (so states are dropped and built again), every answer equals the oracle's."""
    from dashboard.app import duck_states as DS
    from dashboard.app.views import DuckViews

    monkeypatch.setattr(DS, "STATES_KEPT", 2)
    db, events = stored
    views = DuckViews(db, len(events), db.store.manifest()["generation"], rollup=True)
    before = _state_names(db)
    rng = random.Random(300 + seed)
    vocab = synthetic_vocabulary()
    states = [
        Filters(actors=(rng.choice(vocab["actors"]),)),
        Filters(text=rng.choice(vocab["text"])),
        Filters(event_types=tuple(rng.sample(vocab["event_types"], 2)), min_fatalities=2),
        Filters(actors=tuple(rng.sample(vocab["actors"], 2)), min_confidence=0.65, precise_only=True),
    ] + [random_state(rng, events)[0] for _ in range(2)]
    for f in states + states[:2]:
        for _ in range(3):
            _, sel = random_state(rng, events)
            _views_equal_the_oracle(views, events, oracle, f, sel)
        views._memo.clear()  # the next answers read the kept tables, not the memo
    assert 1 <= len(views.states.kept()) <= 2
    # What a dropped state held went with it (a search's view and the table of its rows too): of the
    # states' tables and views, only the kept ones' are left, beside those of earlier tests' views.
    kept = {k.name for k in (views.states.get(f) for f in views.states.kept()) if k is not None}
    assert _state_names(db) - before <= {x for k in kept for x in (k, f"{k}_rows", f"{k}_days", f"{k}_placed")}


def _state_names(db) -> set[str]:
    listed = (
        "SELECT table_name AS n FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
    )
    return {n for n in db.query(listed)["n"] if n.startswith("state_")}


def test_one_actor_is_answered_from_the_actors_table_as_the_oracle(stored, oracle) -> None:
    """A filter of one actor reads the generation's actors' table (duck_actors) once there is one:
    its state's table is built from it, not from the events, and every answer equals the oracle's;
    an actor with another filter, or two actors, are counted from the events as before."""
    from dashboard.app import duck_actors as DAC
    from dashboard.app import duck_states as DS
    from dashboard.app.views import DuckViews

    db, events = stored
    views = DuckViews(db, len(events), db.store.manifest()["generation"], rollup=True)
    built: list[str] = []
    scanned: list[str] = []
    real_build = DS.FilterStates._build

    def watched(self, name: str, f: Filters, select: tuple[str, list] | None, view: bool = False) -> bool:
        (built if select is not None else scanned).append(f.actors[0])
        return real_build(self, name, f, select, view)

    rng = random.Random(77)
    actors = synthetic_vocabulary()["actors"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(DS.FilterStates, "_build", watched)
        for actor in actors:
            for _ in range(2):
                _, sel = random_state(rng, events)
                _views_equal_the_oracle(views, events, oracle, Filters(actors=(actor,)), sel)
        # A place selected within an actor's state: compared as the place's integer (duck_fact.where).
        top = events[S.PLACE_KEY].value_counts().index[0]
        for sel in (Selection(None, None, top), Selection("2021-02-01", "2021-12-31 23:59:59", top)):
            _views_equal_the_oracle(views, events, oracle, Filters(actors=(actors[-1],)), sel)
        for f in (Filters(actors=(actors[0],), min_fatalities=2), Filters(actors=tuple(actors[:2]))):
            _views_equal_the_oracle(views, events, oracle, f, Selection())
    assert isinstance(views._options.get("#actors"), DAC.Actors), "built by the first actor's answer"
    assert built == actors and scanned == [actors[0], actors[0]], (built, scanned)
    kept = views.states.table(Filters(actors=(actors[-1],)))
    assert kept is not None and kept.fact is not None, "an actor's state kept in the fact rows' shape"


def test_two_requests_of_an_actor_at_once_build_the_actors_table_once(stored, oracle, monkeypatch) -> None:
    """Two requests of two actors at once: one builds the generation's actors' table, the other
    waits for it and reads it; both answer as the oracle."""
    import threading

    from dashboard.app import duck_actors as DAC
    from dashboard.app.views import DuckViews

    db, events = stored
    views = DuckViews(db, len(events), db.store.manifest()["generation"], rollup=True)
    builds: list[int] = []
    real = DAC.build

    def counted(*args, **kwargs):
        builds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(DAC, "build", counted)
    actors = synthetic_vocabulary()["actors"][:2]
    failed: list[BaseException] = []

    def answer(actor: str) -> None:
        try:
            _views_equal_the_oracle(views, events, oracle, Filters(actors=(actor,)), Selection())
        except BaseException as err:  # the assertion reported on the main thread
            failed.append(err)

    threads = [threading.Thread(target=answer, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failed, failed
    assert builds == [1]


def test_a_filter_state_dropped_meanwhile_is_answered_from_the_events(stored, oracle) -> None:
    """A state's table dropped between being named and read (another thread's new states pushed it
    out) leaves that answer to the events, with the same result."""
    from dashboard.app import duck_states as DS
    from dashboard.app.views import DuckViews

    db, events = stored
    views = DuckViews(db, len(events), db.store.manifest()["generation"], rollup=True)
    f = Filters(actors=(synthetic_vocabulary()["actors"][0],))
    kept = views.states.table(f)
    assert kept is not None and kept.name.startswith(DS.PREFIX) and kept.fact is None
    db.cursor().execute(f"DROP TABLE {kept.name}")
    _views_equal_the_oracle(views, events, oracle, f, Selection())


def test_an_actors_state_view_dropped_meanwhile_is_answered_from_the_events(stored, oracle) -> None:
    """An actor's state is a view over the actors' table (nothing held); dropped between being
    named and read, that answer is the events', with the same result."""
    from dashboard.app.views import DuckViews

    db, events = stored
    views = DuckViews(db, len(events), db.store.manifest()["generation"], rollup=True)
    f = Filters(actors=(synthetic_vocabulary()["actors"][1],))
    _views_equal_the_oracle(views, events, oracle, f, Selection())
    kept = views.states.table(f)
    assert kept is not None and kept.fact is not None
    assert db.query(f"SELECT count(*) AS n FROM duckdb_views() WHERE view_name = '{kept.name}'").iloc[0]["n"] == 1
    db.cursor().execute(f"DROP VIEW {kept.name}")
    views._memo.clear()
    _views_equal_the_oracle(views, events, oracle, f, Selection("2021-01-01", "2021-06-30 23:59:59"))


def test_a_filter_state_without_the_memory_to_keep_it_is_answered_from_the_events(stored, oracle, monkeypatch) -> None:
    """DuckDB out of memory while counting a state into its table: that state is answered from the
    events, nothing is kept."""
    import duckdb

    from dashboard.app.views import DuckViews

    db, events = stored
    query = D.DuckEngine.query

    def no_memory(
        self, sql: str, params: list | None = None, dates: tuple | None = None, parts: list[str] | None = None
    ) -> pd.DataFrame:
        if "CREATE OR REPLACE TABLE state_" in sql:
            raise duckdb.OutOfMemoryException("no memory left (test)")
        return query(self, sql, params, dates, parts)

    monkeypatch.setattr(D.DuckEngine, "query", no_memory)
    views = DuckViews(db, len(events), db.store.manifest()["generation"], rollup=True)
    _views_equal_the_oracle(views, events, oracle, Filters(text=synthetic_vocabulary()["text"][0]), Selection())
    assert views.states.kept() == []


def test_the_rollup_answers_never_build_a_filter_state(stored) -> None:
    """No filter, a place filter, one type or a minimum at a rollup level: no table is built."""
    from dashboard.app.views import DuckViews

    db, events = stored
    views = DuckViews(db, len(events), db.store.manifest()["generation"], rollup=True)
    for f in (Filters(), Filters(event_types=("Battles",)), Filters(min_fatalities=5), Filters(countries=("Syria",))):
        views.places(f, Selection())
        views.newest(f, Selection(), 10)
    assert views.states.kept() == []


def test_the_events_view_applies_each_kind_of_overlay_as_the_readers_do(tmp_path: Path) -> None:
    """DuckEngine reads a generation's latest whole overlay rows and latest patches into a table
    each, once (duck_generation.hold_overlays), and builds the `events` view (and a date range's relation) over
    them. Through a store's life (appends whose reports join stored events write patches, a
    correction writes a patch of places, whole rows are what corrections wrote before, a compaction
    folds all in): without overlays the view reads the parts alone; with whole rows, patches, or
    both, it holds what the pandas reader
    (store.load_events) and the SQL over the files (store_read.sql over store_sql.events_sql) hold,
    and so does a date range's relation. The tables of generations before the previous one are
    dropped."""
    from datetime import date

    from dashboard import store_read
    from dashboard.corrections import Alternative, save_correction
    from dashboard.ingest.article import Article

    events, _ = synthetic_events(400, seed=11)
    events = with_reports(events, seed=11, report_share=0.3)
    arts = {
        a: Article(text=f"text of {a}", title=a, published=date(2022, 3, 2), source="s")
        for a in events[S.ARTICLE_ID].unique()
    }
    events[S.ARTICLE_ID] = events[S.ARTICLE_ID].map(lambda a: arts[a].article_id)
    by_id = {a.article_id: a for a in arts.values()}
    ids = sorted(by_id)
    store = EventsStore(tmp_path / "s")
    db = D.DuckEngine(store, threads=1)

    def append(batch: list[str]) -> None:
        store.append(events[events[S.ARTICLE_ID].isin(batch)], [by_id[a] for a in batch])

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        frame = S.coerce_events(frame)[list(S.NAMES)]
        kinds = frame[S.RECORD_KIND].astype("string").fillna("event")
        return frame[kinds != "mention"].sort_values(S.EVENT_ID).reset_index(drop=True)

    def check(whole: bool, patches: bool) -> None:
        m = store.manifest()
        kinds = F.split_overlays([e["path"] for e in m["overlays"]])
        assert (bool(kinds[0]), bool(kinds[1])) == (whole, patches), m["overlays"]
        got = rows(db.query("SELECT * FROM events"))
        gen = m["generation"]
        assert db._overlays == (f"overlay_{gen}" if whole else None, f"patch_{gen}" if patches else None)
        pd.testing.assert_frame_equal(got, rows(store.load_events()))
        by_files = store_read.sql(store.root, m, "SELECT * FROM {events}", [], (None, None))
        pd.testing.assert_frame_equal(got, rows(by_files))
        years = sorted({e["path"].split("/")[1] for e in m["events"]} - {"undated"})
        assert len(years) > 1, "parts of several years"
        lo, hi = pd.Timestamp(f"{years[1]}-01-01"), pd.Timestamp(f"{years[1]}-12-31 23:59:59")
        assert db.events_between(lo, hi) != "events"
        dated, span = "SELECT * FROM {events} WHERE event_date BETWEEN ? AND ?", [lo, hi]
        in_range = rows(db.query(dated, [t.to_pydatetime() for t in span], (lo, hi)))
        assert len(in_range) > 10
        pd.testing.assert_frame_equal(in_range, rows(db.query(dated, [t.to_pydatetime() for t in span])))

    third = len(ids) // 3 + 1
    append(ids[:third])
    check(whole=False, patches=False)
    toponym = str(store.load_events()[S.TOPONYM].value_counts().index[0])
    alt = Alternative(name="Elsewhere", lat=30.5, lon=40.25, country="Syria", country_code="SY")
    save_correction(store, toponym, alt, folder=tmp_path / "gz")
    check(whole=False, patches=True)
    append(ids[third : 2 * third])
    check(whole=False, patches=True)
    # Whole rows (as a correction wrote them before its patches), some of events a patch placed.
    now = store.load_events()
    moved = now[now[S.LOCATION] == "Elsewhere"].head(3)
    assert len(moved) == 3
    whole = pd.concat([moved, now[now[S.LOCATION] != "Elsewhere"].head(2)]).assign(location="Old style")
    store._commit(store.manifest(), overlay=whole)
    check(whole=True, patches=True)
    save_correction(store, toponym, Alternative(name="Back", lat=31.5, lon=41.25), folder=tmp_path / "gz")
    check(whole=True, patches=True)
    store.compact()
    check(whole=False, patches=False)
    append(ids[2 * third :])
    check(whole=False, patches=True)
    # The tables of the generations before the previous one (the compaction's, which has none) are
    # gone: a query may still read the previous generation's.
    held = {n for (n,) in db.cursor().execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert {n for n in held if n.startswith(("overlay_", "patch_"))} == {f"patch_{store.manifest()['generation']}"}


def test_the_rollup_with_integer_places_answers_as_the_rollup(stored, monkeypatch) -> None:
    """With no filter, a brush's map and a click's timeline and newest rows' bound read the rollup
    with each place as an integer (duck_fact): frame for frame what the rollup's own queries give,
    for date ranges (one with no events), the busiest places, one the store has not, and a place
    selected within a range."""
    from dashboard.app import duck_fact as DF
    from dashboard.app.views import DuckViews

    db, events = stored
    gen = db.store.manifest()["generation"]
    fast = DuckViews(db, len(events), gen, rollup=True)
    fact = fast._fact(Filters())
    assert fact is not None and fact.types == tuple(sorted(events[S.EVENT_TYPE].dropna().unique()))
    assert fast._fact(Filters(countries=("Syria",))) is None and fast._fact(Filters(min_fatalities=1)) is None
    places = events[S.PLACE_KEY].value_counts().index[:6].tolist()
    selections = [
        Selection("2021-03-01", "2021-09-30 23:59:59"),
        Selection("2020-06-15", "2020-06-15 23:59:59"),
        Selection("1990-01-01", "1990-02-01"),
        Selection(None, "2021-01-31 23:59:59"),
        *(Selection(None, None, p) for p in places),
        Selection("2021-01-01", "2021-12-31 23:59:59", places[0]),
        Selection(None, None, "Nowhere|1.0|2.0"),
        Selection(None, None, "Nowhere|nan|nan"),
    ]
    monkeypatch.setattr(DuckViews, "_fact", lambda *_: None)
    plain = DuckViews(db, len(events), gen, rollup=True)
    monkeypatch.undo()
    for sel in selections:
        pd.testing.assert_frame_equal(fast.places(Filters(), sel), plain.places(Filters(), sel))
        for unit, measure in (("day", "events"), ("month", "deaths")):
            (a, back_a), (b, back_b) = (
                fast.series(Filters(), sel, unit, measure),
                plain.series(Filters(), sel, unit, measure),
            )
            pd.testing.assert_frame_equal(a, b)
            assert (back_a is None and back_b is None) or back_a.equals(back_b)
        for limit in (1, 30):
            assert (
                fast.newest(Filters(), sel, limit)[S.EVENT_ID].tolist()
                == plain.newest(Filters(), sel, limit)[S.EVENT_ID].tolist()
            )
    where, params = DF.where(fact, Selection(None, None, places[0])) or ("", [])
    assert "pid = ?" in where and params[-1] == fact.ids[tuple(_place_probe(places[0]))]
    assert DF.where(fact, Selection(None, None, "Nowhere|nan|nan")) is None


def _place_probe(key: str) -> list:
    from dashboard.app.duck_where import place_is

    probe: list = []
    place_is(key, probe)
    return probe


def test_a_place_of_two_latitudes_is_not_read_as_an_integer(tmp_path: Path, make_events) -> None:
    """Two reports at one place key whose latitudes differ below its rounding: the rollup's map shows
    either, so duck_fact declines (the rollup answers) rather than pick one."""
    from dashboard.app import duck_fact as DF
    from dashboard.app.views import DuckViews

    rows = make_events(
        dict(event_id="a", location="Tell", latitude=35.000011, longitude=38.0),
        dict(event_id="b", location="Tell", latitude=35.000012, longitude=38.0, event_date="2020-03-09"),
    )
    EventsStore(tmp_path).replace_events(rows)
    db = D.DuckEngine(EventsStore(tmp_path), threads=1)
    views = DuckViews(db, 2, db.store.manifest()["generation"], rollup=True)
    assert DF.build(db) is None and views._fact(Filters()) is None
    assert views.figures(Filters(), Selection("2020-03-01", "2020-03-31"))[0] == 2


@pytest.mark.parametrize("seed", range(3))
def test_the_mix_of_types_is_written_as_the_memory_engine_writes_it(seed: int) -> None:
    from dashboard.app.duck_mix import mixes
    from dashboard.app.type_mix import mix_strings

    rng = np.random.default_rng(seed)
    names = ("Battles", "Protests", "Riots", "Strategic developments")
    counts = rng.integers(0, 4, size=(300, len(names))) * rng.integers(0, 2, size=(300, len(names)))
    assert mixes(counts, names).to_pylist() == mix_strings(counts, names)
    assert mixes(counts[:0], names).to_pylist() == [] and mixes(counts[:, :0], ()).to_pylist() == [None] * 300


def test_a_rollup_written_before_it_counted_tolls_leaves_the_map_to_the_events(tmp_path: Path, make_events) -> None:
    """A store whose rollup has no `tolled` (written by the code before it) still tells a place without
    a toll from one with 0 dead: DuckViews answers the places from the events until a compaction."""
    import pyarrow.parquet as pq

    from dashboard.app.views import DuckViews
    from dashboard.ingest.article import Article

    store = EventsStore(tmp_path / "s")
    for i, (place, lat, deaths) in enumerate((("Kafr Tala", 35.1, 4), ("Kafr Nabl", 35.6, None))):
        art = Article(text=f"Shells hit the market of {place}, report {i}.", title=f"r{i}", source=f"outlet {i}")
        row = dict(event_id=f"t{i}", article_id=art.article_id, fatalities=deaths, location=place, latitude=lat)
        store.append(make_events(row), [art])
    m = store.manifest()
    first = store.root / m["rollup"][0]["path"]
    want = {"Kafr Tala": (4, 1), "Kafr Nabl": (0, 0)}

    def tolls(views: DuckViews) -> dict[str, tuple[int, int]]:
        p = views.places(Filters(), Selection())
        return {loc: (int(d), int(k)) for loc, d, k in zip(p[S.LOCATION], p["fatalities"], p["tolled"], strict=True)}

    assert tolls(DuckViews(D.DuckEngine(store, threads=1), 2, m["generation"], rollup=True)) == want
    table = pq.read_table(first)
    pq.write_table(table.drop([c for c in table.column_names if c.endswith("tolled")]), first)
    db = D.DuckEngine(store, threads=1)
    views = DuckViews(db, 2, m["generation"], rollup=True)
    assert tolls(views) == want
    assert "tolled" not in db.rollup_measures
