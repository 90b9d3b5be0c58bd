"""The page's whole state as one value, its URL query string (the permalink) and playback stepping.

Pure functions only: the callbacks turn controls into a `ViewState`, `to_query`/`from_query` are
inverse of each other, and `playback_step` moves a time window through the data's span.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar
from urllib.parse import parse_qs, urlencode

import pandas as pd
import plotly.graph_objects as go

from dashboard.app.filters import Filters, parse_number
from dashboard.app.query import MEASURES, Selection

T = TypeVar("T")

SIZE_BY = ("n_events", "fatalities")

# URL parameter → Filters field, for the filters that are a set of values (repeated parameters).
CHOICE_PARAMS = {
    "type": "event_types",
    "subtype": "sub_event_types",
    "actor": "actors",
    "country": "countries",
    "admin1": "admin1s",
    "source": "sources",
    "area": "places",
}
# The map view keys kept from plotly's relayoutData of the geo map (and of a tile map), then the
# lon/lat box a click on a cluster moved the map to (no relayoutData tells where plotly put it).
VIEW_KEYS = ("lon", "lat", "scale", "rot", "zoom", "west", "east", "south", "north")
BOX_KEYS = VIEW_KEYS[-4:]


@dataclass(frozen=True)
class ViewState:
    filters: Filters = field(default_factory=Filters)
    selection: Selection = field(default_factory=Selection)
    view: tuple[tuple[str, float], ...] = ()  # map view, (key, value) pairs of VIEW_KEYS
    measure: str = "events"
    size_by: str = "n_events"

    def view_dict(self) -> dict[str, float]:
        return dict(self.view)


def clean_view(view: dict | None) -> tuple[tuple[str, float], ...]:
    """The known map-view keys with finite numbers, in a fixed order."""
    view = view or {}
    out = []
    for k in VIEW_KEYS:
        v = parse_number(view.get(k), float)
        if v is not None:
            out.append((k, float(v)))
    return tuple(out)


def to_query(state: ViewState) -> str:
    """The URL query string (with its leading "?", or "" for the default state)."""
    f, sel = state.filters, state.selection
    params: list[tuple[str, str]] = []
    for param, name in CHOICE_PARAMS.items():
        params.extend((param, v) for v in getattr(f, name))
    for param, value in (
        ("minf", f.min_fatalities),
        ("minc", f.min_confidence),
        ("q", f.text or None),
        ("towns", 1 if f.precise_only else None),
        ("from", sel.start),
        ("to", sel.end),
        ("place", sel.place),
        ("event", sel.event),
        ("measure", None if state.measure == "events" else state.measure),
        ("size", None if state.size_by == "n_events" else state.size_by),
    ):
        if value is not None:
            params.append((param, str(value)))
    params.extend((k, f"{v:.6g}") for k, v in state.view)
    return "?" + urlencode(params) if params else ""


def from_query(query: str | None) -> ViewState:
    """The state a URL query string describes. Unknown parameters and bad values are ignored, so an
    edited or truncated link opens what it can rather than an error page (parse_query says which)."""
    return parse_query(query)[0]


def parse_query(query: str | None) -> tuple[ViewState, list[str]]:
    """from_query, and one note per parameter it dropped ("minf=-5: not a number ≥ 0"), for the page
    to show: a link that silently opens something else than it says is worse than an error."""
    # A lone surrogate (a hand-made request's "\ud800") could not be sent back as JSON: a 500.
    query = re.sub("[\ud800-\udfff]", "\ufffd", query or "") if isinstance(query, str) else ""
    qs = parse_qs(query.lstrip("?"), keep_blank_values=False)
    p = _Params(qs, [f"{quoted_param(k)}: unknown parameter" for k in qs if k not in KNOWN_PARAMS])
    minf = p.one("minf", lambda v: _bounded(v, int, 0, 10**9), "not a whole number ≥ 0")
    minc = p.one("minc", lambda v: _bounded(v, float, 0, 1), "not a number from 0 to 1")
    start, end = _dates_of(p)
    measure = p.one("measure", lambda v: v if v in MEASURES else None, f"not one of {', '.join(MEASURES)}")
    size_by = p.one("size", lambda v: v if v in SIZE_BY else None, f"not one of {', '.join(SIZE_BY)}")
    view = _view_params(p)
    filters = Filters.from_dict(
        {
            **{name: qs.get(param, []) for param, name in CHOICE_PARAMS.items()},
            "min_fatalities": minf,
            "min_confidence": minc,
            "text": (qs.get("q") or [""])[-1],
            "precise_only": (qs.get("towns") or [""])[-1] in ("1", "true", "on"),
        }
    )
    selection = Selection(start, end, _last(qs, "place"), _last(qs, "event"))
    state = ViewState(filters, selection, clean_view(view), measure or "events", size_by or "n_events")
    return state, p.notes


class _Params:
    """A query's parameters, each read once (its last value), with a note for each one dropped."""

    def __init__(self, qs: dict[str, list[str]], notes: list[str]) -> None:
        self.qs = qs
        self.notes = notes

    def one(self, param: str, check: Callable[[str], T | None], problem: str) -> T | None:
        values = self.qs.get(param)
        if not values:
            return None
        value = check(values[-1])
        if value is None:
            self.notes.append(f"{param}={quoted_param(values[-1])}: {problem}")
        return value


def _dates_of(p: _Params) -> tuple[str | None, str | None]:
    """The selected dates, dropped together when the window ends before it starts."""
    start = p.one("from", _date, "not a date")
    end = p.one("to", _date, "not a date")
    if start and end and pd.Timestamp(start) > pd.Timestamp(end):
        p.notes.append(f"from={start} to={end}: the window ends before it starts")
        return None, None
    return start, end


def _view_params(p: _Params) -> dict[str, float]:
    view = {}
    for k, (lo, hi) in VIEW_BOUNDS.items():
        value = p.one(k, partial(_bounded, kind=float, lo=lo, hi=hi), f"not a number from {lo:g} to {hi:g}")
        if value is not None:
            view[k] = value
    return view


KNOWN_PARAMS = frozenset(
    [*CHOICE_PARAMS, "minf", "minc", "q", "towns", "from", "to", "place", "event", "measure", "size", *VIEW_KEYS]
)
# What a map-view parameter may be; beyond these plotly has nothing sensible to draw.
VIEW_BOUNDS = {
    "lon": (-180, 180),
    "lat": (-90, 90),
    "scale": (0.01, 10_000),
    "rot": (-180, 180),
    "zoom": (0, 22),
    "west": (-180, 180),
    "east": (-180, 180),
    "south": (-90, 90),
    "north": (-90, 90),
}
# Dates the views can shift by a span either side without leaving pandas' nanosecond range (1677–2262).
FIRST_DATE, LAST_DATE = pd.Timestamp("1800-01-01"), pd.Timestamp("2200-12-31 23:59:59")


def quoted_param(value: str, limit: int = 40) -> str:
    """A parameter as the note quotes it: short, one line (it is shown as text, never as markup)."""
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _last(qs: dict[str, list[str]], param: str) -> str | None:
    """The last value given for a parameter (a link edited by hand may repeat one)."""
    values = qs.get(param)
    return values[-1] if values else None


def _bounded(value: str, kind: type, lo: float, hi: float) -> int | float | None:
    number = parse_number(value, kind)
    return number if number is not None and lo <= number <= hi else None


def _date(value: str | None) -> str | None:
    """An ISO date or date-time from a link, written back as the app writes it; None for anything else
    (including words pandas reads as dates, such as "now", and years it cannot shift by a span)."""
    if not value or not value[:1].isdigit() or len(value) > 40:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return None
    if pd.isna(ts) or ts.tz is not None or not FIRST_DATE <= ts <= LAST_DATE:
        return None
    return f"{ts:%Y-%m-%d}" if ts == ts.normalize() and len(value) <= 10 else f"{ts:%Y-%m-%d %H:%M:%S}"


# -- the map view ------------------------------------------------------------------------------------

GEO_RELAYOUT = {
    "geo.center.lon": "lon",
    "geo.center.lat": "lat",
    "geo.projection.scale": "scale",
    "geo.projection.rotation.lon": "rot",
    "map.zoom": "zoom",
}


def view_from_relayout(relayout: dict | None, current: dict | None) -> dict | None:
    """The map view after a pan or zoom (relayoutData), or None when relayoutData is not about the view."""
    if not relayout:
        return None
    view = dict(current or {})
    changed = False
    for key, short in GEO_RELAYOUT.items():
        if key in relayout:
            view[short] = relayout[key]
            changed = True
    center = relayout.get("map.center")
    if isinstance(center, dict):
        view.update(lon=center.get("lon"), lat=center.get("lat"))
        changed = True
    if changed:  # the user moved the map away from a cluster's box
        for k in BOX_KEYS:
            view.pop(k, None)
    return dict(clean_view(view)) if changed else None


def view_of_box(box: list[float] | None) -> dict[str, float] | None:
    """The permalink view of a lon/lat box [west, east, south, north] a cluster click went to."""
    if not box or len(box) != 4:
        return None
    return dict(clean_view(dict(zip(BOX_KEYS, box, strict=True)))) or None


def box_of_view(view: dict | None) -> list[float] | None:
    """The box a view holds (a link made after a cluster click), or None."""
    v = dict(clean_view(view))
    return [v[k] for k in BOX_KEYS] if all(k in v for k in BOX_KEYS) else None


def apply_view(fig: go.Figure, view: dict | None) -> go.Figure:
    """Set a saved map view on a map figure (geo: center, scale, rotation; tiles: center, zoom)."""
    v = dict(clean_view(view))
    if not v:
        return fig
    if any(isinstance(t, go.Scattermap) for t in fig.data):
        update: dict = {}
        if "lon" in v and "lat" in v:
            update["center"] = dict(lon=v["lon"], lat=v["lat"])
        if "zoom" in v:
            update["zoom"] = v["zoom"]
        fig.update_layout(map=update)
        return fig
    # A saved view replaces fitting the map to the markers.
    geo: dict = {"fitbounds": False}
    if "lon" in v and "lat" in v:
        geo["center"] = dict(lon=v["lon"], lat=v["lat"])
    if "scale" in v:
        geo["projection_scale"] = v["scale"]
    if "rot" in v:
        geo["projection_rotation_lon"] = v["rot"]
    fig.update_geos(**geo)
    return fig


def restore_view(fig: go.Figure, view: dict | None) -> go.Figure:
    """apply_view for a view a link opened with, under a uirevision of its own: plotly moves there
    once, then keeps the user's pan and zoom (later figures carry the same view values, and plotly
    only overrides a user's view when a figure changes them)."""
    v = clean_view(view)
    if not v:
        return fig
    fig = apply_view(fig, dict(v))
    fig.update_layout(uirevision="map|view|" + "|".join(f"{k}={x:.6g}" for k, x in v))
    return fig


# -- playback ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Playback:
    window_days: int = 30
    step_days: int = 7
    cumulative: bool = False


def playback_step(
    start: str | None, end: str | None, lo: pd.Timestamp, hi: pd.Timestamp, p: Playback
) -> tuple[str, str] | None:
    """The next time window of a playback over [lo, hi], or None when the last window reached `hi`.

    With no current window (or one outside the span) playback starts at `lo`. Each step moves the
    window by `step_days`; cumulative playback keeps the start at `lo` and only moves the end.
    """
    lo, hi = pd.Timestamp(lo).normalize(), pd.Timestamp(hi).normalize()
    window = pd.Timedelta(days=max(p.window_days, 1))
    step = pd.Timedelta(days=max(p.step_days, 1))
    cur_end = pd.Timestamp(end).normalize() if end else None
    if cur_end is None or cur_end < lo or cur_end >= hi:
        first_end = min(lo + window - pd.Timedelta(days=1), hi)
        return _window(lo, first_end)
    new_end = min(cur_end + step, hi)
    new_start = lo if p.cumulative else max(lo, new_end - window + pd.Timedelta(days=1))
    return _window(new_start, new_end)


def playback_done(end: str | None, hi: pd.Timestamp) -> bool:
    return bool(end) and pd.Timestamp(end).normalize() >= pd.Timestamp(hi).normalize()


def _window(start: pd.Timestamp, end: pd.Timestamp) -> tuple[str, str]:
    # The end is inclusive: the whole of its last day.
    return f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d} 23:59:59"
