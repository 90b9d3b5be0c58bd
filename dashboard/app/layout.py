"""The page: header, map, timeline and the excerpts panel."""

from __future__ import annotations

from dash import dcc, html

from dashboard.app import ids


def build_layout(title: str = "conflictmap") -> html.Div:
    return html.Div(className="page", children=[
        html.Header(className="topbar", children=[
            html.H1(title),
            html.Span(id=ids.SUMMARY, className="summary"),
            dcc.RadioItems(id=ids.SIZE_BY, className="control", inline=True, value="n_events",
                           options=[{"label": "size: events", "value": "n_events"},
                                    {"label": "deaths", "value": "fatalities"}]),
            dcc.Checklist(id=ids.PRECISE_ONLY, className="control", inline=True, value=[],
                          options=[{"label": "towns only (hide country/province-level places)", "value": "on"}]),
            html.Button("Clear selection", id=ids.RESET, n_clicks=0, className="button"),
        ]),
        dcc.Store(id=ids.SELECTION, data={"start": None, "end": None, "place": None}),
        dcc.Store(id=ids.TIMELINE_RANGE),
        dcc.Store(id=ids.MAP_VIEW, data={"box": None, "goto": None}),
        html.Main(className="main", children=[
            html.Section(className="left", children=[
                dcc.Graph(id=ids.MAP, className="map", style={"height": "100%"}, responsive=True,
                          config={"scrollZoom": True, "displaylogo": False, "topojsonURL": "/assets/topojson/"}),
                html.P("Drag across the timeline to choose dates; double-click it to clear.", className="hint"),
                dcc.Graph(id=ids.TIMELINE, className="timeline", style={"height": "200px"},
                          config={"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}),
            ]),
            html.Aside(id=ids.EXCERPTS, className="excerpts", **{"aria-live": "polite"}),
        ]),
    ])
