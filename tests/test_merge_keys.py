"""merge.merge_keys and schema.place_keys joined by Arrow give, row by row, the keys pandas' sums of
text columns gave: the same texts, and a missing key for the same rows (never merged, or a place
without a name or coordinates)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from dashboard import schema as S
from dashboard.merge import UNMERGED_SUBTYPES, UNMERGED_TYPES, merge_keys, type_class


def _summed(df: pd.DataFrame) -> pd.Series:
    """The keys as pandas' sums of text columns made them (the oracle)."""
    day = df[S.EVENT_DATE].dt.strftime("%Y-%m-%d")
    precision = df[S.DATE_PRECISION].astype("string").fillna("day")
    mergeable = (
        df[S.EVENT_DATE].notna()
        & (precision == "day")
        & ~df[S.EVENT_TYPE].astype("string").fillna("").isin(UNMERGED_TYPES)
        & ~df[S.SUB_EVENT_TYPE].astype("string").fillna("").isin(UNMERGED_SUBTYPES)
    )
    place = _places(df)
    key = type_class(df[S.EVENT_TYPE]) + "|" + day.astype("string") + "|" + place.astype("string")
    return key.where(mergeable, pd.NA)


def _places(df: pd.DataFrame) -> pd.Series:
    """The place keys as pandas' sums of text columns made them (NaN where one is missing)."""
    return df[S.LOCATION].astype(str) + "|" + _rounded(df[S.LATITUDE]) + "|" + _rounded(df[S.LONGITUDE])


def _rounded(values: pd.Series) -> pd.Series:
    return values.round(4).astype(str)


def _rows(seed: int, n: int) -> pd.DataFrame:
    rng = random.Random(seed)
    types = ["Battles", "Protests", "Other", "Violence against civilians", "Explosions/Remote violence", None]
    subs = ["Armed clash", "Statement", "Other", "Peaceful protest", None]
    names = ["Kafr Tala", "Ain Jdeideh", "", "nan", "Tal Abyad | East", None]
    coords = [35.12345, 35.12349, -0.0, 0.0, 1e-05, 36.5, 123456.78901, float("nan")]
    days = ["2019-03-01", "2019-03-01 17:45", "2020-12-31", "1999-01-02", None]
    return pd.DataFrame(
        {
            S.EVENT_ID: [f"e{i}" for i in range(n)],
            S.EVENT_TYPE: [rng.choice(types) for _ in range(n)],
            S.SUB_EVENT_TYPE: [rng.choice(subs) for _ in range(n)],
            S.LOCATION: [rng.choice(names) for _ in range(n)],
            S.LATITUDE: [rng.choice(coords) for _ in range(n)],
            S.LONGITUDE: [rng.choice(coords) for _ in range(n)],
            S.EVENT_DATE: [rng.choice(days) for _ in range(n)],
            S.DATE_PRECISION: [rng.choice(["day", "month", None]) for _ in range(n)],
        }
    )


def _same(got: pd.Series, want: pd.Series) -> None:
    assert str(got.dtype) == "string"
    assert got.index.equals(want.index)
    assert got.isna().tolist() == want.isna().tolist()
    assert got.dropna().tolist() == want.dropna().astype(str).tolist()


@pytest.mark.parametrize("seed", range(6))
def test_the_keys_of_schema_typed_rows_are_the_sums_keys(seed: int) -> None:
    df = S.coerce_events(_rows(seed, 400))
    df.index = pd.RangeIndex(7, 7 + len(df), 1)[::-1]  # an index of its own: the keys keep it
    _same(merge_keys(df), _summed(df))
    assert merge_keys(df).notna().any() and merge_keys(df).isna().any()


def test_the_keys_of_rows_not_schema_typed_are_the_sums_keys() -> None:
    df = _rows(7, 300)
    df[S.EVENT_DATE] = pd.to_datetime(df[S.EVENT_DATE], format="ISO8601")
    df[S.LOCATION] = df[S.LOCATION].astype(object)  # None is "None" to both
    df[S.LATITUDE] = df[S.LATITUDE].astype("Float64")
    _same(merge_keys(df), _summed(df))


def test_no_rows_no_keys() -> None:
    got = merge_keys(S.empty_events())
    assert len(got) == 0 and str(got.dtype) == "string"


def test_a_place_without_coordinates_is_never_merged() -> None:
    df = S.coerce_events(_rows(1, 50)).assign(
        event_type="Battles", sub_event_type="Armed clash", date_precision="day", event_date=pd.Timestamp("2021-05-04")
    )
    df.loc[df.index[:5], S.LATITUDE] = np.nan
    keys = merge_keys(df)
    assert keys.iloc[:5].isna().all()
    assert keys.iloc[5:][df[S.LOCATION].iloc[5:].notna().to_numpy()].str.startswith("violent|2021-05-04|").all()


@pytest.mark.parametrize("typed", [True, False])
def test_the_place_keys_are_the_sums_keys(typed: bool) -> None:
    df = _rows(11, 300)
    if typed:
        df = S.coerce_events(df)
    else:
        df[S.LOCATION] = df[S.LOCATION].astype(object)
    got, want = S.place_keys(df), _places(df)
    assert got.dtype == want.dtype and got.index.equals(want.index)
    assert got.isna().tolist() == want.isna().tolist() and got.notna().any() and got.isna().any()
    assert got.dropna().tolist() == want.dropna().tolist()
    assert all(isinstance(k, float) for k in got[got.isna()])  # NaN, as the sums left it


def test_one_place_key_of_a_row_read_alone() -> None:
    row = {S.LOCATION: "Kafr Tala", S.LATITUDE: 35.000049, S.LONGITUDE: -0.0}
    assert S.place_keys(pd.DataFrame([row])).tolist() == ["Kafr Tala|35.0|-0.0"]
    assert len(S.place_keys(S.empty_events())) == 0
