"""The correction dialog's callbacks: show the selected event's ranked places (or a searched or
picked one) with what a correction would move, save it, undo a logged one (correct.py builds the
dialog and its texts; dashboard/corrections.py writes the store)."""

from __future__ import annotations

import dash
from dash import Input, Output, State

from dashboard import schema as S
from dashboard.app import ids
from dashboard.app.access import write_refusal
from dashboard.app.correct import chosen_place, dialog_options, is_current, log_view, point_value, preview_text
from dashboard.app.data import StoreView
from dashboard.app.reader import event_row, place_key_of, select_event
from dashboard.corrections import SCOPES, save_correction, undo_correction
from dashboard.errors import ConflictMapError


def register_callbacks(app: dash.Dash, view: StoreView) -> None:
    _register_close(app)

    # One callback for the whole dialog (a selected event costs one request): what changed decides
    # which parts are sent again.
    @app.callback(
        Output(ids.CORRECT, "hidden"),
        Output(ids.CORRECT_TITLE, "children"),
        Output(ids.CORRECT_CONTEXT, "children"),
        Output(ids.CORRECT_CHOICE, "options"),
        Output(ids.CORRECT_CHOICE, "value"),
        Output(ids.CORRECT_PREVIEW, "children"),
        Output(ids.CORRECT_LOG, "children"),
        Output(ids.CORRECT_POINT, "data"),
        Input(ids.CORRECT_EVENT, "data"),
        Input(ids.STORE_GENERATION, "data"),
        Input(ids.CORRECT_SEARCH, "value"),
        Input(ids.CORRECT_CHOICE, "value"),
        Input(ids.CORRECT_SCOPE, "value"),
        Input(ids.CORRECT_POINT, "data"),
    )
    def show(event_id, _generation, query, choice, scope, point):
        return show_dialog(view, dash.ctx.triggered_id, event_id, query, choice, scope, point)

    @app.callback(
        Output(ids.CORRECT_STATUS, "children"),
        Output(ids.STORE_GENERATION, "data", allow_duplicate=True),
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Input(ids.CORRECT_SAVE, "n_clicks"),
        State(ids.CORRECT_CHOICE, "value"),
        State(ids.CORRECT_SCOPE, "value"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def save(n_clicks, choice, scope, selection):
        return save_answer(view, n_clicks, choice, scope, selection)

    @app.callback(
        Output(ids.CORRECT_STATUS, "children", allow_duplicate=True),
        Output(ids.STORE_GENERATION, "data", allow_duplicate=True),
        Input(ids.CORRECT_UNDO, "data"),
        prevent_initial_call=True,
    )
    def undo(action):
        return undo_answer(view, action)


def _register_close(app: dash.Dash) -> None:
    @app.callback(
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Input(ids.CORRECT_CLOSE, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def close(_close, current):
        return {**(current or {}), "event": None}


def show_dialog(
    view: StoreView,
    trigger: object,
    event_id: str | None,
    query: str | None,
    choice: object,
    scope: str | None,
    point: object,
) -> tuple:
    """The dialog for the selected event; what changed (`trigger`) decides which parts are sent again."""
    row = event_row(view, event_id)
    if row is None:
        return True, "", "", [], None, "", [], None
    scope = scope if scope in SCOPES else "event"
    # A point picked for another event is forgotten when the dialog opens on a new one.
    picked = None if trigger == ids.CORRECT_EVENT else point_value(point)
    if trigger == ids.CORRECT_POINT and picked:
        options, _now = dialog_options(row, query, picked)
        preview = preview_text(view.index(), row, chosen_place(row, picked), scope)
        return (*[dash.no_update] * 3, options, picked, preview, dash.no_update, dash.no_update)
    preview = preview_text(view.index(), row, chosen_place(row, choice), scope)
    if trigger in (ids.CORRECT_CHOICE, ids.CORRECT_SCOPE, ids.CORRECT_POINT):
        return (*[dash.no_update] * 5, preview, dash.no_update, dash.no_update)
    options, now = dialog_options(row, query, picked)
    if trigger == ids.CORRECT_SEARCH:
        return (*[dash.no_update] * 3, options, dash.no_update, preview, dash.no_update, dash.no_update)
    context = (
        f"“{row[S.EXCERPT]}”"
        if options
        else "No ranked alternatives are stored for this event: search for the place by name or pick it on the map."
    )
    preview = preview_text(view.index(), row, chosen_place(row, now), scope)
    return (
        False,
        f"Where is “{row[S.TOPONYM]}”?",
        context,
        options,
        now,
        preview,
        log_view(view.store.root, can_undo=write_refusal() is None),
        None if trigger == ids.CORRECT_EVENT and point is not None else dash.no_update,
    )


def save_answer(
    view: StoreView, n_clicks: int | None, choice: object, scope: str | None, selection: dict | None
) -> tuple:
    """Save the chosen place for the selected event (in `scope`): (the status, the new generation,
    the selection moved to the event's new place)."""
    row = event_row(view, (selection or {}).get("event"))
    if not n_clicks or row is None:
        return dash.no_update, dash.no_update, dash.no_update
    refused = write_refusal()
    if refused:
        return f"Not saved: {refused}.", dash.no_update, dash.no_update
    place = chosen_place(row, choice)
    if place is None:
        return "Choose a place first.", dash.no_update, dash.no_update
    if is_current(place, row) and scope == "event":
        return "That is already its place: choose another one to correct it.", dash.no_update, dash.no_update
    try:
        generation = save_correction(
            view.store,
            str(row[S.TOPONYM]),
            place,
            scope=scope or "event",
            event_id=str(row[S.EVENT_ID]),
            article_id=str(row[S.ARTICLE_ID]),
        )
    except ConflictMapError as err:
        return f"Not saved: {err}", dash.no_update, dash.no_update
    moved = place_key_of({S.LOCATION: place.name, S.LATITUDE: place.lat, S.LONGITUDE: place.lon})
    return (
        f"Saved: “{row[S.TOPONYM]}” is {place.name} in {SCOPES[scope or 'event']}; "
        "the corrections log below can undo it.",
        generation,
        select_event(selection, row[S.EVENT_ID], moved),
    )


def undo_answer(view: StoreView, action: object) -> tuple:
    """Undo a logged correction: (the status, the new generation)."""
    refused = write_refusal()
    if refused or not isinstance(action, dict) or not action.get("id"):
        return (f"Not undone: {refused}." if refused else dash.no_update), dash.no_update
    try:
        generation = undo_correction(view.store, str(action["id"]))
    except ConflictMapError as err:
        return f"Not undone: {err}", dash.no_update
    return "Undone: the events are back where they were.", generation
