"""Thin callbacks: read the selection, call the pure functions, return components."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory
from urllib.parse import urlparse

import dash
import numpy as np
import pandas as pd
from dash import ALL, Input, Output, State, dcc, html

from dashboard import schema as S
from dashboard.app import ids
from dashboard.app.data import StoreView
from dashboard.app.figures import map_figure, precision_label, timeline_figure, type_color
from dashboard.app.filters import Filters, choice_options, filter_mask
from dashboard.app.panels import excerpt_actions
from dashboard.app.query import (
    Selection,
    at_place,
    excerpt_records,
    format_date,
    in_range,
    next_selection,
    places_from_selected,
    places_summary,
    robust_extent,
    selection_counts,
    split_highlights,
    time_bin,
    timeline_series,
    totals_by_bin,
)
from dashboard.app.state import (
    Playback,
    ViewState,
    apply_view,
    clean_view,
    from_query,
    playback_done,
    playback_step,
    to_query,
    view_from_relayout,
)
from dashboard.export import write_events

# Plotly reports every resize as relayoutData ({"autosize": true}); only range changes select dates.
# Filtering them in the browser keeps a resize from racing (and undoing) a drag's selection.
RANGE_ONLY_JS = """
function(r) {
    if (r && ("xaxis.range[0]" in r || "xaxis.range" in r || "xaxis.autorange" in r)) { return r; }
    return window.dash_clientside.no_update;
}
"""
CHOICES = list(ids.CHOICE_FILTERS)
EXCERPT_LIMIT = 200  # excerpts listed at once, newest first
# The controls the permalink mirrors, in the order of ViewState <-> control values below.
CONTROL_PROPS = [*((c, "value") for c in CHOICES), (ids.FILTER_MIN_FATALITIES, "value"),
                 (ids.FILTER_MIN_CONFIDENCE, "value"), (ids.FILTER_TEXT, "value"), (ids.PRECISE_ONLY, "value"),
                 (ids.MEASURE, "value"), (ids.SIZE_BY, "value")]
STORE_PROPS = [(ids.MAP_PLACES, "data"), (ids.SELECTION, "data"), (ids.MAP_VIEW, "data")]


def state_from_controls(values: list) -> ViewState:
    """The ViewState of the control values, in CONTROL_PROPS + STORE_PROPS order."""
    *choices, minf, minc, text, precise, measure, size_by, places, selection, view = values
    filters = Filters.from_dict({
        **{ids.CHOICE_FILTERS[c]: v for c, v in zip(CHOICES, choices, strict=True)},
        "min_fatalities": minf, "min_confidence": minc, "text": text, "precise_only": bool(precise),
        "places": places,
    })
    return ViewState(filters, Selection.from_dict(selection), clean_view(view), measure or "events",
                     size_by or "n_events")


def controls_from_state(state: ViewState) -> list:
    """The control values that show `state`: the inverse of state_from_controls."""
    f = state.filters
    return [*(list(getattr(f, ids.CHOICE_FILTERS[c])) for c in CHOICES), f.min_fatalities, f.min_confidence,
            f.text, ["on"] if f.precise_only else [], state.measure, state.size_by, list(f.places),
            state.selection.to_dict(), state.view_dict()]


def choice_lists(events: pd.DataFrame, f: Filters) -> list[list[str]]:
    """The dropdowns' options from the store's values, plus the chosen ones the store lacks (from a link)."""
    out = []
    for cid in CHOICES:
        name = ids.CHOICE_FILTERS[cid]
        options = choice_options(events, name) if len(events) else []
        known = set(options)
        out.append([*options, *(v for v in getattr(f, name) if v not in known)])
    return out


# The columns the map, the timeline and the counts read: row subsets copy only these (a million
# rows of all 43 columns would take seconds); the excerpts take their few rows from the full table.
VIEW_COLUMNS = [S.EVENT_ID, S.EVENT_DATE, S.DATE_PRECISION, S.EVENT_TYPE, S.LOCATION, S.LATITUDE, S.LONGITUDE,
                S.COUNTRY, S.GEO_PRECISION, S.FATALITIES, S.PUBLISHED, S.PLACE_KEY]


def select_views(events: pd.DataFrame, filters: Filters, sel: Selection, columns: list[str] | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(filtered, in_time, listed): the events after the filters, within the time window, and at
    the selected place (only `columns`, when given). Filters come first, so every view and every
    count agree."""
    frame = events if columns is None else events[columns]
    filtered = frame[filter_mask(events, filters)] if not filters.is_empty() else frame
    in_time = in_range(filtered, sel.start, sel.end)
    return filtered, in_time, at_place(in_time, sel.place)


def newest(listed: pd.DataFrame, limit: int) -> pd.Index:
    """The index labels of the `limit` newest events (by event date, then publication; undated
    last), without sorting every row: only those on or after the limit-th newest date."""
    if len(listed) <= limit:
        return listed.index
    date = listed[S.EVENT_DATE].to_numpy(dtype="datetime64[ns]").view("int64")  # NaT is the smallest
    threshold = np.partition(date, len(date) - limit)[len(date) - limit]
    candidates = np.flatnonzero(date >= threshold)
    published = listed[S.PUBLISHED].to_numpy(dtype="datetime64[ns]").view("int64")[candidates]
    order = np.lexsort((-published, -date[candidates]))[:limit]
    return listed.index[candidates[order]]


def register_callbacks(app: dash.Dash, view: StoreView, tiles: tuple[str, str] | None = None) -> None:
    app.clientside_callback(RANGE_ONLY_JS, Output(ids.TIMELINE_RANGE, "data"), Input(ids.TIMELINE, "relayoutData"),
                            prevent_initial_call=True)

    @app.callback(
        Output(ids.SELECTION, "data"),
        Input(ids.TIMELINE_RANGE, "data"),
        Input(ids.MAP, "clickData"),
        Input(ids.RESET, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def update_selection(relayout, click, _reset, current):
        kind = {ids.RESET: "reset", ids.TIMELINE_RANGE: "range", ids.MAP: "click"}.get(dash.ctx.triggered_id)
        nxt = next_selection(kind, relayout, click, Selection.from_dict(current))
        return dash.no_update if nxt is None else nxt.to_dict()

    @app.callback(Output(ids.MAP_PLACES, "data"), Input(ids.MAP, "selectedData"), Input(ids.RESET, "n_clicks"),
                  prevent_initial_call=True)
    def choose_area(selected, _reset):
        places = [] if dash.ctx.triggered_id == ids.RESET else places_from_selected(selected)
        return dash.no_update if places is None else places

    @app.callback(Output(ids.MAP_VIEW, "data"), Input(ids.MAP, "relayoutData"), State(ids.MAP_VIEW, "data"),
                  prevent_initial_call=True)
    def remember_view(relayout, current):
        nxt = view_from_relayout(relayout, current)
        return dash.no_update if nxt is None or nxt == current else nxt

    @app.callback(
        Output(ids.FILTERS, "data"),
        *(Input(c, p) for c, p in CONTROL_PROPS[:-2]), Input(ids.MAP_PLACES, "data"),
    )
    def collect_filters(*values):
        *choices, minf, minc, text, precise, places = values
        state = state_from_controls([*choices, minf, minc, text, precise, None, None, places, None, None])
        return state.filters.to_dict()

    @app.callback(
        Output(ids.URL, "search"),
        *(Output(c, p) for c, p in CONTROL_PROPS),
        *(Output(c, p, allow_duplicate=True) for c, p in STORE_PROPS),
        *(Output(c, "options") for c in CHOICES),
        Input(ids.URL, "search"),
        Input(ids.CLEAR_FILTERS, "n_clicks"),
        Input(ids.STORE_GENERATION, "data"),
        *(Input(c, p) for c, p in CONTROL_PROPS + STORE_PROPS),
        prevent_initial_call="initial_duplicate",
    )
    def sync_url(search, _clear, _generation, *values):
        # One callback both ways (URL -> controls on load/back, controls -> URL on change): Dash
        # allows a component to be input and output of the same callback, not across two. It also
        # fills the dropdowns, in the same response as their values: a dropdown drops values its
        # options lack, so restored values must never arrive before their options.
        n = len(CONTROL_PROPS) + len(STORE_PROPS)
        keep_options = [dash.no_update] * len(CHOICES)
        current = state_from_controls(list(values))
        trigger = dash.ctx.triggered_id
        if trigger == ids.CLEAR_FILTERS:
            cleared = replace(current, filters=Filters())
            return [to_query(cleared), *controls_from_state(cleared), *keep_options]
        if trigger == ids.STORE_GENERATION:
            return [dash.no_update] * (n + 1) + choice_lists(view.events(), current.filters)
        if trigger is None or trigger == ids.URL:
            wanted = from_query(search)
            options = choice_lists(view.events(), wanted.filters)
            if wanted == current:
                return [dash.no_update] * (n + 1) + options
            return [dash.no_update, *controls_from_state(wanted), *options]
        query = to_query(current)
        return [dash.no_update if query == (search or "") else query] + [dash.no_update] * n + keep_options

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.TIMELINE, "figure"),
        Output(ids.EXCERPTS, "children"),
        Output(ids.SUMMARY, "children"),
        Output(ids.COUNTS, "children"),
        Input(ids.SELECTION, "data"),
        Input(ids.SIZE_BY, "value"),
        Input(ids.FILTERS, "data"),
        Input(ids.MEASURE, "value"),
        Input(ids.STORE_GENERATION, "data"),
        State(ids.MAP_VIEW, "data"),
    )
    def render(selection, size_by, filters, measure, _generation, map_view):
        sel, f = Selection.from_dict(selection), Filters.from_dict(filters)
        everything = view.events()
        filtered, in_time, listed = select_views(everything, f, sel, VIEW_COLUMNS)
        extent = robust_extent(filtered[S.EVENT_DATE]) if len(filtered) else None
        unit = time_bin(pd.Timestamp(sel.start), pd.Timestamp(sel.end)) if sel.start and sel.end else \
            time_bin(*extent) if extent else "day"
        measure = measure or "events"
        if sel.place:
            bars = timeline_series(at_place(filtered, sel.place), unit, measure)
            background = totals_by_bin(timeline_series(filtered, unit, measure))
        else:
            bars, background = timeline_series(filtered, unit, measure), None
        fig = apply_view(map_figure(places_summary(in_time), sel.place, tiles, size_by or "n_events"), map_view)
        # A new map area clears plotly's own selection state (kept by uirevision, by point index).
        fig.update_layout(selectionrevision="|".join(f.places))
        return (fig, timeline_figure(bars, sel.start, sel.end, extent, unit, measure, background),
                excerpts_panel(everything.loc[newest(listed, EXCERPT_LIMIT)], sel, total=len(listed)),
                summary_text(everything, listed, sel),
                selection_counts(listed, len(everything)))

    @app.callback(
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Output(ids.PLAY_INTERVAL, "disabled"),
        Output(ids.PLAY, "children"),
        Input(ids.PLAY, "n_clicks"),
        Input(ids.PLAY_INTERVAL, "n_intervals"),
        State(ids.PLAY_INTERVAL, "disabled"),
        State(ids.SELECTION, "data"),
        State(ids.FILTERS, "data"),
        State(ids.PLAY_WINDOW, "value"),
        State(ids.PLAY_STEP, "value"),
        State(ids.PLAY_CUMULATIVE, "value"),
        prevent_initial_call=True,
    )
    def play(_clicks, _ticks, stopped, selection, filters, window, step, cumulative):
        pressed = dash.ctx.triggered_id == ids.PLAY
        if pressed and not stopped:
            return dash.no_update, True, "▶ Play"
        if not pressed and stopped:
            return dash.no_update, dash.no_update, dash.no_update
        events = view.events()
        dates = events[S.EVENT_DATE][filter_mask(events, Filters.from_dict(filters))]
        extent = robust_extent(dates) if len(dates) else None
        sel = Selection.from_dict(selection)
        if extent is None or (not pressed and playback_done(sel.end, extent[1])):
            return dash.no_update, True, "▶ Play"
        p = Playback(int(window or 30), int(step or 7), bool(cumulative))
        start, end = playback_step(sel.start, sel.end, *extent, p)
        return replace(sel, start=start, end=end).to_dict(), False, "❚❚ Pause"

    @app.callback(
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Input({"type": ids.PICK_EVENT, "event": ALL}, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def pick_event(_clicks, current):
        # New excerpt buttons also fire this callback (n_clicks None): only a real click selects.
        trigger = dash.ctx.triggered_id
        if not trigger or not dash.ctx.triggered[0].get("value"):
            return dash.no_update
        sel = Selection.from_dict(current)
        return replace(sel, event=None if sel.event == trigger["event"] else trigger["event"]).to_dict()

    @app.callback(
        Output(ids.DOWNLOAD, "data"),
        Input(ids.EXPORT_CSV, "n_clicks"),
        Input(ids.EXPORT_GEOJSON, "n_clicks"),
        State(ids.FILTERS, "data"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def export(_csv, _geojson, filters, selection):
        fmt = "geojson" if dash.ctx.triggered_id == ids.EXPORT_GEOJSON else "csv"
        _, _, listed = select_views(view.events(), Filters.from_dict(filters), Selection.from_dict(selection))
        return export_download(listed, fmt)


def export_download(events: pd.DataFrame, fmt: str) -> dict:
    """The selection as a download, written by the same function as `conflictmap export`."""
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / f"conflictmap-selection.{fmt}"
        write_events(events, fmt, path)
        return dcc.send_bytes(path.read_bytes(), path.name)


def _count(v: object) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def report_badges(r: dict) -> list:
    """Injured and displaced counts, and what the other reports of the same event say."""
    out = []
    for col, word in ((S.INJURED, "injured"), (S.DISPLACED, "displaced")):
        n = _count(r.get(col))
        if n is not None:
            out.append(html.Span(f"{n:,} {word}", className="counts"))
    sources = _count(r.get(S.N_SOURCES)) or 1
    low, high = _count(r.get(S.FATALITIES_LOW)), _count(r.get(S.FATALITIES_HIGH))
    if sources > 1:
        out.append(html.Span(f"{sources} sources", className="sources", title="outlets reporting this event"))
    if low is not None and high is not None and low != high:
        out.append(html.Span(f"reports: {low}–{high} killed", className="deaths-range"))
    return out


def is_web_link(url: object) -> bool:
    """Only http(s) article URLs become links; anything else (javascript:, data:) stays text."""
    return isinstance(url, str) and urlparse(url.strip()).scheme in ("http", "https")


def summary_text(events: pd.DataFrame, listed: pd.DataFrame, sel: Selection) -> str:
    """"N of M events" for the listed selection, with its date range and place."""
    if events.empty:
        return "No events in the store yet: run `conflictmap ingest PATH`."
    parts = [f"{len(listed):,} of {len(events):,} events"]
    if sel.start or sel.end:
        parts.append(f"{(sel.start or '…')[:10]} → {(sel.end or '…')[:10]}")
    if sel.place:
        parts.append(sel.place.split("|")[0])
    return " · ".join(parts)


def excerpts_panel(df, sel: Selection, limit: int = EXCERPT_LIMIT, total: int | None = None) -> list:
    """The excerpts of `df` (the newest `limit`); `total` is how many events the selection holds
    when `df` is already only the newest of them."""
    records = excerpt_records(df, limit)
    heading = f"Excerpts — {sel.place.split('|')[0]}" if sel.place else "Excerpts"
    if not records:
        return [html.H2(heading), html.P("Click a marker to read the sentences behind it.", className="hint")]
    n = len(df) if total is None else total
    items = [html.H2(heading), html.P(f"{n:,} event(s){', newest first' if n > 1 else ''}"
                                      + (f"; showing {limit}" if n > limit else ""), className="hint")]
    for r in records:
        spans = [(*r["place_span"], "place")]
        if r["trigger_span"]:
            spans.append((*r["trigger_span"], "trigger"))
        sentence = [html.Mark(piece, className=f"hl-{kind}") if kind else piece
                    for piece, kind in split_highlights(r[S.EXCERPT], spans)]
        title = r[S.TITLE] or "(untitled)"
        link = html.A(title, href=r[S.URL], target="_blank", rel="noopener noreferrer") \
            if is_web_link(r[S.URL]) else html.Span(title)
        deaths = r[S.FATALITIES]
        meta = [html.Span(format_date(r[S.EVENT_DATE], r[S.DATE_PRECISION]), className="date"),
                html.Span(r[S.SUB_EVENT_TYPE] or r[S.EVENT_TYPE], className="etype",
                          style={"borderColor": type_color(r[S.EVENT_TYPE])})]
        if deaths is not None and deaths == deaths:
            meta.append(html.Span(f"{int(deaths)} killed", className="deaths"))
        meta.extend(report_badges(r))
        if r[S.IS_FUTURE]:
            meta.append(html.Span("scheduled", className="future"))
        meta.append(html.Span(f"{r[S.LOCATION]} ({precision_label(r[S.GEO_PRECISION])})",
                              className="where"))
        pub = format_date(r[S.PUBLISHED], "day") + (" (inferred)" if r[S.PUBLISHED_INFERRED] else "")
        chosen = sel.event is not None and r[S.EVENT_ID] == sel.event
        meta.append(html.Button("selected" if chosen else "select", className="pick",
                                id={"type": ids.PICK_EVENT, "event": r[S.EVENT_ID]},
                                title="select this event (kept in the page's link)",
                                **{"aria-pressed": "true" if chosen else "false"}))
        items.append(html.Article(className="excerpt selected" if chosen else "excerpt", children=[
            html.Div(meta, className="meta"),
            html.Blockquote(sentence, className="sentence"),
            html.Div([link, html.Span(f" — {r[S.SOURCE]}, published {pub}", className="source")],
                     className="cite"),
            excerpt_actions(r[S.EVENT_ID]),
        ]))
    return items
