"""The events schema: one source of truth for names, dtypes and docs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import schema as S

FLOAT_COLUMNS = [c.name for c in S.COLUMNS if c.dtype == "float64"]


def test_names_and_dtypes_agree() -> None:
    assert S.NAMES == tuple(c.name for c in S.COLUMNS)
    assert len(set(S.NAMES)) == len(S.NAMES), "column names are unique"
    assert list(S.DTYPES) == list(S.NAMES)


@pytest.mark.parametrize("column", S.COLUMNS, ids=lambda c: c.name)
def test_every_column_has_a_doc(column: S.Column) -> None:
    assert column.doc.strip(), column.name
    assert column.doc.strip()[0].isupper() or column.doc.strip()[0].isdigit()
    assert column.doc.rstrip().endswith((".", ")"))


def test_constants_name_real_columns() -> None:
    constants = {v for k, v in vars(S).items() if k.isupper() and isinstance(v, str)}
    constants -= {S.PLACE_KEY}
    assert constants == set(S.NAMES)


def _check(df: pd.DataFrame) -> None:
    assert list(df.columns) == list(S.NAMES)
    for name, dtype in S.DTYPES.items():
        assert str(df[name].dtype) == dtype, name
    assert list(df.index) == list(range(len(df)))


def test_empty_events() -> None:
    df = S.empty_events()
    assert df.empty
    _check(df)


def test_coerce_events_orders_fills_drops_and_types() -> None:
    raw = pd.DataFrame(
        {
            "extra_col": ["drop me", "me too"],
            "latitude": ["35.93", 55.75],
            "longitude": [36.63, 37.62],
            "confidence": [0.5, 1],
            "event_id": ["b", "a"],
            "event_date": ["2020-03-04", "not a date"],
            "fatalities": [36, None],
            "geo_precision": [1.0, np.nan],
            "is_future": [True, False],
            "published": [pd.Timestamp("2020-03-04"), None],
        },
        index=[10, 3],
    )
    df = S.coerce_events(raw)
    _check(df)
    assert "extra_col" not in df.columns
    assert df["event_id"].tolist() == ["b", "a"]
    assert df["latitude"].tolist() == [35.93, 55.75]
    assert df["event_date"].iloc[0] == pd.Timestamp("2020-03-04")
    assert pd.isna(df["event_date"].iloc[1])
    assert df["fatalities"].iloc[0] == 36 and pd.isna(df["fatalities"].iloc[1])
    assert df["geo_precision"].iloc[0] == 1
    assert df["is_future"].tolist() == [True, False]
    assert df["country_code"].isna().all(), "missing columns are filled with nulls"
    assert raw.columns.tolist()[0] == "extra_col", "the input is not modified"


@pytest.mark.parametrize("missing", [c.name for c in S.COLUMNS])
def test_coerce_events_fills_any_missing_column(missing: str) -> None:
    row = {c.name: (1.0 if c.dtype == "float64" else "x" if c.dtype == "string" else None) for c in S.COLUMNS}
    del row[missing]
    df = S.coerce_events(pd.DataFrame([row]))
    _check(df)
    assert df[missing].isna().all()


def test_coerce_events_is_idempotent(make_events) -> None:
    df = make_events({}, dict(event_id="e2", fatalities=3, event_date=None))
    _check(df)
    pd.testing.assert_frame_equal(S.coerce_events(df), df)


def test_coerce_events_rejects_non_integral_counts() -> None:
    with pytest.raises((TypeError, ValueError)):
        S.coerce_events(pd.DataFrame({"fatalities": [1.5]}))


def test_article_columns() -> None:
    assert S.ARTICLE_COLUMNS[0] == S.ARTICLE_ID
    assert {"text", "published", "published_inferred", "extra"} <= set(S.ARTICLE_COLUMNS)


def test_place_keys_format_each_coordinate_as_str_of_its_rounded_float() -> None:
    # Formatted once per distinct value: the text must stay what str() gives for every value, since
    # the merge's index stores keys built from it (-0.0, NaN, tiny and huge values included).
    rng = np.random.default_rng(7)
    lat = np.r_[rng.normal(0, 60, 500), [np.nan, -0.0, 0.0, 1e-5, -1e-5, 0.00005, 1e20, np.inf, 33.33335]]
    df = pd.DataFrame(
        {
            S.LOCATION: pd.array(["Some town"] * len(lat), dtype="string"),
            S.LATITUDE: lat,
            S.LONGITUDE: lat[::-1].copy(),
        },
        index=np.arange(len(lat)) * 2,
    )
    slow = (
        df[S.LOCATION].astype(str)
        + "|"
        + df[S.LATITUDE].round(4).astype(str)
        + "|"
        + df[S.LONGITUDE].round(4).astype(str)
    )
    assert S.place_keys(df).equals(slow)
    assert S.place_keys(df.iloc[:0]).tolist() == []


def test_isin_matches_pandas_on_text_with_missing_values() -> None:
    values = pd.Series(["a", "b", None, "c", pd.NA, "a"], dtype="string")
    for among in ({"a", "c"}, [], pd.Index(["b"]), ["a", None]):
        assert S.isin(values, among).tolist() == values.isin([x for x in among if x is not None]).fillna(False).tolist()
    assert S.isin(values.iloc[:0], {"a"}).tolist() == []


@pytest.mark.parametrize("rows", [0, 3])
def test_a_missing_column_is_all_missing_in_the_schema_dtype(rows: int) -> None:
    got = S.coerce_events(pd.DataFrame({S.EVENT_ID: [f"e{i}" for i in range(rows)]}))
    slow = pd.DataFrame({name: pd.Series([None] * rows, dtype="object") for name in S.NAMES})
    for name in S.NAMES:
        if name == S.EVENT_ID:
            continue
        want = slow[name].array.astype(S.DTYPES[name]) if S.DTYPES[name] != "float64" else slow[name].astype("float64")
        assert str(got[name].dtype) == S.DTYPES[name], name
        assert got[name].isna().all(), name
        assert pd.Series(got[name]).equals(pd.Series(want)), name
