"""Thin callbacks: read the selection, call the pure functions, return components."""

from __future__ import annotations

from urllib.parse import urlparse

import dash
import pandas as pd
from dash import Input, Output, State, html

from dashboard import schema as S
from dashboard.app import ids
from dashboard.app.data import StoreView
from dashboard.app.figures import map_figure, precision_label, timeline_figure, type_color
from dashboard.app.panels import excerpt_actions
from dashboard.app.query import (
    Selection,
    at_place,
    excerpt_records,
    format_date,
    in_range,
    next_selection,
    places_summary,
    precise_only,
    robust_extent,
    split_highlights,
    time_bin,
    timeline_counts,
)

# Plotly reports every resize as relayoutData ({"autosize": true}); only range changes select dates.
# Filtering them in the browser keeps a resize from racing (and undoing) a drag's selection.
RANGE_ONLY_JS = """
function(r) {
    if (r && ("xaxis.range[0]" in r || "xaxis.range" in r || "xaxis.autorange" in r)) { return r; }
    return window.dash_clientside.no_update;
}
"""


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

    @app.callback(
        Output(ids.MAP, "figure"),
        Output(ids.TIMELINE, "figure"),
        Output(ids.EXCERPTS, "children"),
        Output(ids.SUMMARY, "children"),
        Input(ids.SELECTION, "data"),
        Input(ids.SIZE_BY, "value"),
        Input(ids.PRECISE_ONLY, "value"),
        Input(ids.STORE_GENERATION, "data"),
    )
    def render(selection, size_by, precise, _generation):
        sel = Selection.from_dict(selection)
        everything = view.events()
        events = precise_only(everything, bool(precise))
        in_time = in_range(events, sel.start, sel.end)
        places = places_summary(in_time)
        place_events = at_place(events, sel.place)
        listed = at_place(in_time, sel.place)
        extent = robust_extent(events[S.EVENT_DATE]) if len(events) else None
        unit = time_bin(pd.Timestamp(sel.start), pd.Timestamp(sel.end)) if sel.start and sel.end else \
            time_bin(*extent) if extent else "day"
        return (map_figure(places, sel.place, tiles, size_by or "n_events"),
                timeline_figure(timeline_counts(place_events, unit), sel.start, sel.end, extent, unit),
                excerpts_panel(listed, sel), summary_text(everything, listed, sel))


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


def excerpts_panel(df, sel: Selection, limit: int = 200) -> list:
    records = excerpt_records(df, limit)
    heading = f"Excerpts — {sel.place.split('|')[0]}" if sel.place else "Excerpts"
    if not records:
        return [html.H2(heading), html.P("Click a marker to read the sentences behind it.", className="hint")]
    items = [html.H2(heading), html.P(f"{len(df):,} event(s){', newest first' if len(df) > 1 else ''}"
                                      + (f"; showing {limit}" if len(df) > limit else ""), className="hint")]
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
        items.append(html.Article(className="excerpt", children=[
            html.Div(meta, className="meta"),
            html.Blockquote(sentence, className="sentence"),
            html.Div([link, html.Span(f" — {r[S.SOURCE]}, published {pub}", className="source")],
                     className="cite"),
            excerpt_actions(r[S.EVENT_ID]),
        ]))
    return items
