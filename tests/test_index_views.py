"""The merged UI on the EventIndex: filters as masks, the spread timeline, counts, rows by id, lasso over
clusters and chunked export all give what the pandas functions give on the same rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import query_oracle as O

from dashboard import schema as S
from dashboard.app import clusters as CL
from dashboard.app import engine as E
from dashboard.app import event_index as EI
from dashboard.app import filter_masks as FM
from dashboard.app import listing as RL
from dashboard.app import mapview as MV
from dashboard.app import query as Q
from dashboard.app.filters import Filters, choice_values, index_mask
from dashboard.export import write_event_chunks, write_events
from dashboard.synth import synthetic_events


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    events = O.with_place_key(synthetic_events(3000, seed=7)[0])
    # Some dates known only to a month or a year (the synthetic ones are mostly days).
    rng = np.random.default_rng(1)
    kind = rng.choice(["day", "month", "year"], len(events), p=[0.8, 0.15, 0.05])
    dates = events[S.EVENT_DATE]
    dates = dates.where(kind != "month", dates.dt.to_period("M").dt.start_time)
    dates = dates.where(kind != "year", dates.dt.to_period("Y").dt.start_time)
    return events.assign(**{S.EVENT_DATE: dates, S.DATE_PRECISION: kind})


@pytest.fixture(scope="module")
def index(synthetic: pd.DataFrame) -> EI.EventIndex:
    return EI.index_from_frame(synthetic)


def mask_cases(ix: EI.EventIndex) -> list[np.ndarray]:
    rng = np.random.default_rng(3)
    return [
        E.all_rows(ix),
        rng.random(ix.n) < 0.3,
        E.date_mask(ix, "2022-01-01", "2022-03-31"),
        np.zeros(ix.n, dtype=bool),
    ]


@pytest.mark.parametrize("unit", ["day", "week", "month"])
@pytest.mark.parametrize("measure", ["events", "deaths"])
def test_timeline_series_matches_pandas(synthetic: pd.DataFrame, index: EI.EventIndex, unit: str, measure: str) -> None:
    assert (index.date_kind > 0).sum() > 100, "the fixture has month- and year-dated events"
    for mask in mask_cases(index):
        got = E.timeline_series(index, mask, unit, measure)
        want = O.timeline_series(synthetic[mask], unit, measure)
        assert list(got.columns) == list(want.columns)
        # Row order is not part of the contract (the figure groups by type): compare sorted.
        keys = ["day", "event_type", "precise"]
        pd.testing.assert_frame_equal(
            got.sort_values(keys).reset_index(drop=True),
            want.sort_values(keys).reset_index(drop=True),
            check_dtype=False,
            check_exact=True,
        )


def test_timeline_series_spreads_a_month_evenly(make_events) -> None:
    df = make_events(
        dict(event_id="a", event_date="2020-02-01", date_precision="month", event_type="Battles"),
        dict(event_id="b", event_date="2020-02-10", event_type="Battles"),
    )
    got = E.timeline_series(EI.index_from_frame(df), np.ones(2, bool), "day")
    spread = got[~got["precise"]]
    assert len(spread) == 29 and spread["n"].sum() == 1.0  # 2020 is a leap year
    assert got.loc[got["precise"], "n"].tolist() == [1.0]


FILTER_CASES = [
    Filters(),
    Filters(event_types=("Battles", "Protests")),
    Filters(actors=("M23",)),
    Filters(countries=("Syria",), min_fatalities=3),
    Filters(min_confidence=0.8, precise_only=True),
    Filters(text="SHELLING by"),
    Filters(sub_event_types=("Air/drone strike",), text="struck"),
    Filters(sources=("nonexistent",)),
]


@pytest.mark.parametrize("f", FILTER_CASES)
def test_index_mask_means_what_the_columns_say(synthetic: pd.DataFrame, index: EI.EventIndex, f: Filters) -> None:
    """The mask against a plain pandas reading of each filter."""
    want = np.ones(len(synthetic), bool)
    if f.event_types:
        want &= synthetic[S.EVENT_TYPE].isin(f.event_types).to_numpy()
    if f.sub_event_types:
        want &= synthetic[S.SUB_EVENT_TYPE].isin(f.sub_event_types).to_numpy()
    if f.actors:
        want &= (synthetic[S.ACTOR1].isin(f.actors) | synthetic[S.ACTOR2].isin(f.actors)).to_numpy()
    if f.countries:
        want &= synthetic[S.COUNTRY].isin(f.countries).to_numpy()
    if f.sources:
        want &= synthetic[S.SOURCE].isin(f.sources).to_numpy()
    if f.min_fatalities:
        want &= (synthetic[S.FATALITIES] >= f.min_fatalities).to_numpy(dtype=bool, na_value=False)
    if f.min_confidence:
        want &= (synthetic[S.CONFIDENCE] >= f.min_confidence).to_numpy(dtype=bool, na_value=False)
    if f.precise_only:
        want &= (synthetic[S.GEO_PRECISION] <= 2).to_numpy(dtype=bool, na_value=False)
    if f.text:
        want &= synthetic[S.EXCERPT].str.lower().str.contains(f.text.lower(), regex=False).to_numpy()
    got = index_mask(index, f)
    assert got.tolist() == want.tolist()
    assert not got.flags.writeable, "a memoised mask cannot be changed in place by a caller"
    assert index_mask(index, f) is got, "memoised per Filters"


def test_choice_values_count_both_actor_sides(index: EI.EventIndex, synthetic: pd.DataFrame) -> None:
    actors = choice_values(index, "actors")
    counts = pd.concat([synthetic[S.ACTOR1], synthetic[S.ACTOR2]]).value_counts()
    counts = counts[counts.index.str.strip() != ""]
    assert set(actors) == set(counts.index)
    assert [counts[a] for a in actors] == sorted(counts, reverse=True)


def test_selection_figures_match_selection_counts(synthetic: pd.DataFrame, index: EI.EventIndex) -> None:
    for mask in mask_cases(index):
        assert Q.counts_line(*E.selection_figures(index, mask), 10) == O.selection_counts(synthetic[mask], 10)


def test_rows_by_event_and_by_article(synthetic: pd.DataFrame, index: EI.EventIndex) -> None:
    row = synthetic.iloc[123]
    got = RL.event_row(index, row[S.EVENT_ID])
    assert got is not None and got[S.EXCERPT] == row[S.EXCERPT] and got[S.PLACE_KEY] == row[S.PLACE_KEY]
    assert RL.event_row(index, "no such event") is None and RL.event_row(index, None) is None
    art = row[S.ARTICLE_ID]
    assert RL.rows_where(index, S.ARTICLE_ID, art).tolist() == np.flatnonzero(synthetic[S.ARTICLE_ID] == art).tolist()
    assert RL.rows_where(index, S.ARTICLE_ID, "none").size == 0


def test_rows_where_on_a_dictionary_encoded_table(synthetic: pd.DataFrame) -> None:
    import pyarrow as pa

    table = pa.Table.from_pandas(S.coerce_events(synthetic), preserve_index=False)
    table = table.set_column(
        table.schema.get_field_index(S.ARTICLE_ID), S.ARTICLE_ID, table[S.ARTICLE_ID].dictionary_encode()
    )
    ix = EI.build_index(table)
    art = synthetic[S.ARTICLE_ID].iloc[50]
    assert RL.rows_where(ix, S.ARTICLE_ID, art).tolist() == np.flatnonzero(synthetic[S.ARTICLE_ID] == art).tolist()
    assert RL.rows_where(ix, S.ARTICLE_ID, "none").size == 0


def test_a_lasso_over_clusters_selects_exactly_their_places(index: EI.EventIndex) -> None:
    places = E.places_aggregate(index, E.all_rows(index))
    # A small view's worth of clustering: force clusters with a low threshold of single places.
    singles, clusters = CL.cluster_places(places)
    assert not clusters.empty, "3000 synthetic events make clusters"
    member_of = {}
    for key in clusters["key"]:
        box = MV.cluster_box(key)
        inside = places[
            places[S.LONGITUDE].between(box.lon0, box.lon1) & places[S.LATITUDE].between(box.lat0, box.lat1)
        ]
        member_of[key] = set(inside[S.PLACE_KEY])
    # Each place is in at most one cluster's box, and no single place is inside one.
    seen = [k for keys in member_of.values() for k in keys]
    assert len(seen) == len(set(seen))
    assert not set(singles[S.PLACE_KEY]) & set(seen)
    assert len(seen) == clusters["n_places"].sum()
    chosen = tuple(clusters["key"].iloc[:2])
    mask = index_mask(index, Filters(places=chosen))
    got = set(index.places[S.PLACE_KEY].to_numpy()[np.unique(index.place[mask])])
    assert got == member_of[chosen[0]] | member_of[chosen[1]]
    single = singles[S.PLACE_KEY].iloc[0]
    both = index_mask(index, Filters(places=(chosen[0], single)))
    assert both.sum() == mask_of(index, member_of[chosen[0]] | {single}).sum()


def mask_of(ix: EI.EventIndex, keys: set[str]) -> np.ndarray:
    return np.isin(ix.place, [ix.place_code[k] for k in keys])


@pytest.mark.parametrize("fmt", ["csv", "geojson", "parquet"])
def test_chunked_export_writes_what_one_frame_writes(
    synthetic: pd.DataFrame, index: EI.EventIndex, tmp_path: Path, fmt: str
) -> None:
    mask = E.date_mask(index, "2022-01-01", "2022-06-30")
    whole, pieces = tmp_path / f"whole.{fmt}", tmp_path / f"pieces.{fmt}"
    write_events(synthetic[mask], fmt, whole)
    assert write_event_chunks(RL.frame_chunks(index, mask, size=97), fmt, pieces) == mask.sum()
    if fmt == "parquet":
        pd.testing.assert_frame_equal(pd.read_parquet(pieces), pd.read_parquet(whole))
    else:
        assert pieces.read_bytes() == whole.read_bytes()
    empty = tmp_path / f"empty.{fmt}"
    assert write_event_chunks(RL.frame_chunks(index, np.zeros(index.n, bool)), fmt, empty) == 0
    write_events(synthetic.head(0), fmt, whole)
    if fmt != "parquet":
        assert empty.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("text", ["abab", "ab", "Shell", "x", "é", "ÉTÉ"])
def test_excerpt_search_is_per_row_case_insensitive_and_literal(make_events, text: str) -> None:
    """Matches never straddle two excerpts, overlapping candidates are all found, case is ignored."""
    excerpts = ["xxab", "abxx", "ababab", "shelling", "SHELLING hit", "été", "(a+b)", "", "aba"]
    df = make_events(*(dict(event_id=f"e{i}", excerpt=e) for i, e in enumerate(excerpts)))
    ix = EI.index_from_frame(df)
    want = [text.lower() in e.lower() for e in excerpts]
    assert FM.text_mask(ix, text).tolist() == want
    assert index_mask(ix, Filters(text="(a+b)")).tolist() == ["(a+b)" in e for e in excerpts]
