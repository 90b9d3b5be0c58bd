"""The timeline as the plain {"data", "layout"} dict Dash sends (see figures.map_spec): events or
deaths per day, week or month, stacked by type, with what every place had behind a selected one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import schema as S
from dashboard.app.figures import type_color


def timeline_figure(
    counts: pd.DataFrame,
    start: str | None = None,
    end: str | None = None,
    extent: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    unit: str = "day",
    measure: str = "events",
    background: pd.DataFrame | None = None,
) -> go.Figure:
    """timeline_spec as a plotly Figure (unvalidated)."""
    return go.Figure(timeline_spec(counts, start, end, extent, unit, measure, background), _validate=False)


def timeline_spec(
    counts: pd.DataFrame,
    start: str | None = None,
    end: str | None = None,
    extent: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    unit: str = "day",
    measure: str = "events",
    background: pd.DataFrame | None = None,
) -> dict:
    """The timeline as a plain {"data", "layout"} dict (see figures.map_spec). Events (or deaths) per bin,
    stacked by type. Dragging along the x axis selects a date range.

    `counts` has columns day, event_type, n and optionally `precise`: rows with precise=False are
    the share of events dated only to a month or year, spread over that period and drawn lighter
    and hatched. `background` (day, n), when given, is drawn behind as a grey step area: the
    totals of every place, on the right axis, so a selected place's bars (on the left one) are seen
    against them. `extent` (the whole store's date span) keeps the axis steady when a place is
    selected.
    """
    traces: list[dict] = []
    behind = background is not None and not background.empty
    if behind:
        traces.append(_background_trace(background, unit))
    if "precise" not in counts.columns:
        counts = counts.assign(precise=True)
    word = "deaths" if measure == "deaths" else "events"
    bars = [_bar_trace(precise, event_type, x, y, unit, word) for precise, event_type, x, y in _bar_groups(counts)]
    layout = dict(
        barmode="stack",
        margin=dict(l=40, r=45 if behind else 10, t=10, b=30),
        dragmode="zoom",
        showlegend=False,
        uirevision="timeline",
        bargap=0.1,
        xaxis=_time_axis(start, end, extent),
        yaxis=dict(fixedrange=True, title=dict(text=word)),
    )
    if behind:
        bars = _over_totals(layout, bars, word)
    traces += bars
    # Built from known-good literals, unvalidated, as the map is: plotly's per-property validation of
    # a few dozen bar traces cost more than computing them.
    return dict(data=traces, layout=layout)


def _over_totals(layout: dict, bars: list[dict], word: str) -> list[dict]:
    """A place's bars on a scale of their own (the left axis, drawn over the totals), the totals of
    every place on theirs (the right axis: `layout`'s y axes set here): on the totals' scale a
    place's one or two events were a sliver of a pixel under a peak of a hundred."""
    layout["yaxis"] = dict(
        fixedrange=True, side="right", showgrid=False, rangemode="tozero", title=dict(text="all places")
    )
    # Ticks of its own: an overlaying axis syncs its ticks to the base axis's by default (0.515 events).
    layout["yaxis2"] = dict(
        fixedrange=True, side="left", overlaying="y", rangemode="tozero", tickmode="auto", title=dict(text=word)
    )
    return [{**bar, "yaxis": "y2"} for bar in bars]


def _background_trace(background: pd.DataFrame, unit: str) -> dict:
    """Every place's totals as a grey step area: a step from each bin's start to the next; the
    closing point ends the last bin."""
    days = pd.to_datetime(background["day"])
    bins = pd.Series(pd.date_range(days.min(), days.max() + BIN_OFFSET[unit], freq=BIN_FREQ[unit]))
    totals = background.set_index(days)["n"].reindex(bins, fill_value=0)
    return dict(
        type="scatter",
        x=_days(bins),
        y=totals.to_numpy(dtype=float),
        name="all places",
        mode="lines",
        line=dict(color="rgba(90,90,90,0.5)", width=1, shape="hv"),
        fill="tozeroy",
        fillcolor="rgba(120,120,120,0.18)",
        hoverinfo="skip",
    )


def _bar_trace(precise: bool, event_type: str, x: list[str], y: np.ndarray, unit: str, word: str) -> dict:
    return dict(
        type="bar",
        x=x,
        y=y,
        name=event_type if precise else f"{event_type} (month/year dates)",
        marker=dict(
            color=type_color(event_type),
            opacity=1.0 if precise else 0.45,
            pattern=dict(shape="" if precise else "/", solidity=0.4),
        ),
        # Each bar spans its bin (day, week, month), centred on the bin's middle.
        xperiod=BAR_PERIOD[unit],
        xperiodalignment="middle",
        hovertemplate=HOVER_DATE[unit]
        + (": %{y} " if precise else ": %{y:.2f} ")
        + word
        + " · "
        + event_type
        + ("" if precise else " (dated only to a month or year, spread evenly over it)")
        + "<extra></extra>",
    )


def _time_axis(start: str | None, end: str | None, extent: tuple[pd.Timestamp, pd.Timestamp] | None) -> dict:
    """The chosen range, else the store's span with a margin (steady when a place is selected)."""
    xaxis: dict = dict(type="date", rangeslider=dict(visible=False))
    if start and end:
        xaxis.update(range=[start, end], autorange=False)
    elif extent is not None and pd.notna(extent[0]):
        pad = max(pd.Timedelta(days=15), (extent[1] - extent[0]) * 0.02)
        xaxis.update(range=[str(extent[0] - pad), str(extent[1] + pad)], autorange=False)
    return xaxis


def _bar_groups(counts: pd.DataFrame) -> list[tuple[bool, str, list[str], np.ndarray]]:
    """(precise, event type, bin starts, values) per stack part: dates known to the day at the bottom
    of each stack, the spread-out ones above them, types by name; rows without a type left out (as
    groupby drops them). On arrays, the dates converted once: a groupby cost ~4 ms an answer."""
    if counts.empty:
        return []
    precise = counts["precise"].to_numpy(dtype=bool)
    codes, types = pd.factorize(counts[S.EVENT_TYPE], use_na_sentinel=True)
    days = np.array(_days(counts["day"]), dtype=object)
    values = counts["n"].to_numpy(dtype=float)
    pairs = sorted(
        {(bool(p), int(c)) for p, c in zip(precise, codes, strict=True) if c >= 0},
        key=lambda g: (not g[0], types[g[1]]),
    )
    out = []
    for p, c in pairs:
        at = np.flatnonzero((codes == c) & (precise == p))
        out.append((p, types[c], days[at].tolist(), values[at]))
    return out


def _days(days: pd.Series) -> list[str]:
    """Bin starts as ISO dates (what a date axis reads; shorter on the wire than timestamps)."""
    return np.datetime_as_string(pd.to_datetime(days).to_numpy().astype("datetime64[D]")).tolist()


BIN_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}
BIN_OFFSET = {"day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7), "month": pd.DateOffset(months=1)}
BAR_PERIOD = {"day": 86_400_000, "week": 7 * 86_400_000, "month": "M1"}
HOVER_DATE = {"day": "%{x|%Y-%m-%d}", "week": "week of %{x|%Y-%m-%d}", "month": "%{x|%B %Y}"}
