"""The selection (date range, place, event) and the small pure pieces of what a view shows: the
counts line, the excerpts' highlights, dates, the timeline's bin width and totals.

The views are answered by app/engine.py (arrays) or app/duck.py (DuckDB); the plain pandas
version they are both tested against is tests/query_oracle.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import schema as S


@dataclass(frozen=True)
class Selection:
    start: str | None = None  # ISO dates, inclusive
    end: str | None = None
    place: str | None = None  # a place_key
    event: str | None = None  # an event_id

    @classmethod
    def from_dict(cls, d: dict | None) -> Selection:
        d = d or {}
        return cls(d.get("start"), d.get("end"), d.get("place"), d.get("event"))

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "place": self.place, "event": self.event}


def time_bin(start: pd.Timestamp | None, end: pd.Timestamp | None) -> str:
    """Bar width for a time span: days up to 3 months, weeks up to 2 years, months beyond."""
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return "day"
    span = end - start
    if span <= pd.Timedelta(days=92):
        return "day"
    if span <= pd.Timedelta(days=731):
        return "week"
    return "month"


def selection_after_relayout(relayout: dict | None, current: Selection) -> Selection:
    """A drag on the timeline's x axis sets the date range; a double-click (autorange) clears it."""
    if not relayout:
        return current
    if relayout.get("xaxis.autorange") or relayout.get("autosize"):
        return Selection(None, None, current.place, current.event) if relayout.get("xaxis.autorange") else current
    lo = relayout.get("xaxis.range[0]")
    hi = relayout.get("xaxis.range[1]")
    if lo is None and isinstance(relayout.get("xaxis.range"), list):
        lo, hi = relayout["xaxis.range"][:2]
    if lo is None or hi is None:
        return current
    return Selection(str(lo)[:10], str(hi)[:19], current.place, current.event)


def next_selection(kind: str | None, relayout: dict | None, click: dict | None, current: Selection) -> Selection | None:
    """The selection after a user action: "reset", "range" (timeline drag) or "click" (a marker;
    clicking the selected marker again deselects it). None when nothing changes."""
    if kind == "reset":
        return Selection()
    if kind == "range":
        return selection_after_relayout(relayout, current)
    if kind == "click" and click and click.get("points"):
        key = click["points"][0].get("customdata")
        return Selection(current.start, current.end, None if key == current.place else key)
    return None


def places_from_selected(selected: dict | None) -> list[str] | None:
    """The place_keys a box or lasso on the map chose; [] when it was cleared (double-click), None when
    selectedData comes from something else (a click also selects its point under clickmode 'select')."""
    if not selected:
        return []
    if "range" not in selected and "lassoPoints" not in selected:
        return None
    keys = (p.get("customdata") for p in selected.get("points") or [])
    return sorted({str(k) for k in keys if k is not None})


def counts_line(n: int, places: int, low: int, high: int, tolled: int, total: int) -> str:
    """The counts line from its figures (engine.selection_figures gives them for a mask). Deaths are
    summed over the events with a toll (`tolled` of the `n`): "toll unknown" when none has one, and
    how many have one when some have not (an event without a toll is not an event without deaths)."""
    head = f"{n:,} of {total:,} events · {places:,} place{'s' * (places != 1)} · "
    if n and not tolled:
        return head + "toll unknown"
    deaths = f"{low:,}" if high <= low else f"{low:,}–{high:,}"
    known = f" · tolls known for {tolled:,} of {n:,} events" if tolled < n else ""
    return head + f"{deaths} death{'s' * (high != 1 if high > low else low != 1)}{known}"


def excerpt_records(df: pd.DataFrame | list[dict], limit: int = 200) -> list[dict]:
    """The rows behind a selection, newest first, with the highlight offsets inside each excerpt.
    A list of records (engine.row_records) is taken as already in that order (engine.newest_rows)."""
    if isinstance(df, list):
        records = df[:limit]
    elif df.empty:
        return []
    else:
        records = plain_records(
            df.sort_values(
                [S.EVENT_DATE, S.PUBLISHED, S.EVENT_ID], ascending=[False, False, True], na_position="last"
            ).head(limit)
        )
    out = []
    for r in records:
        start = int(r[S.EXCERPT_START])
        t0, t1 = int(r[S.TOPONYM_START]) - start, int(r[S.TOPONYM_END]) - start
        out.append({**r, "place_span": (t0, t1), "trigger_span": trigger_span(r)})
    return out


def trigger_span(row: dict) -> tuple[int, int] | None:
    """Where the row's trigger is inside its excerpt, from the offsets the pipeline found it at (the
    same word may occur earlier in the excerpt); None when the row has none or it lies outside."""
    k0, k1 = row.get(S.TRIGGER_START), row.get(S.TRIGGER_END)
    if k0 is None or k1 is None or pd.isna(k0) or pd.isna(k1):
        return None
    start, end = int(row[S.EXCERPT_START]), int(row[S.EXCERPT_END])
    return (int(k0) - start, int(k1) - start) if start <= k0 < k1 <= end else None


def split_highlights(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, str | None]]:
    """Cut text into (piece, kind) where kind names the highlight or is None; overlapping spans are dropped."""
    pieces: list[tuple[str, str | None]] = []
    pos = 0
    for s, e, kind in sorted(spans):
        if s < pos or s < 0 or e > len(text) or e <= s:
            continue
        if s > pos:
            pieces.append((text[pos:s], None))
        pieces.append((text[s:e], kind))
        pos = e
    if pos < len(text):
        pieces.append((text[pos:], None))
    return pieces


def plain_records(df: pd.DataFrame) -> list[dict]:
    """df.to_dict("records") with the same values, column by column (Series.tolist boxes as
    to_dict does): to_dict boxes each cell on its own, several milliseconds for a page of rows."""
    columns = [[None if v is pd.NA else v for v in df[c].tolist()] for c in df.columns]  # to_dict: NA as None
    names = list(df.columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(ts: pd.Timestamp | None, precision: str | None) -> str:
    # From the fields, not strftime: a Timestamp's strftime costs ~40 µs, twice per listed row.
    if ts is None or pd.isna(ts):
        return "undated"
    if precision == "year":
        return f"{ts.year:04d}"
    if precision == "month":
        return f"{MONTHS[ts.month - 1]} {ts.year:04d}"
    return f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}"


# What the timeline can measure.
MEASURES = ("events", "deaths")


def totals_by_bin(series: pd.DataFrame) -> pd.DataFrame:
    """The timeline's stacked total per bin (types and precisions summed)."""
    if series.empty:
        return pd.DataFrame(columns=["day", "n"])
    return series.groupby("day", as_index=False)["n"].sum()


def around(sel: Selection) -> Selection:
    """engine.around as a date range: the chosen range and one span either side (no place)."""
    if not sel.start or not sel.end:
        return Selection()
    lo, hi = pd.Timestamp(sel.start).normalize(), pd.Timestamp(sel.end)
    span = max(hi - lo, pd.Timedelta(days=1))
    return Selection(str(lo - span), str(hi + span))
