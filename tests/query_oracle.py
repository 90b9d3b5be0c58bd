"""The pandas query oracle: what each view shows, computed plainly with pandas on `events[filter_mask]`.

The app answers from its own engines (dashboard/app/engine.py on arrays, dashboard/app/duck.py on
DuckDB); these straightforward versions are the reference the tests hold both of them to. Nothing in
the package imports this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.app.query import counts_line


def with_place_key(df: pd.DataFrame) -> pd.DataFrame:
    """Add the marker key: one per resolved place."""
    return df.assign(**{S.PLACE_KEY: S.place_keys(df)})


def in_range(df: pd.DataFrame, start: str | None, end: str | None) -> pd.DataFrame:
    if not start and not end:
        return df
    mask = df[S.EVENT_DATE].notna()
    if start:
        mask &= df[S.EVENT_DATE] >= pd.Timestamp(start).normalize()
    if end:
        mask &= df[S.EVENT_DATE] <= pd.Timestamp(end)
    return df[mask]


def at_place(df: pd.DataFrame, place: str | None) -> pd.DataFrame:
    return df if not place else df[df[S.PLACE_KEY] == place]


def precise_only(df: pd.DataFrame, on: bool) -> pd.DataFrame:
    """Only events placed at a town or district (geo_precision 1–2) when `on`."""
    return df[df[S.GEO_PRECISION].fillna(4) <= 2] if on else df


def event_keys(df: pd.DataFrame) -> pd.Series:
    """Which event each row reports: its cluster (reports of one event in several articles), else itself."""
    own = pd.Series("row:" + df.index.astype(str), index=df.index)
    return df[S.CLUSTER_ID].astype("object").where(df[S.CLUSTER_ID].notna(), own)


def first_reports(df: pd.DataFrame) -> pd.Series:
    """True at the row that stands for its event: of the event's reports in `df`, the one with the
    smallest event_id. Not the first in table order: a compaction or an overlay reorders the rows,
    and which report stands for an event (its type, on the timeline) must not change with them."""
    if not len(df):
        return pd.Series(True, index=df.index, dtype=bool)
    ranked = pd.DataFrame(
        {"k": event_keys(df), "id": df[S.EVENT_ID].astype("string").fillna("")}, index=df.index
    ).sort_values(["k", "id"], kind="stable")
    return (~ranked["k"].duplicated()).reindex(df.index)


@dataclass(frozen=True)
class Tolls:
    """Per event (event_keys), the lowest and highest death count its reports in a table give (0 when
    none) and whether any gives one: `tolls(everything)`, computed once where many calls ask about
    subsets of one table."""

    low: pd.Series
    high: pd.Series
    known: pd.Series


def tolls(everything: pd.DataFrame) -> Tolls:
    keys = event_keys(everything)
    deaths = pd.to_numeric(everything[S.FATALITIES], errors="coerce")
    return Tolls(
        deaths.groupby(keys).min().fillna(0).astype("int64"),
        deaths.groupby(keys).max().fillna(0).astype("int64"),
        deaths.groupby(keys).count() > 0,
    )


def event_tolls(df: pd.DataFrame, everything: pd.DataFrame | Tolls | None = None) -> pd.DataFrame:
    """The rows that count as events (the first report of each event in `df`), with `low` and `high`:
    the lowest and highest death count the event's reports in `everything` give (0 when none), and
    `known`: whether any of them gives one;
    `everything` may be given as its `tolls` (df then a subset of that table, its index kept)."""
    whole = everything if isinstance(everything, Tolls) else tolls(df if everything is None else everything)
    low, high, known = whole.low, whole.high, whole.known
    own = event_keys(df)
    first = df[first_reports(df)]
    k = own[first.index]
    return first.assign(
        low=k.map(low).fillna(0).astype("int64").to_numpy(),
        high=k.map(high).fillna(0).astype("int64").to_numpy(),
        known=k.map(known).fillna(False).astype(bool).to_numpy(),
    )


def places_summary(df: pd.DataFrame, everything: pd.DataFrame | Tolls | None = None) -> pd.DataFrame:
    """One row per place: where it is, how many events and deaths (one toll per event, the lowest and
    highest its reports give), of how many events a report gives a toll (`tolled`), its main event
    type, date span."""
    cols = [
        S.PLACE_KEY,
        S.LOCATION,
        S.LATITUDE,
        S.LONGITUDE,
        S.COUNTRY,
        S.GEO_PRECISION,
        "n_events",
        "fatalities",
        "fatalities_high",
        "tolled",
        "main_type",
        "type_mix",
        "first",
        "last",
    ]
    if df.empty:
        return pd.DataFrame(columns=cols)
    g = df.groupby(S.PLACE_KEY, sort=False)
    out = g.agg(
        **{
            S.LOCATION: (S.LOCATION, "first"),
            S.LATITUDE: (S.LATITUDE, "first"),
            S.LONGITUDE: (S.LONGITUDE, "first"),
            S.COUNTRY: (S.COUNTRY, "first"),
            S.GEO_PRECISION: (S.GEO_PRECISION, "max"),
            "first": (S.EVENT_DATE, "min"),
            "last": (S.EVENT_DATE, "max"),
        }
    )
    ev = event_tolls(df, everything).groupby(S.PLACE_KEY, sort=False)
    out["n_events"] = ev.size().reindex(out.index).fillna(0).astype("int64")
    out["fatalities"] = ev["low"].sum().reindex(out.index).fillna(0).astype("int64")
    out["fatalities_high"] = ev["high"].sum().reindex(out.index).fillna(0).astype("int64")
    out["fatalities_high"] = out[["fatalities", "fatalities_high"]].max(axis=1)
    out["tolled"] = ev["known"].sum().reindex(out.index).fillna(0).astype("int64")
    main = df.groupby([S.PLACE_KEY, S.EVENT_TYPE], sort=False).size().reset_index(name="n")
    main = main.sort_values("n", ascending=False).drop_duplicates(S.PLACE_KEY).set_index(S.PLACE_KEY)
    out["main_type"] = main[S.EVENT_TYPE].reindex(out.index)
    out["type_mix"] = type_mix_column(df, out.index)
    return out.reset_index()[cols]


def type_mix_column(df: pd.DataFrame, index: pd.Index) -> pd.Series:
    """type_mix.mix_strings per place: reports per type, the most frequent first, ties by name."""
    per = df.groupby([S.PLACE_KEY, S.EVENT_TYPE], sort=False).size().reset_index(name="n")
    per = per.sort_values([S.PLACE_KEY, "n", S.EVENT_TYPE], ascending=[True, False, True])
    text = (per[S.EVENT_TYPE].astype(str) + ":" + per["n"].astype(str)).groupby(per[S.PLACE_KEY]).agg("|".join)
    return text.reindex(index).astype(object).where(lambda s: s.notna(), None)


def timeline_counts(df: pd.DataFrame, unit: str = "day") -> pd.DataFrame:
    """Events per time bin (day, week starting Monday, or month) and type; `day` is the bin's start.
    An event reported by several articles counts once."""
    df = df[first_reports(df)] if len(df) else df
    dated = df[df[S.EVENT_DATE].notna()]
    if dated.empty:
        return pd.DataFrame(columns=["day", S.EVENT_TYPE, "n"])
    binned = dated.assign(day=bin_starts(dated[S.EVENT_DATE], unit))
    return binned.groupby(["day", S.EVENT_TYPE]).size().reset_index(name="n")


def robust_extent(dates: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The span that holds the bulk of the events: a few mentions of history ("in 1982") would
    otherwise stretch the axis over decades and shrink every bar to nothing."""
    d = dates.dropna()
    if d.empty:
        return None
    lo = d.quantile(0.02) if len(d) >= 50 else d.min()
    return pd.Timestamp(lo), pd.Timestamp(d.max())


def selection_counts(listed: pd.DataFrame, total: int, everything: pd.DataFrame | None = None) -> str:
    """ "N of M events · K places · D deaths" for the events the views show: an event reported by
    several articles counts once, its deaths as the range its reports give ("10–12 deaths")."""
    if not len(listed):
        return counts_line(0, 0, 0, 0, 0, total)
    ev = event_tolls(listed, everything)
    places = int(listed[S.PLACE_KEY].nunique())
    return counts_line(len(ev), places, int(ev["low"].sum()), int(ev["high"].sum()), int(ev["known"].sum()), total)


# -- timeline: measure and date precision ------------------------------------------------------------

IMPRECISE = {"month": pd.DateOffset(months=1), "year": pd.DateOffset(years=1)}
# Spread shares are multiples of 2**-16 (rounded cumulatively, so each is within 2**-16 of even): the
# parts of one event then add up exactly to 1 in floating point whatever order they are summed in.
SHARE_GRID = 2**16


def bin_starts(dates: pd.Series, unit: str) -> pd.Series:
    """The start of each date's bin: the day, the week's Monday, or the month's first day."""
    day = dates.dt.normalize()
    if unit == "week":
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    if unit == "month":
        return day.dt.to_period("M").dt.start_time
    return day


def measure_values(df: pd.DataFrame, measure: str) -> pd.Series:
    """What one row adds to the timeline: 1 (an event) or its deaths (0 when none are reported)."""
    if measure == "deaths":
        return pd.to_numeric(df[S.FATALITIES], errors="coerce").fillna(0).astype(float)
    return pd.Series(1.0, index=df.index)


def _bin_days(days: np.ndarray, unit: str) -> np.ndarray:
    """datetime64[D] days → the start day of their bin (the day, the week's Monday, the month's 1st)."""
    if unit == "week":
        # 1970-01-01 was a Thursday: (days since the epoch + 3) % 7 is 0 on Mondays.
        return days - ((days.astype("int64") + 3) % 7).astype("timedelta64[D]")
    if unit == "month":
        return days.astype("datetime64[M]").astype("datetime64[D]")
    return days


def period_bins(start: np.datetime64, precision: str, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """The bins of `unit` that a month or year starting at `start` covers, and the cumulative share
    of its days up to the end of each bin (ending at 1.0)."""
    first = np.datetime64(start, "D")
    last = np.datetime64((pd.Timestamp(first) + IMPRECISE[precision]).date(), "D")
    days = np.arange(first, last, dtype="datetime64[D]")
    starts, counts = np.unique(_bin_days(days, unit), return_counts=True)
    return starts, np.cumsum(counts) / len(days)


def timeline_series(df: pd.DataFrame, unit: str = "day", measure: str = "events") -> pd.DataFrame:
    """Per bin and event type: `n` (events or deaths) and `precise` (False for the part spread out).

    Events dated only to a month or a year are not a spike on the 1st: their value is spread evenly
    over the days of their month or year, so they draw as a low band over the period they cover.
    Works on column arrays, never copying the table: it runs on every view change.
    """
    cols = ["day", S.EVENT_TYPE, "n", "precise"]
    if len(df) and df[S.CLUSTER_ID].notna().any():
        # An event reported by several articles is one event, its deaths its reports' lowest count.
        keys = event_keys(df)
        low = pd.to_numeric(df[S.FATALITIES], errors="coerce").groupby(keys).transform("min")
        df = df.assign(**{S.FATALITIES: low})[first_reports(df)]
    days = df[S.EVENT_DATE].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    ok = ~np.isnat(days)
    if not ok.any():
        return pd.DataFrame(columns=cols)
    values = measure_values(df, measure).to_numpy(dtype=float)
    codes, types = pd.factorize(df[S.EVENT_TYPE], use_na_sentinel=False)
    precision = df[S.DATE_PRECISION]
    month = (precision == "month").to_numpy(dtype=bool, na_value=False)
    year = (precision == "year").to_numpy(dtype=bool, na_value=False)
    exact = ok & ~month & ~year
    parts = [
        pd.DataFrame({"day": _bin_days(days[exact], unit), "code": codes[exact], "n": values[exact], "precise": True})
        .groupby(["day", "code", "precise"], as_index=False)["n"]
        .sum()
    ]
    coarse = ok & (month | year)
    if coarse.any():
        start = np.where(
            year[coarse],
            days[coarse].astype("datetime64[Y]").astype("datetime64[D]"),
            days[coarse].astype("datetime64[M]").astype("datetime64[D]"),
        )
        totals = (
            pd.DataFrame(
                {
                    "start": start,
                    "precision": np.where(year[coarse], "year", "month"),
                    "code": codes[coarse],
                    "total": values[coarse],
                }
            )
            .groupby(["start", "precision", "code"], as_index=False)["total"]
            .sum()
        )
        # Bins per distinct period (a few hundred at most), then one vectorised rounding for all groups.
        periods = []
        for p_start, p_prec in totals[["start", "precision"]].drop_duplicates().itertuples(index=False):
            bins, cum = period_bins(np.datetime64(p_start, "D"), p_prec, unit)
            periods.append(pd.DataFrame({"start": p_start, "precision": p_prec, "day": bins, "cum": cum}))
        spread = totals.merge(pd.concat(periods, ignore_index=True), on=["start", "precision"])
        spread["cum"] = (spread["total"] * spread["cum"] * SHARE_GRID).round() / SHARE_GRID
        before = spread.groupby(["start", "precision", "code"])["cum"].shift(1, fill_value=0.0)
        parts.append(
            pd.DataFrame(
                {
                    "day": spread["day"].to_numpy(dtype="datetime64[D]"),
                    "code": spread["code"],
                    "n": spread["cum"] - before,
                    "precise": False,
                }
            )
        )
    out = pd.concat(parts, ignore_index=True).groupby(["day", "code", "precise"], as_index=False)["n"].sum()
    out = out[out["n"] > 0]
    return pd.DataFrame(
        {
            "day": out["day"].to_numpy(dtype="datetime64[ns]"),
            S.EVENT_TYPE: np.asarray(types, dtype=object)[out["code"].to_numpy()],
            "n": out["n"].to_numpy(),
            "precise": out["precise"].to_numpy(dtype=bool),
        }
    )
