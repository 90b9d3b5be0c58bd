"""Ranked alternative places for the selected event's toponym, and saving a correction.

Saving writes the gazetteer override table (later ingests follow it) and re-resolves the stored
events with that toponym in one atomic store write; the selection then follows the moved marker.
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import Input, Output, State, dcc, html

from dashboard import schema as S
from dashboard.app import ids
from dashboard.app.access import write_refusal
from dashboard.app.data import StoreView
from dashboard.app.nodes import node
from dashboard.app.reader import event_row, place_key_of, select_event
from dashboard.corrections import Alternative, parse_alternatives, save_correction
from dashboard.errors import ConflictMapError

PRECISION_WORDS = {1: "town", 2: "district", 3: "province", 4: "country/region"}


def alternative_label(alt: Alternative, current: bool) -> str:
    where = ", ".join(x for x in (alt.admin1, alt.country or alt.country_code) if x and x != alt.name)
    kind = PRECISION_WORDS.get(alt.geo_precision or 0, alt.feature_code or "place")
    text = f"{alt.name}" + (f" — {where}" if where else "") + f" · {kind} ({alt.feature_code or '?'})" \
        + f" · {alt.lat:.2f}, {alt.lon:.2f} · score {alt.score:.2f}"
    return text + (" · current" if current else "")


def is_current(alt: Alternative, row: dict) -> bool:
    lat, lon = row.get(S.LATITUDE), row.get(S.LONGITUDE)
    if lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return False
    return alt.name == row.get(S.LOCATION) and abs(alt.lat - lat) < 1e-4 and abs(alt.lon - lon) < 1e-4


def choice_options(row: dict) -> tuple[list[dict], int | None]:
    """RadioItems options for the row's alternatives, and the index of the place it has now."""
    alts = parse_alternatives(row.get(S.ALTERNATIVES))
    now = next((i for i, a in enumerate(alts) if is_current(a, row)), None)
    return [{"label": alternative_label(a, i == now), "value": i} for i, a in enumerate(alts)], now


def correct_fragment(can_save: bool = True) -> html.Section:
    return html.Section(id=ids.CORRECT, className="correct", hidden=True, **{"aria-labelledby": ids.CORRECT_TITLE},
                        children=[
        html.Div(className="reader-bar", children=[
            html.H2(id=ids.CORRECT_TITLE),
            html.Button("Close ✕", id=ids.CORRECT_CLOSE, n_clicks=0, className="button small",
                        title="deselect the event"),
        ]),
        html.P(id=ids.CORRECT_CONTEXT, className="hint"),
        dcc.RadioItems(id=ids.CORRECT_CHOICE, className="choices", options=[], value=None),
        html.Button("Save correction", id=ids.CORRECT_SAVE, n_clicks=0, className="button", hidden=not can_save),
        html.P(id=ids.CORRECT_STATUS, className="hint", role="status"),
    ])


def correct_button(event_id: str, place_key: str) -> dict:
    """The excerpt's "Other places" (as nodes.node): selects the event and its place
    (clientside.SELECT_JS, through assets/panels.js), which opens this panel."""
    return node("Button", "Other places", id={"type": ids.CORRECT_BUTTON, "index": event_id}, n_clicks=0,
                className="button small", title="ranked alternative places for this name; correct it",
                **{"data-action": "correct", "data-event": event_id, "data-place": place_key})


def register_callbacks(app: dash.Dash, view: StoreView) -> None:
    @app.callback(
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Input(ids.CORRECT_CLOSE, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def close(_close, current):
        return {**(current or {}), "event": None}

    @app.callback(
        Output(ids.CORRECT, "hidden"),
        Output(ids.CORRECT_TITLE, "children"),
        Output(ids.CORRECT_CONTEXT, "children"),
        Output(ids.CORRECT_CHOICE, "options"),
        Output(ids.CORRECT_CHOICE, "value"),
        Input(ids.CORRECT_EVENT, "data"),
        Input(ids.STORE_GENERATION, "data"),
    )
    def show(event_id, _generation):
        row = event_row(view, event_id)
        if row is None:
            return True, "", "", [], None
        options, now = choice_options(row)
        context = f"“{row[S.EXCERPT]}”" if options else \
            "No ranked alternatives are stored for this event (it was ingested before they were kept)."
        return False, f"Where is “{row[S.TOPONYM]}”?", context, options, now

    @app.callback(
        Output(ids.CORRECT_STATUS, "children"),
        Output(ids.STORE_GENERATION, "data", allow_duplicate=True),
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Input(ids.CORRECT_SAVE, "n_clicks"),
        State(ids.CORRECT_CHOICE, "value"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def save(n_clicks, choice, selection):
        row = event_row(view, (selection or {}).get("event"))
        if not n_clicks or row is None:
            return dash.no_update, dash.no_update, dash.no_update
        refused = write_refusal()
        if refused:
            return f"Not saved: {refused}.", dash.no_update, dash.no_update
        alts = parse_alternatives(row.get(S.ALTERNATIVES))
        if choice is None or not 0 <= int(choice) < len(alts):
            return "Choose a place first.", dash.no_update, dash.no_update
        if int(choice) == choice_options(row)[1]:
            return "That is already its place: choose another one to correct it.", dash.no_update, dash.no_update
        place = alts[int(choice)]
        try:
            generation = save_correction(view.store, str(row[S.TOPONYM]), place)
        except ConflictMapError as err:
            return f"Not saved: {err}", dash.no_update, dash.no_update
        moved = place_key_of({S.LOCATION: place.name, S.LATITUDE: place.lat, S.LONGITUDE: place.lon})
        return (f"Saved: “{row[S.TOPONYM]}” is {place.name} from now on; the stored events that name it moved.",
                generation, select_event(selection, row[S.EVENT_ID], moved))
