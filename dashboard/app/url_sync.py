"""The link and the controls kept in step: a link opens the state it describes (what it could not
describe is noted on the page), and every change of the controls writes the link; the dropdowns'
options come in the same answer as their values."""

from __future__ import annotations

from dataclasses import replace

import dash
from dash import Input, Output

from dashboard.app import ids
from dashboard.app.data import StoreView
from dashboard.app.event_index import EventIndex
from dashboard.app.filters import Filters, choice_values
from dashboard.app.permalink import known_state, note_text
from dashboard.app.query import Selection
from dashboard.app.state import ViewState, box_of_view, clean_view, parse_query, to_query

CHOICES = list(ids.CHOICE_FILTERS)
# The controls the permalink mirrors, in the order of ViewState <-> control values below.
CONTROL_PROPS = [
    *((c, "value") for c in CHOICES),
    (ids.FILTER_MIN_FATALITIES, "value"),
    (ids.FILTER_MIN_CONFIDENCE, "value"),
    (ids.FILTER_TEXT, "value"),
    (ids.PRECISE_ONLY, "value"),
    (ids.MEASURE, "value"),
    (ids.SIZE_BY, "value"),
]
STORE_PROPS = [(ids.MAP_PLACES, "data"), (ids.SELECTION, "data"), (ids.MAP_VIEW, "data")]


def state_from_controls(values: list) -> ViewState:
    """The ViewState of the control values, in CONTROL_PROPS + STORE_PROPS order."""
    *choices, minf, minc, text, precise, measure, size_by, places, selection, view = values
    filters = Filters.from_dict(
        {
            **{ids.CHOICE_FILTERS[c]: v for c, v in zip(CHOICES, choices, strict=True)},
            "min_fatalities": minf,
            "min_confidence": minc,
            "text": text,
            "precise_only": bool(precise),
            "places": places,
        }
    )
    return ViewState(
        filters, Selection.from_dict(selection), clean_view(view), measure or "events", size_by or "n_events"
    )


def controls_from_state(state: ViewState) -> list:
    """The control values that show `state`: the inverse of state_from_controls."""
    f = state.filters
    return [
        *(list(getattr(f, ids.CHOICE_FILTERS[c])) for c in CHOICES),
        f.min_fatalities,
        f.min_confidence,
        f.text,
        ["on"] if f.precise_only else [],
        state.measure,
        state.size_by,
        list(f.places),
        state.selection.to_dict(),
        state.view_dict(),
    ]


def choice_lists(ix: EventIndex, f: Filters) -> list[list[str]]:
    """The dropdowns' options from the store's values, plus the chosen ones the store lacks (from a link)."""
    out = []
    for cid in CHOICES:
        name = ids.CHOICE_FILTERS[cid]
        options = choice_values(ix, name) if ix.n else []
        known = set(options)
        out.append([*options, *(v for v in getattr(f, name) if v not in known)])
    return out


def register_url_sync(app: dash.Dash, view: StoreView) -> None:
    # The filter controls are gathered into ids.FILTERS in the browser (clientside.FILTERS_JS).

    @app.callback(
        Output(ids.URL, "search"),
        *(Output(c, p) for c, p in CONTROL_PROPS),
        *(Output(c, p, allow_duplicate=True) for c, p in STORE_PROPS),
        *(Output(c, "options") for c in CHOICES),
        Output(ids.MAP_BOX, "data", allow_duplicate=True),
        Output(ids.URL_NOTE, "children"),
        Input(ids.URL, "search"),
        Input(ids.CLEAR_FILTERS, "n_clicks"),
        Input(ids.STORE_GENERATION, "data"),
        Input(ids.PLAY_INTERVAL, "disabled"),
        *(Input(c, p) for c, p in CONTROL_PROPS + STORE_PROPS),
        prevent_initial_call="initial_duplicate",
    )
    def sync_url(search, _clear, _generation, stopped, *values):
        return sync_answer(view, dash.ctx.triggered_id, search, stopped, list(values))


def sync_answer(view: StoreView, trigger: object, search: str | None, stopped: object, values: list) -> list:
    """sync_url's answer: the link, the controls, the dropdowns' options, the map box and the link's note.

    One callback both ways (URL -> controls on load/back, controls -> URL on change): Dash allows a
    component to be input and output of the same callback, not across two. It also fills the
    dropdowns, in the same response as their values: a dropdown drops values its options lack, so
    restored values must never arrive before their options."""
    n = len(CONTROL_PROPS) + len(STORE_PROPS)
    keep_options = [dash.no_update] * (len(CHOICES) + 2)  # and the map box, and the link's note
    current = state_from_controls(values)
    if trigger == ids.CLEAR_FILTERS:
        cleared = replace(current, filters=Filters())
        return [to_query(cleared), *controls_from_state(cleared), *keep_options[:-1], ""]
    if trigger == ids.STORE_GENERATION:
        return [dash.no_update] * (n + 1) + view.views().choices(current.filters) + [dash.no_update] * 2
    if trigger is None or trigger == ids.URL:
        return _from_link(view, search, current, n)
    # Each URL change is a browser-history entry: playback steps would bury the user's own
    # steps, so the link is written when playback stops (this callback runs again then).
    if stopped is False:
        return [dash.no_update] * (n + 1) + keep_options
    query = to_query(current)
    return [dash.no_update if query == (search or "") else query] + [dash.no_update] * n + keep_options


def _from_link(view: StoreView, search: str | None, current: ViewState, n: int) -> list:
    """The state a link (opened, or gone back to) describes, cleaned of what the store lacks."""
    v = view.views()
    wanted, notes = parse_query(search)
    wanted, unknown = known_state(wanted, v) if v.n else (wanted, [])
    note = note_text(notes + unknown)
    options = v.choices(wanted.filters)
    if wanted == current:
        cleaned = to_query(wanted) if note else dash.no_update
        return [cleaned] + [dash.no_update] * n + options + [dash.no_update, note]
    # The link's map view goes to the map once (see callbacks.MAP_BOX_JS and state.restore_view).
    # A cluster's box goes to the map as a click on the cluster would send it.
    box = box_of_view(wanted.view_dict())
    # The link's place is marked as seen: the camera (clientside.CAMERA_JS) leaves the view to the link.
    place = wanted.selection.place
    move = (
        dash.no_update
        if wanted.view == current.view
        else {"box": box, "goto": box, "view": None, "place": place}
        if box
        else {"box": None, "goto": None, "view": wanted.view_dict(), "place": place}
    )
    # The controls take the cleaned state, and a link that asked for more shows only what it got.
    return [to_query(wanted) if note else dash.no_update, *controls_from_state(wanted), *options, move, note]
