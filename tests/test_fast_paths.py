"""The per-answer shortcuts (array look-ups instead of pandas row work, dates from their fields)
give what the straightforward pandas code gives: each is checked against that code here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import schema as S
from dashboard.app import engine as E
from dashboard.app import event_index as EI
from dashboard.app import listing as RL
from dashboard.app.callbacks import place_options
from dashboard.app.figures import _by_main_type, marker_size
from dashboard.app.map_hover import _span, place_hover
from dashboard.app.query import format_date, plain_records
from dashboard.app.timeline_figure import _bar_groups
from dashboard.store import EventsStore
from dashboard.synth import write_synthetic_store


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> EI.EventIndex:
    root = tmp_path_factory.mktemp("fast") / "store"
    write_synthetic_store(root, 2500, 4)
    return EI.build_index(EventsStore(root).load_events_table())


def _same(a: object, b: object) -> bool:
    if a is pd.NaT or b is pd.NaT or (isinstance(a, float) and np.isnan(a)):
        return type(a) is type(b) and (a is b or np.isnan(b))
    return type(a) is type(b) and a == b


def test_plain_records_are_to_dict_records(index: EI.EventIndex) -> None:
    df = RL.rows_frame(index, np.arange(0, index.n, 37))
    want, got = df.to_dict("records"), plain_records(df)
    assert len(got) == len(want) and all(
        list(w) == list(g) and all(_same(w[k], g[k]) for k in w) for w, g in zip(want, got, strict=True)
    )
    assert any(v is None for r in got for v in r.values())  # missing counts stay None, as to_dict gives them


def test_row_records_from_arrow_are_the_frames_records(index: EI.EventIndex) -> None:
    rows = RL.newest_rows(index, np.ones(index.n, dtype=bool), 120)[::3]
    want, got = plain_records(RL.rows_frame(index, rows)), RL.row_records(index, rows)
    assert len(got) == len(want) == rows.size
    for w, g in zip(want, got, strict=True):
        assert list(w) == list(g)
        bad = {k: (w[k], g[k]) for k in w if not _same(w[k], g[k])}
        assert not bad
    assert any(v is None for r in got for v in r.values())  # missing values compared too


def test_markers_split_by_type_are_the_groupby_of_the_places(index: EI.EventIndex) -> None:
    places = RL.labelled(index, E.places_aggregate(index, np.ones(index.n, dtype=bool)))
    singles = places.assign(_size=places["n_events"].astype(float))
    got = _by_main_type(singles, 50.0)

    def spot_first(g: pd.DataFrame) -> pd.DataFrame:  # within a type, towns and districts first: the legend's swatch
        return g.iloc[np.argsort(~(g[S.GEO_PRECISION].fillna(4).astype(int) <= 2).to_numpy(), kind="stable")]

    want = [(t, spot_first(g)) for t, g in singles.groupby("main_type", sort=True)]
    assert [t for t, _ in got] == [t for t, _ in want] and len(want) > 1
    for (_, cols), (_, grp) in zip(got, want, strict=True):
        assert cols["key"] == grp[S.PLACE_KEY].to_list() and cols["name"] == grp["label"].to_list()
        assert cols["hover"] == place_hover(grp)
        assert np.array_equal(cols["lat"], grp[S.LATITUDE].to_numpy())
        assert np.array_equal(cols["size"], marker_size(grp["_size"], 50.0).to_numpy())


@pytest.mark.parametrize("ts", ["2024-03-05 17:30", "1901-01-09", "2019-12-31 23:59:59"])
def test_dates_formatted_from_fields_read_as_strftime(ts: str) -> None:
    t = pd.Timestamp(ts)
    assert format_date(t, "day") == f"{t:%Y-%m-%d}" and format_date(t, None) == f"{t:%Y-%m-%d}"
    assert format_date(t, "month") == f"{t:%B %Y}" and format_date(t, "year") == f"{t:%Y}"
    assert format_date(None, "day") == format_date(pd.NaT, "day") == "undated"
    later = t + pd.Timedelta(days=3)
    assert _span(t, later) == f"{t:%Y-%m-%d} – {later:%Y-%m-%d}"
    assert _span(t, t.normalize()) == _span(t, pd.NaT) == f"{t:%Y-%m-%d}"  # one day, any hour


def test_labels_looked_up_on_arrays_are_the_places_labels(index: EI.EventIndex) -> None:
    agg = E.places_aggregate(index, E.all_rows(index)).sample(frac=1, random_state=2)
    got = RL.labelled(index, agg)["label"].tolist()
    assert got == [index.places["label"].iat[index.place_code[k]] for k in agg[S.PLACE_KEY]]
    assert RL.labelled(index, agg.iloc[:0])["label"].tolist() == []
    with pytest.raises(KeyError):
        RL.labelled(index, agg.assign(**{S.PLACE_KEY: "Nowhere|0.0|0.0"}))


def test_place_options_are_the_busiest_located_places_in_order(index: EI.EventIndex) -> None:
    agg = RL.labelled(index, E.places_aggregate(index, E.all_rows(index)))
    agg.loc[agg.index[:7], S.LATITUDE] = np.nan  # not on the map: not offered
    located = agg[agg[S.LATITUDE].notna()]
    for limit in (5, 40, len(agg) + 1):
        top = located.nlargest(limit, "n_events")  # ties keep the aggregate's order, as the options do
        want = [
            {"label": f"{name} — {n:,} event{'s' * (n != 1)}", "value": key}
            for name, n, key in zip(top["label"], top["n_events"].astype(int), top[S.PLACE_KEY], strict=True)
        ]
        assert place_options(agg, limit) == want
    assert place_options(agg.iloc[:0]) == []


def test_bar_groups_stack_precise_dates_first_and_types_by_name() -> None:
    counts = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-01", "2024-01-03", "2024-01-01"]),
            S.EVENT_TYPE: ["Riots", "Battles", "Riots", None, "Battles"],
            "n": [1.0, 2.0, 3.0, 4.0, 0.5],
            "precise": [True, True, True, True, False],
        }
    )
    groups = [(p, t, x, y.tolist()) for p, t, x, y in _bar_groups(counts)]
    assert groups == [
        (True, "Battles", ["2024-01-01"], [2.0]),
        (True, "Riots", ["2024-01-02", "2024-01-01"], [1.0, 3.0]),  # rows in their order
        (False, "Battles", ["2024-01-01"], [0.5]),
    ]  # a row without a type is not drawn
    assert _bar_groups(counts.iloc[:0]) == []
