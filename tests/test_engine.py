"""The array engine gives what the pandas query functions give on the same rows, and clusters the map."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import query_oracle as O

from dashboard import schema as S
from dashboard.app import clusters as CL
from dashboard.app import engine as E
from dashboard.app import event_index as EI
from dashboard.app import listing as RL
from dashboard.app import mapview as MV
from dashboard.app import query as Q
from dashboard.app.figures import CLUSTER_NAME, basemap_resolution, map_figure, place_traces
from dashboard.synth import synthetic_events

IDLIB = dict(location="Idlib", latitude=35.930621, longitude=36.633934, country="Syria", geo_precision=1)
MOSCOW = dict(location="Moscow", latitude=55.75204, longitude=37.61781, country="Russia", geo_precision=1)
SYRIA = dict(location="Syria", latitude=35.0, longitude=38.0, country="Syria", geo_precision=4)


@pytest.fixture
def small(make_events) -> pd.DataFrame:
    return O.with_place_key(
        make_events(
            dict(
                event_id="i1", event_date="2020-03-01", fatalities=36, event_type="Explosions/Remote violence", **IDLIB
            ),
            dict(event_id="i2", event_date="2020-03-04", fatalities=2, event_type="Battles", **IDLIB),
            dict(event_id="i3", event_date="2020-03-04", event_type="Battles", published="2020-03-06", **IDLIB),
            dict(event_id="m1", event_date="2020-03-05", event_type="Diplomacy", **MOSCOW),
            dict(event_id="s1", event_date="2020-02-10", event_type="Battles", **SYRIA),
            dict(event_id="u1", event_date=None, event_type="Other", **SYRIA),
            dict(
                event_id="n1",
                event_date="2020-03-02",
                event_type="Battles",
                **{**IDLIB, "geo_precision": None, "location": "Nowhere"},
            ),
        )
    )


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    return O.with_place_key(synthetic_events(3000, seed=5)[0])


def assert_places_equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """The same rows (the engine lists places in their code order, pandas in order of appearance)."""
    assert list(got.columns) == list(want.columns)
    got, want = (df.sort_values(S.PLACE_KEY).reset_index(drop=True) for df in (got, want))
    assert got[S.PLACE_KEY].tolist() == want[S.PLACE_KEY].tolist(), "the same places"
    pd.testing.assert_frame_equal(got.drop(columns="main_type"), want.drop(columns="main_type"), check_dtype=False)


def main_types_agree(got: pd.DataFrame, want: pd.DataFrame, events: pd.DataFrame) -> None:
    """Same main type, except where two types tie (pandas' unstable sort picks either)."""
    counts = events.groupby([S.PLACE_KEY, S.EVENT_TYPE]).size()
    for key, a, b in zip(got[S.PLACE_KEY], got["main_type"], want["main_type"], strict=True):
        if a != b:
            c = counts.loc[key]
            assert c[a] == c[b] == c.max(), f"{key}: {a} ≠ {b} ({c.to_dict()})"


@pytest.mark.parametrize(
    "start, end, precise",
    [
        (None, None, False),
        ("2020-03-01", "2020-03-04", False),
        ("2020-03-04", None, True),
        (None, "2020-02-29", False),
        ("2021-01-01", "2021-12-31", False),
    ],
)
def test_places_aggregate_matches_places_summary(small: pd.DataFrame, start, end, precise) -> None:
    ix = EI.index_from_frame(small)
    mask = E.date_mask(ix, start, end) & E.precise_mask(ix, precise)
    want = O.places_summary(O.precise_only(O.in_range(small, start, end), precise))
    got = E.places_aggregate(ix, mask)
    assert_places_equal(got, want)
    assert dict(zip(got[S.PLACE_KEY], got["main_type"], strict=True)) == dict(
        zip(want[S.PLACE_KEY], want["main_type"], strict=True)
    )


def test_places_aggregate_keeps_unknown_precision_and_deaths(small: pd.DataFrame) -> None:
    got = E.places_aggregate(EI.index_from_frame(small), np.ones(len(small), bool)).set_index(S.PLACE_KEY)
    nowhere = got.loc[small.loc[small[S.EVENT_ID] == "n1", S.PLACE_KEY].iloc[0]]
    assert pd.isna(nowhere[S.GEO_PRECISION])
    idlib = got.loc[O.with_place_key(small)[S.PLACE_KEY].iloc[0]]
    assert (idlib["n_events"], idlib["fatalities"], idlib["main_type"]) == (3, 38, "Battles")


@pytest.mark.parametrize(
    "start, end, precise",
    [
        (None, None, False),
        ("2022-01-01", "2022-06-30", True),
        ("2021-05-01", "2021-05-20", False),
    ],
)
def test_engine_matches_pandas_on_synthetic_data(synthetic: pd.DataFrame, start, end, precise) -> None:
    ix = EI.index_from_frame(synthetic)
    mask = E.date_mask(ix, start, end) & E.precise_mask(ix, precise)
    rows = O.precise_only(O.in_range(synthetic, start, end), precise)
    assert int(mask.sum()) == len(rows)
    got, want = E.places_aggregate(ix, mask), O.places_summary(rows)
    assert_places_equal(got, want)
    main_types_agree(*(df.sort_values(S.PLACE_KEY) for df in (got, want)), rows)
    for unit in ("day", "week", "month"):
        pd.testing.assert_frame_equal(
            E.timeline_counts(ix, mask, unit).reset_index(drop=True),
            O.timeline_counts(rows, unit).reset_index(drop=True),
            check_dtype=False,
        )
    newest = RL.rows_frame(ix, RL.newest_rows(ix, mask, 50))
    expected = rows.sort_values(
        [S.EVENT_DATE, S.PUBLISHED, S.EVENT_ID], ascending=[False, False, True], na_position="last"
    ).head(50)
    assert newest[S.EVENT_ID].tolist() == expected[S.EVENT_ID].tolist()
    assert Q.excerpt_records(newest, 50) == Q.excerpt_records(expected.reset_index(drop=True), 50)


def test_timeline_counts_small(small: pd.DataFrame) -> None:
    ix = EI.index_from_frame(small)
    got = E.timeline_counts(ix, E.all_rows(ix))
    pd.testing.assert_frame_equal(got, O.timeline_counts(small).reset_index(drop=True), check_dtype=False)
    assert E.timeline_counts(ix, np.zeros(ix.n, bool)).empty


def test_timeline_counts_of_deaths(small: pd.DataFrame) -> None:
    ix = EI.index_from_frame(small)
    got = E.timeline_counts(ix, E.all_rows(ix), measure="fatalities")
    assert {(r["day"].strftime("%Y-%m-%d"), r[S.EVENT_TYPE]): r["n"] for r in got.to_dict("records")} == {
        ("2020-03-01", "Explosions/Remote violence"): 36,
        ("2020-03-04", "Battles"): 2,
    }


def test_masks(small: pd.DataFrame) -> None:
    ix = EI.index_from_frame(small)
    ids = small[S.EVENT_ID].to_numpy()
    assert ids[E.place_mask(ix, small[S.PLACE_KEY].iloc[0])].tolist() == ["i1", "i2", "i3"]
    assert not E.place_mask(ix, "nowhere|0|0").any()
    assert E.place_mask(ix, None).all()
    assert ids[E.date_mask(ix, "2020-03-04T15:30:00", "2020-03-04 23:59:59")].tolist() == ["i2", "i3"]
    assert ids[E.precise_mask(ix, True)].tolist() == ["i1", "i2", "i3", "m1"]
    assert ids[E.around(ix, "2020-03-04", "2020-03-04 23:59")].tolist() == ["i2", "i3", "m1"]
    assert E.around(ix, None, None).all()


def test_date_extent(synthetic: pd.DataFrame, small: pd.DataFrame) -> None:
    for df in (synthetic, small):
        ix = EI.index_from_frame(df)
        assert E.date_extent(ix, E.all_rows(ix)) == O.robust_extent(df[S.EVENT_DATE])
    assert E.date_extent(ix, np.zeros(ix.n, bool)) is None


def test_newest_rows_and_rows_frame(small: pd.DataFrame) -> None:
    ix = EI.index_from_frame(small)
    df = RL.rows_frame(ix, RL.newest_rows(ix, E.all_rows(ix), 4))
    assert df[S.EVENT_ID].tolist() == ["m1", "i3", "i2", "n1"], "newest first; same day: later publication first"
    assert df[S.PLACE_KEY].tolist() == small.set_index(S.EVENT_ID).loc[df[S.EVENT_ID], S.PLACE_KEY].tolist()
    assert list(df.columns) == [*S.NAMES, S.PLACE_KEY]
    pd.testing.assert_frame_equal(df.drop(columns=S.PLACE_KEY), S.coerce_events(df.drop(columns=S.PLACE_KEY)))
    assert RL.rows_frame(ix, RL.newest_rows(ix, E.all_rows(ix), 100))[S.EVENT_ID].iloc[-1] == "u1", "undated last"


def test_empty_index() -> None:
    ix = EI.index_from_frame(S.empty_events())
    assert ix.n == 0
    assert E.places_aggregate(ix, E.all_rows(ix)).empty
    assert E.timeline_counts(ix, E.all_rows(ix)).empty
    assert RL.rows_frame(ix, RL.newest_rows(ix, E.all_rows(ix))).empty


# -- clustering -------------------------------------------------------------------------------------------


def grid_places(n: int, lon0: float = 30.0, lat0: float = 30.0, step: float = 0.05) -> pd.DataFrame:
    side = int(np.ceil(np.sqrt(n)))
    lon = lon0 + step * (np.arange(n) % side)
    lat = lat0 + step * (np.arange(n) // side)
    return pd.DataFrame(
        {
            S.PLACE_KEY: [f"p{i}|{a}|{o}" for i, (a, o) in enumerate(zip(lat, lon, strict=True))],
            S.LOCATION: [f"p{i}" for i in range(n)],
            S.LATITUDE: lat,
            S.LONGITUDE: lon,
            S.COUNTRY: "X",
            S.GEO_PRECISION: pd.array([1] * n, dtype="Int64"),
            "n_events": np.arange(n) % 7 + 1,
            "fatalities": np.arange(n) % 3,
            "tolled": (np.arange(n) % 7 + 1) // 2,
            "main_type": "Battles",
            "first": pd.Timestamp("2020-01-01"),
            "last": pd.Timestamp("2020-02-01"),
        }
    )


def test_few_places_are_drawn_one_by_one() -> None:
    places = grid_places(CL.INDIVIDUAL_MAX)
    singles, clusters = CL.cluster_places(places)
    assert len(singles) == len(places) and clusters.empty
    # Even those far outside the view: few markers cost nothing, and a pan shows them at once.
    singles, clusters = CL.cluster_places(places, MV.MapView(0.0, 1.0, 0.0, 1.0))
    assert len(singles) == len(places) and clusters.empty


def test_many_places_merge_into_clusters_that_keep_every_event() -> None:
    places = grid_places(5000)
    singles, clusters = CL.cluster_places(places)
    assert not clusters.empty
    assert len(singles) + len(clusters) <= CL.MAX_MARKERS
    assert singles["n_events"].sum() + clusters["n_events"].sum() == places["n_events"].sum()
    assert singles.__len__() + clusters["n_places"].sum() == len(places)
    assert clusters["fatalities"].sum() + singles["fatalities"].sum() == places["fatalities"].sum()
    assert clusters["tolled"].sum() + singles["tolled"].sum() == places["tolled"].sum()
    assert (clusters["n_places"] >= 2).all()
    top = clusters["top"].iloc[0]
    assert 1 <= len(top) <= 3 and top == sorted(top, key=lambda t: -t[1])


def test_a_cluster_key_is_the_box_of_its_places() -> None:
    places = grid_places(2000)
    _, clusters = CL.cluster_places(places)
    for key, lat, lon in zip(clusters["key"], clusters[S.LATITUDE], clusters[S.LONGITUDE], strict=True):
        assert MV.is_cluster_key(key)
        box = MV.MapView.from_box(key[len(MV.CLUSTER_PREFIX) :].split("|"))
        assert box is not None and box.lon0 <= lon <= box.lon1 and box.lat0 <= lat <= box.lat1


def test_zooming_in_shows_individual_places() -> None:
    places = grid_places(5000, step=0.1)
    _, far = CL.cluster_places(places)
    view = MV.MapView(30.0, 31.0, 30.0, 31.0)
    singles, near = CL.cluster_places(places, view)
    assert near.empty, "a 1° view over 0.1° spacing holds ~100 places: no clusters"
    assert singles[S.LONGITUDE].between(29.5, 31.5).all(), "places far outside the view are left out"
    mid = MV.MapView(30.0, 33.0, 30.0, 33.0)
    mid_singles, mid_clusters = CL.cluster_places(places, mid)
    assert len(mid_singles) + len(mid_clusters) > len(far), "a closer view splits clusters"


def test_the_selected_place_is_never_hidden_in_a_cluster() -> None:
    places = grid_places(5000)
    key = places[S.PLACE_KEY].iloc[1234]
    singles, _ = CL.cluster_places(places, selected=key)
    assert key in set(singles[S.PLACE_KEY])


def test_cap_on_markers() -> None:
    rng = np.random.default_rng(0)
    places = grid_places(20_000).assign(
        **{S.LONGITUDE: rng.uniform(-180, 180, 20_000), S.LATITUDE: rng.uniform(-60, 70, 20_000)}
    )
    singles, clusters = CL.cluster_places(places)
    assert len(singles) + len(clusters) <= CL.MAX_MARKERS


@pytest.mark.parametrize("box", [None, [1, 2, 3], ["a", 1, 2, 3], [2, 1, 0, 1], [0, 1, 0, float("nan")], "x"])
def test_malformed_view_is_none(box) -> None:
    assert MV.MapView.from_box(box) is None


def test_map_figure_draws_clusters_with_counts() -> None:
    fig = map_figure(grid_places(3000))
    clusters = [t for t in place_traces(fig) if t.name == CLUSTER_NAME]
    assert len(clusters) == 1 and clusters[0].mode == "markers+text"
    assert all(MV.is_cluster_key(k) for k in clusters[0].customdata)
    assert all(t.isdigit() or t.endswith("k") for t in clusters[0].text)
    assert "click to zoom in" in clusters[0].hovertext[0]
    assert sum(len(t.lat) for t in place_traces(fig)) <= CL.MAX_MARKERS


def test_map_figure_goto_moves_the_view() -> None:
    box = MV.MapView(30.0, 31.0, 30.0, 31.0)
    fig = map_figure(grid_places(3000), view=box, goto=box)
    assert list(fig.layout.geo.lonaxis.range) == [30.0, 31.0]
    assert fig.layout.geo.fitbounds is False
    assert fig.layout.uirevision != map_figure(grid_places(10)).layout.uirevision


def test_aggregates_are_memoised_per_mask_and_copied_out(small: pd.DataFrame) -> None:
    ix = EI.index_from_frame(small)
    mask = E.date_mask(ix, "2020-03-01", None)
    first = E.places_aggregate(ix, mask)
    first["n_events"] = -1  # a caller mutating its answer must not change the next one
    again = E.places_aggregate(ix, mask.copy())
    assert (again["n_events"] > 0).all()
    assert len(ix.memo) == 1
    E.places_aggregate(ix, E.all_rows(ix))
    E.timeline_counts(ix, mask, "week")
    E.timeline_counts(ix, mask, "week", measure="fatalities")
    assert len(ix.memo) == 4
    for i in range(E.MEMO_SIZE + 5):
        E.date_extent(ix, np.arange(ix.n) != i % ix.n if i < ix.n else np.arange(ix.n) < i - ix.n)
    assert len(ix.memo) <= E.MEMO_SIZE


def test_basemap_resolution_follows_the_view() -> None:
    assert basemap_resolution(None, grid_places(100, step=0.1)) == 50, "a region: fine coasts"
    assert basemap_resolution(None, grid_places(100, step=5.0)) == 110, "a continent: the light outlines"
    assert basemap_resolution(MV.MapView(30, 35, 30, 34), grid_places(100, step=5.0)) == 50
    assert basemap_resolution(None, grid_places(0)) == 110
    assert map_figure(grid_places(3000, step=1.0)).layout.geo.resolution == 110


def test_store_view_rebuilds_on_a_new_generation(tmp_path) -> None:
    from dashboard.app.data import StoreView
    from dashboard.store import EventsStore
    from dashboard.synth import write_synthetic_store

    view = StoreView(EventsStore(tmp_path / "store"))
    assert view.index().n == 0 and view.events().empty
    write_synthetic_store(tmp_path / "store", 500, seed=1)
    ix = view.index()
    assert ix.n == 500 and view.index() is ix, "one index per generation"
    events = view.events()
    assert len(events) == 500 and S.PLACE_KEY in events.columns
    assert (
        events[S.PLACE_KEY].tolist()
        == O.with_place_key(EventsStore(tmp_path / "store").load_events())[S.PLACE_KEY].tolist()
    )
    write_synthetic_store(tmp_path / "store", 20, seed=1)
    assert view.index().n == 20 and len(view.events()) == 20
    view.warm()


def test_map_figure_keeps_the_users_view() -> None:
    view = MV.MapView(20.0, 60.0, 10.0, 40.0)
    fig = map_figure(grid_places(3000, step=0.05), view=view)
    assert list(fig.layout.geo.lonaxis.range) == [20.0, 60.0] and list(fig.layout.geo.lataxis.range) == [10.0, 40.0]
    assert fig.layout.geo.fitbounds is False
    assert fig.layout.uirevision == map_figure(grid_places(10), view=view).layout.uirevision, (
        "the same view, the same revision: a filter change does not move the map"
    )
    assert map_figure(grid_places(3000)).layout.geo.fitbounds == "locations", "no view yet: fit the data"


def test_the_map_opens_on_the_bulk_of_the_events_not_on_every_stray_place() -> None:
    places = grid_places(400, lon0=36.0, lat0=34.0, step=0.02)  # a corpus on northern Syria...
    stray = grid_places(3, lon0=-77.0, lat0=38.9).assign(n_events=1)  # ...that names Washington thrice
    both = pd.concat([places, stray], ignore_index=True)
    bulk = CL.bulk_view(both)
    assert bulk is not None and 20 < bulk.lon0 < 36 and 36.4 < bulk.lon1 < 52, bulk
    assert bulk.lon1 - bulk.lon0 >= CL.OPEN_ASPECT * (bulk.lat1 - bulk.lat0) - 1e-9, (
        "the box has the panel's shape, so the map fills it (no blank paper either side)"
    )
    assert bulk.lat0 < 34 and bulk.lat1 > 34.4
    assert bulk.lon1 - bulk.lon0 >= CL.BULK_MIN_SPAN, "one town's events open on its region"
    assert CL.bulk_view(places) is None, "no strays: the map fits every place"
    assert CL.bulk_view(places.iloc[:0]) is None
    fig = map_figure(both)
    lons = [float(x) for t in place_traces(fig) for x in t.lon]
    assert min(lons) < -70, "the stray places are still drawn, for whoever zooms out"
    assert list(fig.layout.geo.lonaxis.range) == [bulk.lon0, bulk.lon1] and fig.layout.geo.fitbounds is False
    assert fig.layout.uirevision == "map", "a user's pan or zoom is kept across filter changes"


def test_the_tile_map_opens_on_the_bulk_of_the_events_too() -> None:
    from dashboard.app.figures import TILE_PRESETS

    places = grid_places(400, lon0=36.0, lat0=34.0, step=0.02)
    stray = grid_places(3, lon0=-77.0, lat0=38.9).assign(n_events=1)
    fig = map_figure(pd.concat([places, stray], ignore_index=True), tiles=TILE_PRESETS["osm"])
    center = fig.layout.map.center
    assert 33 < center.lon < 42 and 32 < center.lat < 37, "on northern Syria, not midway to Washington"
    assert fig.layout.map.zoom >= 4
    whole = map_figure(places, tiles=TILE_PRESETS["osm"]).layout.map
    assert 36 <= whole.center.lon <= 36.4 and whole.zoom > fig.layout.map.zoom, "no strays: fit every place"
    assert map_figure(places.iloc[:0], tiles=TILE_PRESETS["osm"]).layout.map.zoom == 1


def test_the_opening_box_takes_the_panels_shape_on_a_phone_too() -> None:
    places = grid_places(400, lon0=36.0, lat0=34.0, step=0.02)
    stray = grid_places(3, lon0=-77.0, lat0=38.9).assign(n_events=1)
    both = pd.concat([places, stray], ignore_index=True)
    tall = CL.bulk_view(both, aspect=1.0)  # a phone's map panel: about as high as wide
    assert tall is not None
    assert tall.lat1 - tall.lat0 == pytest.approx(tall.lon1 - tall.lon0, rel=1e-6), tall
    wide = CL.bulk_view(both)
    assert tall.lat1 - tall.lat0 > wide.lat1 - wide.lat0, "the phone's box is taller than the desktop's"
    assert tall.lon0 < 36.0 and tall.lon1 > 36.4 and tall.lat0 < 34.0 and tall.lat1 > 34.4


def test_on_a_tall_panel_the_map_opens_on_every_place_in_the_panels_shape() -> None:
    # Places three times wider than high (a filter that left a line of towns along a frontier): plotly's
    # own fit keeps that shape and drew a phone's map as a strip with blank bands above and below.
    places = grid_places(36, lon0=35.0, lat0=34.0, step=0.6).assign(latitude=lambda d: 34.0 + (d.latitude - 34.0) / 3)
    lon, lat = places["longitude"], places["latitude"]
    phone = CL.tall_panel_view(places, aspect=0.9)
    assert phone is not None
    assert phone.lat1 - phone.lat0 == pytest.approx((phone.lon1 - phone.lon0) / 0.9, rel=1e-6), phone
    assert phone.lon0 < lon.min() and phone.lon1 > lon.max() and phone.lat0 < lat.min() and phone.lat1 > lat.max()
    fig = map_figure(places, aspect=0.9)
    assert list(fig.layout.geo.lonaxis.range) == [phone.lon0, phone.lon1] and fig.layout.geo.fitbounds is False
    assert fig.layout.uirevision == "map", "a user's pan or zoom is still kept across filter changes"
    assert CL.tall_panel_view(places, aspect=2.6) is None, "a wide panel keeps plotly's fit"
    assert map_figure(places, aspect=2.6).layout.geo.fitbounds == "locations"
    assert CL.tall_panel_view(places.iloc[:0], aspect=0.9) is None


def test_one_place_on_a_tall_panel_opens_on_its_region_not_its_streets() -> None:
    one = CL.tall_panel_view(grid_places(1, lon0=36.6, lat0=35.9), aspect=0.9)
    assert one is not None and one.lon1 - one.lon0 >= CL.BULK_MIN_SPAN and one.lat0 < 35.9 < one.lat1
