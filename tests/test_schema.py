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
