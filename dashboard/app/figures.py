"""Figures built from DataFrames by pure functions."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard import schema as S

TYPE_COLORS = {
    "Battles": "#d62728",
    "Explosions/Remote violence": "#ff7f0e",
    "Violence against civilians": "#8c1c13",
    "Protests": "#2ca02c",
    "Riots": "#bcbd22",
    "Strategic developments": "#9467bd",
    "Diplomacy": "#1f77b4",
    "Political": "#17becf",
    "Displacement": "#e377c2",
    "Other": "#7f7f7f",
}
TILE_PRESETS = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"),
    "carto": ("https://basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
              "© OpenStreetMap contributors © CARTO"),
}
PRECISION_LABEL = {1: "town/village", 2: "district", 3: "province", 4: "country/region"}


def precision_label(value: object) -> str:
    return PRECISION_LABEL.get(int(value), "?") if value is not None and pd.notna(value) else "?"


def type_color(event_type: str) -> str:
    return TYPE_COLORS.get(event_type, "#7f7f7f")


def marker_size(n: pd.Series, biggest: float | None = None) -> pd.Series:
    """Marker diameter in px: area grows with the count, from 9 px for one event to 42 px for the largest."""
    top = max(float(biggest if biggest is not None else n.max() if len(n) else 1), 1.0)
    return 9 + 33 * n.astype(float).map(lambda v: math.sqrt(max(v, 1.0) - 1) / math.sqrt(max(top - 1, 1.0)))


def tile_style(url: str, attribution: str) -> dict:
    """A MapLibre style with one raster tile source and nothing else fetched (no glyphs, no sprites)."""
    return {"version": 8, "sources": {"tiles": {"type": "raster", "tiles": [url], "tileSize": 256,
                                                "attribution": attribution}},
            "layers": [{"id": "tiles", "type": "raster", "source": "tiles"}]}


def map_figure(places: pd.DataFrame, selected: str | None = None,
               tiles: tuple[str, str] | None = None, size_by: str = "n_events") -> go.Figure:
    """One marker per place, coloured by its main event type, sized by its number of events.

    Country- and province-level places are drawn hollow (or faded on tiles): the marker is a
    centroid, not a spot. With `tiles` (url, attribution) the markers go on a tile basemap;
    without, on the bundled offline basemap.
    """
    places = places.assign(_size=_size_measure(places, size_by))
    if tiles is not None:
        return _tile_map_figure(places, selected, tiles)
    fig = go.Figure()
    biggest = float(places["_size"].max()) if not places.empty else 1.0
    for event_type, grp in places.groupby("main_type", sort=True) if not places.empty else []:
        precise = grp[S.GEO_PRECISION].fillna(4).astype(int) <= 2
        symbols = ["circle" if p else "circle-open" for p in precise]
        widths = [3 if k == selected else 1 for k in grp[S.PLACE_KEY]]
        hover = _hover(grp)
        fig.add_trace(go.Scattergeo(
            lat=grp[S.LATITUDE], lon=grp[S.LONGITUDE], mode="markers", name=event_type,
            customdata=grp[S.PLACE_KEY], text=grp[S.LOCATION], hovertext=hover, hoverinfo="text",
            marker=dict(size=marker_size(grp["_size"], biggest), color=type_color(event_type), symbol=symbols,
                        line=dict(width=widths, color="#111"), opacity=0.85),
        ))
    fig.update_geos(
        projection_type="natural earth", showcountries=True, countrycolor="#9a9a9a", showcoastlines=True,
        coastlinecolor="#7a7a7a", showland=True, landcolor="#f3f1ea", showocean=True, oceancolor="#dfeaf2",
        showlakes=False, resolution=50, fitbounds="locations" if not places.empty else False,
    )
    fig.update_layout(
        margin=dict(l=0, r=0, t=0, b=0), uirevision="map", clickmode="event",
        legend=dict(orientation="h", yanchor="bottom", y=0.0, x=0.0, bgcolor="rgba(255,255,255,0.8)"),
    )
    return fig


def _hover(grp: pd.DataFrame) -> list[str]:
    return [
        f"<b>{_esc(r[S.LOCATION])}</b> ({_esc(r[S.COUNTRY] or '')})<br>{r['n_events']} event(s), "
        f"{int(r['fatalities']) if pd.notna(r['fatalities']) else 0} killed<br>"
        f"{_span(r['first'], r['last'])}<br>precision: {precision_label(r[S.GEO_PRECISION])}"
        for r in grp.to_dict("records")
    ]


def _size_measure(places: pd.DataFrame, size_by: str) -> pd.Series:
    """What a marker's area shows: its number of events, or its deaths (places without deaths get the smallest)."""
    if places.empty:
        return pd.Series(dtype="float64")
    if size_by == "fatalities":
        return pd.to_numeric(places["fatalities"], errors="coerce").fillna(0).astype(float)
    return places["n_events"].astype(float)


def _tile_map_figure(places: pd.DataFrame, selected: str | None, tiles: tuple[str, str]) -> go.Figure:
    fig = go.Figure()
    biggest = float(places["_size"].max()) if not places.empty else 1.0
    for event_type, grp in places.groupby("main_type", sort=True) if not places.empty else []:
        precise = grp[S.GEO_PRECISION].fillna(4).astype(int) <= 2
        fig.add_trace(go.Scattermap(
            lat=grp[S.LATITUDE], lon=grp[S.LONGITUDE], mode="markers", name=event_type,
            customdata=grp[S.PLACE_KEY], hovertext=_hover(grp), hoverinfo="text",
            marker=dict(size=marker_size(grp["_size"], biggest), color=type_color(event_type),
                        opacity=[0.9 if p else 0.35 for p in precise]),
        ))
    center = dict(lat=float(places[S.LATITUDE].mean()), lon=float(places[S.LONGITUDE].mean())) \
        if not places.empty else dict(lat=30, lon=30)
    fig.update_layout(map=dict(style=tile_style(*tiles), center=center, zoom=3), uirevision="map",
                      margin=dict(l=0, r=0, t=0, b=0), clickmode="event",
                      legend=dict(orientation="h", yanchor="bottom", y=0.0, x=0.0,
                                  bgcolor="rgba(255,255,255,0.8)"))
    return fig


def timeline_figure(counts: pd.DataFrame, start: str | None = None, end: str | None = None,
                    extent: tuple[pd.Timestamp, pd.Timestamp] | None = None, unit: str = "day",
                    measure: str = "events", background: pd.DataFrame | None = None) -> go.Figure:
    """Events (or deaths) per bin, stacked by type. Dragging along the x axis selects a date range.

    `counts` has columns day, event_type, n and optionally `precise`: rows with precise=False are
    the share of events dated only to a month or year, spread over that period and drawn lighter
    and hatched. `background` (day, n), when given, is drawn behind as a grey step area: the
    totals of every place, so a selected place's bars are seen against them. `extent` (the whole
    store's date span) keeps the axis steady when a place is selected.
    """
    fig = go.Figure()
    if background is not None and not background.empty:
        # A step from each bin's start to the next; the closing point ends the last bin.
        days = pd.to_datetime(background["day"])
        bins = pd.Series(pd.date_range(days.min(), days.max() + BIN_OFFSET[unit], freq=BIN_FREQ[unit]))
        totals = background.set_index(days)["n"].reindex(bins, fill_value=0)
        fig.add_trace(go.Scatter(
            x=bins, y=totals.to_numpy(), name="all places", mode="lines", line_shape="hv",
            fill="tozeroy", fillcolor="rgba(120,120,120,0.18)", line=dict(color="rgba(90,90,90,0.5)", width=1),
            hoverinfo="skip"))
    if "precise" not in counts.columns:
        counts = counts.assign(precise=True)
    word = "deaths" if measure == "deaths" else "events"
    # Dates known to the day at the bottom of each stack, the spread-out ones above them.
    groups = sorted(counts.groupby(["precise", S.EVENT_TYPE]), key=lambda g: (not g[0][0], g[0][1])) \
        if not counts.empty else []
    for (precise, event_type), grp in groups:
        precise = bool(precise)
        fig.add_trace(go.Bar(
            x=grp["day"], y=grp["n"], name=event_type if precise else f"{event_type} (month/year dates)",
            marker=dict(color=type_color(event_type), opacity=1.0 if precise else 0.45,
                        pattern=dict(shape="" if precise else "/", solidity=0.4)),
            # Each bar spans its bin (day, week, month), centred on the bin's middle.
            xperiod=BAR_PERIOD[unit], xperiodalignment="middle",
            hovertemplate=HOVER_DATE[unit] + (": %{y} " if precise else ": %{y:.2f} ") + word + " · " + event_type
            + ("" if precise else " (dated only to a month or year, spread evenly over it)") + "<extra></extra>"))
    fig.update_layout(
        barmode="stack", margin=dict(l=40, r=10, t=10, b=30), dragmode="zoom", showlegend=False,
        uirevision="timeline", bargap=0.1,
        xaxis=dict(type="date", rangeslider=dict(visible=False)),
        yaxis=dict(fixedrange=True, title=word),
    )
    if start and end:
        fig.update_xaxes(range=[start, end], autorange=False)
    elif extent is not None and pd.notna(extent[0]):
        pad = max(pd.Timedelta(days=15), (extent[1] - extent[0]) * 0.02)
        fig.update_xaxes(range=[extent[0] - pad, extent[1] + pad], autorange=False)
    return fig


BIN_FREQ = {"day": "D", "week": "W-MON", "month": "MS"}
BIN_OFFSET = {"day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7), "month": pd.DateOffset(months=1)}
BAR_PERIOD = {"day": 86_400_000, "week": 7 * 86_400_000, "month": "M1"}
HOVER_DATE = {"day": "%{x|%Y-%m-%d}", "week": "week of %{x|%Y-%m-%d}", "month": "%{x|%B %Y}"}


def _esc(value: object) -> str:
    # Plotly renders hover text as a subset of HTML: escape what came from articles.
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _span(first: pd.Timestamp, last: pd.Timestamp) -> str:
    if pd.isna(first):
        return "undated"
    if pd.isna(last) or first.normalize() == last.normalize():
        return f"{first:%Y-%m-%d}"
    return f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
