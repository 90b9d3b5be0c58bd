"""The page: header, filters, map, timeline with its playback, and the excerpts panel."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from dashboard.app import ids
from dashboard.app.figures import legend_title
from dashboard.app.filters import Filters
from dashboard.app.nodes import dashed
from dashboard.app.panels import panel_fragments, topbar_controls

CHOICE_LABELS = {
    ids.FILTER_TYPES: "Event type",
    ids.FILTER_SUBTYPES: "Sub-type",
    ids.FILTER_ACTORS: "Actor",
    ids.FILTER_COUNTRIES: "Country",
    ids.FILTER_ADMIN1S: "Province (admin1)",
    ids.FILTER_SOURCES: "Source",
}
PLAY_MS = 1200  # one playback step per 1.2 s: time for the map and list to redraw


def _choice(cid: str) -> html.Label:
    return html.Label(
        className="field",
        children=[
            html.Span(CHOICE_LABELS[cid]),
            dcc.Dropdown(id=cid, multi=True, options=[], value=[], placeholder="any", className="choice"),
        ],
    )


def _number(cid: str, label: str, step: float, maximum: float | None = None) -> html.Div:
    return html.Div(
        className="field",
        children=[
            html.Label(label, htmlFor=cid),
            dcc.Input(
                id=cid, type="number", min=0, max=maximum, step=step, debounce=True, placeholder="0", className="number"
            ),
        ],
    )


# Plotly's mode bar without what needs the network: no "send to cloud" / "edit in Chart Studio" link.
OFFLINE_MODEBAR = {
    "displaylogo": False,
    "showLink": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "showTips": False,
}


def graph_config(**extra: object) -> Any:
    """A graph's Plotly config: the offline mode bar and `extra`. Typed Any: Dash 4's generated
    `Graph.Config` TypedDict does not exist in the Dash 2 releases pyproject.toml allows."""
    return {**OFFLINE_MODEBAR, **extra}


def filters_panel() -> html.Section:
    return html.Section(
        id=ids.FILTERS_PANEL,
        className="filters",
        **dashed(aria_label="Filters"),
        children=[
            *[_choice(cid) for cid in ids.CHOICE_FILTERS],
            _number(ids.FILTER_MIN_FATALITIES, "Min. deaths", 1),
            _number(ids.FILTER_MIN_CONFIDENCE, "Min. confidence", 0.05, 1),
            html.Div(
                className="field search",
                children=[
                    html.Label("Search excerpts", htmlFor=ids.FILTER_TEXT),
                    dcc.Input(
                        id=ids.FILTER_TEXT,
                        type="search",
                        debounce=True,
                        placeholder="words in the sentences",
                        className="text",
                    ),
                ],
            ),
            html.Div(
                className="field actions",
                children=[
                    # Shown at phone width only (assets/style.css): the filters fold into a drawer there.
                    html.Button(
                        "Filters ▾",
                        id=ids.FILTERS_TOGGLE,
                        n_clicks=0,
                        className="button filters-toggle",
                        **dashed(aria_expanded="false", aria_controls=ids.FILTERS_PANEL),
                    ),
                    html.Button("Clear filters", id=ids.CLEAR_FILTERS, n_clicks=0, className="button"),
                    html.Span(id=ids.COUNTS, className="counts-line", role="status"),
                ],
            ),
            html.P(id=ids.URL_NOTE, className="url-note", role="status"),
        ],
    )


def timeline_bar() -> html.Div:
    """Measure, playback and export: the controls that act on the time axis and the selection."""
    return html.Div(
        className="timebar",
        children=[
            dcc.RadioItems(
                id=ids.MEASURE,
                className="control",
                inline=True,
                value="events",
                options=[{"label": "timeline: events", "value": "events"}, {"label": "deaths", "value": "deaths"}],
            ),
            html.Button("▶ Play", id=ids.PLAY, n_clicks=0, className="button", title="play the time window"),
            _labelled(
                html.Label("window", htmlFor=ids.PLAY_WINDOW, className="small"),
                dcc.Input(id=ids.PLAY_WINDOW, type="number", min=1, step=1, value=30, className="number small-input"),
            ),
            _labelled(
                html.Label("step (days)", htmlFor=ids.PLAY_STEP, className="small"),
                dcc.Input(id=ids.PLAY_STEP, type="number", min=1, step=1, value=7, className="number small-input"),
            ),
            dcc.Checklist(
                id=ids.PLAY_CUMULATIVE,
                className="control",
                inline=True,
                value=[],
                options=[{"label": "cumulative", "value": "on"}],
            ),
            dcc.Interval(id=ids.PLAY_INTERVAL, interval=PLAY_MS, disabled=True, n_intervals=0),
            html.Span(className="spacer"),
            html.Button(
                "⤓ CSV", id=ids.EXPORT_CSV, n_clicks=0, className="button", title="download the events listed, as CSV"
            ),
            html.Button(
                "⤓ GeoJSON",
                id=ids.EXPORT_GEOJSON,
                n_clicks=0,
                className="button",
                title="download the events listed, as GeoJSON",
            ),
            dcc.Download(id=ids.DOWNLOAD),
        ],
    )


PRESET_LABELS = {
    "preset-7": "7 days",
    "preset-30": "30 days",
    "preset-90": "90 days",
    "preset-365": "a year",
    "preset-all": "all dates",
}


def date_bar() -> html.Div:
    """The time window as text: typed dates (Enter or leaving the field applies them) and presets
    counted back from the last event the filters leave. A drag on the timeline writes the fields."""
    return html.Div(
        className="datebar",
        role="group",
        **dashed(aria_label="Time window"),
        children=[
            _labelled(html.Label("from", htmlFor=ids.DATE_FROM, className="small"), _date_field(ids.DATE_FROM)),
            _labelled(html.Label("to", htmlFor=ids.DATE_TO, className="small"), _date_field(ids.DATE_TO)),
            html.Span(
                className="labelled presets",
                children=[
                    html.Span("last:", className="small"),
                    *(
                        html.Button(
                            label,
                            id=pid,
                            n_clicks=0,
                            className="button preset",
                            title="the whole span of the events"
                            if pid == "preset-all"
                            else f"the last {label} up to the latest event shown",
                        )
                        for pid, label in PRESET_LABELS.items()
                    ),
                ],
            ),
            dcc.Store(id=ids.DATE_EXTENT),
        ],
    )


def _labelled(label: html.Label, field: dcc.Input) -> html.Span:
    """A label and its field as one item of a wrapping bar: on a narrow screen the bar breaks its
    line between pairs, never between a label and its field ("window" at one line's end, its
    number at the next one's start, read as the number of the label before it)."""
    return html.Span(className="labelled", children=[label, field])


def basemap_switch(tiles: tuple[str, str] | None) -> dcc.RadioItems:
    """Offline basemap or tiles. Without a tile source (`serve --tiles`) there is nothing to switch
    to: the control stays in the page (the map's callback reads it) but is not shown."""
    return dcc.RadioItems(
        id=ids.BASEMAP,
        className="control",
        inline=True,
        value="tiles" if tiles else "offline",
        style=None if tiles else {"display": "none"},
        options=[
            {"label": "map: offline", "value": "offline"},
            {"label": "tiles", "value": "tiles", "disabled": tiles is None},
        ],
    )


def _topbar(title: str, tiles: tuple[str, str] | None, writes: str) -> html.Header:
    return html.Header(
        className="topbar",
        children=[
            html.H1(title),
            html.Span(id=ids.SUMMARY, className="summary"),
            dcc.RadioItems(
                id=ids.SIZE_BY,
                className="control",
                inline=True,
                value="n_events",
                options=[
                    {"label": "size: events", "value": "n_events"},
                    {"label": "deaths", "value": "fatalities"},
                ],
            ),
            basemap_switch(tiles),
            # "towns only" in the bar, what it hides in its tooltip: the bar fits one row at 1280 px.
            html.Span(
                dcc.Checklist(
                    id=ids.PRECISE_ONLY, inline=True, value=[], options=[{"label": "towns only", "value": "on"}]
                ),
                className="control",
                title="hide the places known only at country or province level",
            ),
            html.Button("Clear selection", id=ids.RESET, n_clicks=0, className="button"),
            *topbar_controls(writes),
        ],
    )


def _page_stores() -> list[dcc.Store]:
    """What the page keeps between callbacks: the selection, the filters, the map's places, view and box."""
    return [
        dcc.Store(id=ids.SELECTION, data={"start": None, "end": None, "place": None, "event": None}),
        dcc.Store(id=ids.TIMELINE_RANGE),
        dcc.Store(id=ids.STORE_GENERATION, data=0),
        dcc.Store(id=ids.FILTERS, data=Filters().to_dict()),
        dcc.Store(id=ids.MAP_PLACES, data=[]),
        dcc.Store(id=ids.MAP_DOUBLE_CLICK, data=0),
        dcc.Store(id=ids.MAP_VIEW, data={}),
        dcc.Store(id=ids.MAP_BOX, data={"box": None, "goto": None, "view": None}),
        dcc.Store(id=ids.CAMERA_PLACES),
        dcc.Store(id=ids.MAP_PANEL),
    ]


def _left_column() -> html.Section:
    """The map, the place bar under it and the timeline with its controls."""
    return html.Section(
        className="left",
        children=[
            # Sizes come from assets/style.css (an inline height would beat the phone rules).
            dcc.Graph(
                id=ids.MAP,
                className="map",
                responsive=True,
                config=graph_config(
                    scrollZoom=True,
                    topojsonURL="/assets/topojson/",
                    modeBarButtonsToAdd=["select2d", "lasso2d"],
                ),
            ),
            _placebar(),
            timeline_bar(),
            date_bar(),
            dcc.Graph(
                id=ids.TIMELINE,
                className="timeline",
                responsive=True,
                config=graph_config(modeBarButtonsToRemove=["lasso2d", "select2d"]),
            ),
        ],
    )


def _placebar() -> html.Div:
    return html.Div(
        className="placebar",
        children=[
            # Every place is reachable from the keyboard here: type a name, Enter selects it.
            html.Label(
                className="place-pick",
                children=[
                    html.Span("Go to place", className="small"),
                    dcc.Dropdown(
                        id=ids.PLACE_PICK,
                        options=[],
                        value=None,
                        clearable=False,
                        placeholder="type a place name…",
                        className="choice",
                    ),
                    dcc.Store(id=ids.PLACE_OPTIONS),
                ],
            ),
            # The key in two small lines beside "Go to place" and the how-to behind a "?": as a
            # paragraph of four lines they took 80 px from the map at 1280×800.
            html.P(html.Span(legend_title("n_events"), id=ids.MAP_KEY, className="map-key"), className="hint"),
            html.Details(
                className="map-help",
                children=[
                    html.Summary("?", title="how to choose places and dates"),
                    html.Span(
                        "Box/lasso on the map chooses places; a drag on the timeline chooses dates "
                        "(double-click clears).",
                        className="small",
                    ),
                ],
            ),
        ],
    )


def build_layout(title: str = "conflictmap", tiles: tuple[str, str] | None = None, writes: str = "open") -> html.Div:
    """The page; `writes` is "open", "sign-in" (a Sign in link: writes need the token) or "read-only"
    (the upload box and the correction's save button hidden: the server refuses writes)."""
    return html.Div(
        className="page",
        children=[
            dcc.Location(id=ids.URL, refresh=False),
            _skip_links(),
            _topbar(title, tiles, writes),
            filters_panel(),
            *_page_stores(),
            html.Main(
                className="main",
                children=[
                    _left_column(),
                    # Drawn by assets/panels.js from ids.EXCERPT_NODES (clientside.PANEL_JS), not by Dash: its
                    # hundreds of nodes as components cost dash-renderer a check each at every store update.
                    html.Aside(id=ids.EXCERPTS, className="excerpts", **dashed(aria_live="polite")),
                    dcc.Store(id=ids.EXCERPT_NODES),
                    *panel_fragments(writes),
                ],
            ),
        ],
    )


def _skip_links() -> html.Nav:
    """The page's first tab stops, shown only when focused: past the top bar and the filters (a
    dozen stops) to the map, or to the sentences (each sentence adds three more)."""
    return html.Nav(
        className="skip-links",
        children=[
            html.A("Skip to the map", href=f"#{ids.MAP}", className="skip-link"),
            html.A("Skip to the sentences", href=f"#{ids.EXCERPTS}", className="skip-link"),
        ],
        **dashed(aria_label="skip links"),
    )


def _date_field(field_id: str) -> dcc.Input:
    """A typed day of the time window (the brush writes it too); Enter or leaving the field applies it."""
    return dcc.Input(
        id=field_id,
        type="text",
        debounce=True,
        placeholder="YYYY-MM-DD",
        className="date",
        inputMode="numeric",
        pattern=r"\d{4}-\d{2}-\d{2}",
        maxLength=10,
        autoComplete="off",
    )
