"""Pure view state answered in the browser: no request to the server for what only the page shows."""

from __future__ import annotations

import json

import dash
from dash import Input, Output, State

from dashboard.app import ids
from dashboard.app.figures import legend_title

# The filters drawer at phone width: the section's class and the button's aria-expanded follow the
# number of presses (odd: open). Wide screens show the filters whatever the class says.
DRAWER_JS = """
function(n) {
    const open = (n || 0) % 2 === 1;
    return [open ? 'filters open' : 'filters', open ? 'true' : 'false', open ? 'Filters ▴' : 'Filters ▾'];
}
"""


# The time window as typed dates (and "go to place"), both ways in one callback (Dash allows a
# component to be input and output of one callback, not of two): a new selection (drag, playback,
# link) writes the fields; a typed date or a preset writes the selection, keeping its place and event.
# A date that is not a real YYYY-MM-DD day (or a window that ends before it starts) marks its field
# invalid and changes nothing.
DATES_JS = """
function(sel, picked, typedFrom, typedTo, ...rest) {
    const extent = rest.pop();
    const nu = window.dash_clientside.no_update;
    const presets = __PRESETS__;
    const s = Object.assign({start: null, end: null, place: null, event: null}, sel || {});
    const day = v => v ? String(v).slice(0, 10) : '';
    const trig = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id.split('.')[0]);
    if (trig.indexOf('__PICK__') >= 0) {
        // "Go to place" selects the place as a click on its marker would, then empties itself.
        if (!picked) { return [nu, nu, nu, nu, nu, nu]; }
        const next = Object.assign({}, s, {place: picked, event: picked === s.place ? s.event : null});
        return [nu, nu, next, nu, nu, null];
    }
    const id = trig.find(t => t in presets);
    if (id !== undefined) {
        let start = null, end = null;
        if (presets[id] !== null) {
            if (!extent) { return [nu, nu, nu, nu, nu, nu]; }
            const hi = new Date(extent[1] + 'T00:00:00Z');
            const lo = new Date(hi.getTime() - (presets[id] - 1) * 86400000);
            start = lo.toISOString().slice(0, 10);
            end = extent[1] + ' 23:59:59';
        }
        return [day(start), day(end), Object.assign({}, s, {start: start, end: end}), 'date', 'date', nu];
    }
    if (trig.indexOf('__FROM__') < 0 && trig.indexOf('__TO__') < 0) {
        return [day(s.start), day(s.end), nu, 'date', 'date', nu];
    }
    const valid = v => !v || (/^\\d{4}-\\d{2}-\\d{2}$/.test(v)
        && !isNaN(Date.parse(v + 'T00:00:00Z')) && new Date(v + 'T00:00:00Z').toISOString().slice(0, 10) === v);
    const from = (typedFrom || '').trim(), to = (typedTo || '').trim();
    const order = !from || !to || from <= to;
    if (!valid(from) || !valid(to) || !order) {
        const cls = ok => ok ? 'date' : 'date invalid';
        return [nu, nu, nu, cls(valid(from) && order), cls(valid(to) && order), nu];
    }
    const start = from || null, end = to ? to + ' 23:59:59' : null;
    if (day(start) === day(s.start) && day(end) === day(s.end)) { return [nu, nu, nu, 'date', 'date', nu]; }
    return [nu, nu, Object.assign({}, s, {start: start, end: end}), 'date', 'date', nu];
}
""".replace("__PRESETS__", json.dumps(ids.DATE_PRESETS)).replace("__FROM__", ids.DATE_FROM) \
    .replace("__TO__", ids.DATE_TO).replace("__PICK__", ids.PLACE_PICK)


# What marker size means follows the "size:" control with no request.
MAP_KEY_JS = """
function(sizeBy) { return sizeBy === 'fatalities' ? __DEATHS__ : __EVENTS__; }
""".replace("__DEATHS__", json.dumps(legend_title("fatalities"))) \
    .replace("__EVENTS__", json.dumps(legend_title("n_events")))


def register_callbacks(app: dash.Dash) -> None:
    app.clientside_callback(MAP_KEY_JS, Output(ids.MAP_KEY, "children"), Input(ids.SIZE_BY, "value"),
                            prevent_initial_call=True)
    app.clientside_callback(
        DATES_JS, Output(ids.DATE_FROM, "value"), Output(ids.DATE_TO, "value"),
        Output(ids.SELECTION, "data", allow_duplicate=True), Output(ids.DATE_FROM, "className"),
        Output(ids.DATE_TO, "className"), Output(ids.PLACE_PICK, "value"),
        Input(ids.SELECTION, "data"), Input(ids.PLACE_PICK, "value"), Input(ids.DATE_FROM, "value"),
        Input(ids.DATE_TO, "value"),
        *(Input(pid, "n_clicks") for pid in ids.DATE_PRESETS), State(ids.DATE_EXTENT, "data"),
        prevent_initial_call="initial_duplicate")
    app.clientside_callback(DRAWER_JS, Output(ids.FILTERS_PANEL, "className"),
                            Output(ids.FILTERS_TOGGLE, "aria-expanded"), Output(ids.FILTERS_TOGGLE, "children"),
                            Input(ids.FILTERS_TOGGLE, "n_clicks"), prevent_initial_call=True)
