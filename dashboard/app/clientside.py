"""Pure view state answered in the browser: no request to the server for what only the page shows."""

from __future__ import annotations

import json

import dash
from dash import Input, Output, State

from dashboard.app import ids
from dashboard.app.figures import legend_title
from dashboard.app.mapview import CLUSTER_PREFIX

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
DATES_JS = (
    """
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
""".replace("__PRESETS__", json.dumps(ids.DATE_PRESETS))
    .replace("__FROM__", ids.DATE_FROM)
    .replace("__TO__", ids.DATE_TO)
    .replace("__PICK__", ids.PLACE_PICK)
)


# What marker size means follows the "size:" control with no request.
MAP_KEY_JS = """
function(sizeBy) { return sizeBy === 'fatalities' ? __DEATHS__ : __EVENTS__; }
""".replace("__DEATHS__", json.dumps(legend_title("fatalities"))).replace(
    "__EVENTS__", json.dumps(legend_title("n_events"))
)


# The selection after a user action, as query.next_selection computes it (its reference and tests):
# "Clear selection" empties it; a timeline drag sets the dates (a double-click clears them); a marker
# click selects its place, or lets it go when it is selected (a cluster zooms the map instead: see
# callbacks.MAP_BOX_JS); an excerpt's buttons mark its event ("select": only that), select its event
# and place and open the correction panel on it ("Other places", ids.CORRECT_EVENT: the one way it
# opens from the list) or open the reader ("Read in context"); the
# list's page buttons choose which page of sentences it shows; the table's rows select their event and
# place, its headings sort it, and the panel's tabs switch between sentences and table.
SELECT_JS = (
    """
function(range, click, reset, action, current, table) {
    const nu = window.dash_clientside.no_update;
    const out = r => r.concat([nu]);  // the correction panel left alone
    const t = Object.assign({view: 'list'}, table || {});
    const trig = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id);
    const s = Object.assign({start: null, end: null, place: null, event: null}, current || {});
    const has = id => trig.some(t => t.indexOf(id + '.') === 0);
    if (has('__RESET__')) { return out([{start: null, end: null, place: null, event: null}, nu, nu, nu]); }
    if (has('__RANGE__')) {
        const r = range || {};
        if (r['xaxis.autorange']) { return out([Object.assign({}, s, {start: null, end: null}), nu, nu, nu]); }
        let lo = r['xaxis.range[0]'], hi = r['xaxis.range[1]'];
        if (lo === undefined && Array.isArray(r['xaxis.range'])) { lo = r['xaxis.range'][0]; hi = r['xaxis.range'][1]; }
        if (lo === undefined || hi === undefined || lo === null || hi === null) { return out([nu, nu, nu, nu]); }
        return out([Object.assign({}, s, {start: String(lo).slice(0, 10), end: String(hi).slice(0, 19)}), nu, nu, nu]);
    }
    if (has('__MAP__')) {
        const p = click && click.points && click.points[0];
        const key = p && p.customdata;
        if (typeof key !== 'string' || key.indexOf('__CLUSTER__') === 0) { return out([nu, nu, nu, nu]); }
        // On a phone the sentences are far below the map: the answer's panel is brought into view (assets/panels.js).
        if (key !== s.place && window.conflictmap) { window.conflictmap.placeTapped(); }
        return out([{start: s.start, end: s.end, place: key === s.place ? null : key, event: null}, nu, nu, nu]);
    }
    if (has('__ACTION__') && action && action.action === 'page') {
        return out([nu, nu, {page: action.page || 0, token: action.token}, nu]);
    }
    if (has('__ACTION__') && action && action.action === 'view') {
        return out([nu, nu, nu, Object.assign({}, t, {view: action.view === 'table' ? 'table' : 'list'})]);
    }
    if (has('__ACTION__') && action && action.action === 'sort' && action.sort) {
        return out([nu, nu, nu, Object.assign({}, t, {sort: action.sort, desc: action.desc === '1'})]);
    }
    if (has('__ACTION__') && action && action.action === 'place' && action.place) {
        // A place the panel names as sharing the selected one's point (dashboard/app/stacks.py).
        return out([{start: s.start, end: s.end, place: action.place, event: null}, nu, nu, nu]);
    }
    if (has('__ACTION__') && action && action.event) {
        if (action.action === 'pick') {
            return out([Object.assign({}, s, {event: s.event === action.event ? null : action.event}), nu, nu, nu]);
        }
        if (action.action === 'row') {
            // A table row: its event and its place (the camera follows: see CAMERA_JS).
            return out([Object.assign({}, s, {place: action.place || s.place, event: action.event}), nu, nu, nu]);
        }
        if (action.action === 'correct') {
            return [Object.assign({}, s, {place: action.place || s.place, event: action.event}), nu, nu, nu,
                    action.event];
        }
        if (action.action === 'read' && action.article) {
            return out([nu, {article: action.article, event: action.event}, nu, nu]);
        }
    }
    return out([nu, nu, nu, nu]);
}
""".replace("__RESET__", ids.RESET)
    .replace("__RANGE__", ids.TIMELINE_RANGE)
    .replace("__MAP__", ids.MAP)
    .replace("__ACTION__", ids.EXCERPT_ACTION)
    .replace("__CLUSTER__", CLUSTER_PREFIX)
)

# The camera goes to a place chosen anywhere (a table row, an excerpt's "Other places", the reader's
# highlights, "Go to place", a link): when the new place lies outside the middle of what the map
# shows, the map is sent to a box centred on it (ids.MAP_BOX "goto", as a cluster click sends it),
# as large as the view but at most CAMERA_SPAN degrees wide. A place already in view (a marker
# click) leaves the camera alone, and so does letting a place go: a filter change never moves it.
# Nor does a link's place when the link has a view of its own, or a place chosen before the map is drawn.
# Several table rows marked together (ids.CAMERA_PLACES, assets/panels.js) take the same path: the map
# is fitted to their places' extent with a margin, in the shape of the view (one place: as above).
CAMERA_JS = (
    """
function(sel, marked, current) {
    const nu = window.dash_clientside.no_update;
    const trig = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id.split('.')[0]);
    const fitting = trig.indexOf('__FIT__') >= 0;
    const keys = fitting ? ((marked && marked.places) || []) : (sel && sel.place ? [sel.place] : []);
    const pts = keys.map(k => String(k).split('|')).filter(p => p.length >= 3)
        .map(p => [Number(p[p.length - 1]), Number(p[p.length - 2])])
        .filter(q => isFinite(q[0]) && isFinite(q[1]) && Math.abs(q[0]) <= 180 && Math.abs(q[1]) <= 90);
    if (!pts.length) { return nu; }
    const place = fitting ? null : keys[0];
    const gd = document.querySelector('#__MAP__ .js-plotly-plot');
    const cur = current || {};
    // A link's place with the link's own view (url_sync.sync_url marks it): the view goes first.
    if (!fitting && place === cur.place) { return nu; }
    const seen = cur.box || (window.conflictmap && (window.conflictmap.geoBox(gd) || window.conflictmap.tileBox(gd)));
    if (!seen) { return nu; }
    let w = seen[1] - seen[0], h = seen[3] - seen[2];
    const lons = pts.map(q => q[0]), lats = pts.map(q => q[1]);
    const west = Math.min(...lons), east = Math.max(...lons), south = Math.min(...lats), north = Math.max(...lats);
    let box;
    if (east - west < 1e-6 && north - south < 1e-6) {
        const lon = west, lat = south;
        const inside = lon >= seen[0] + w * __MARGIN__ && lon <= seen[1] - w * __MARGIN__
            && lat >= seen[2] + h * __MARGIN__ && lat <= seen[3] - h * __MARGIN__;
        if (inside) { return nu; }
        const shrink = Math.min(1, __SPAN__ / w);
        w *= shrink; h *= shrink;
        box = [lon - w / 2, lon + w / 2, lat - h / 2, lat + h / 2];
    } else {
        // Their extent and a margin on each side, at least __MIN__ degrees across, widened to the view's shape.
        const shape = w / h;
        let fw = Math.max((east - west) * (1 + 2 * __PAD__), __MIN__);
        let fh = Math.max((north - south) * (1 + 2 * __PAD__), __MIN__ / shape);
        if (fw / fh < shape) { fw = fh * shape; } else { fh = fw / shape; }
        const cx = (west + east) / 2, cy = (south + north) / 2;
        box = [Math.max(-180, cx - fw / 2), Math.min(180, cx + fw / 2),
               Math.max(-85, cy - fh / 2), Math.min(85, cy + fh / 2)];
    }
    return Object.assign({}, cur, {box: box, goto: box, view: null, place: place});
}
""".replace("__MAP__", ids.MAP)
    .replace("__FIT__", ids.CAMERA_PLACES)
    .replace("__SPAN__", "12")
    .replace("__MARGIN__", "0.08")
    .replace("__PAD__", "0.1")
    .replace("__MIN__", "1.5")
)

# Playback: state.playback_step and state.playback_done, in the browser (the window moves through
# the filtered events' span, ids.DATE_EXTENT, which the redraw writes). Play starts (or, pressed
# while playing, pauses); each tick steps the window, and the step that reaches the end stops.
PLAY_JS = """
function(clicks, ticks, stopped, sel, extent, win, step, cumulative) {
    const nu = window.dash_clientside.no_update;
    const trig = (window.dash_clientside.callback_context.triggered || []).map(t => t.prop_id);
    const pressed = trig.some(t => t.indexOf('__PLAY__.') === 0);
    if (pressed && !stopped) { return [nu, true, '▶ Play']; }
    if (!pressed && stopped) { return [nu, nu, nu]; }
    if (!Array.isArray(extent) || extent.length !== 2) { return [nu, true, '▶ Play']; }
    const DAY = 86400000;
    const day = v => Date.parse(String(v).slice(0, 10) + 'T00:00:00Z');
    const lo = day(extent[0]), hi = day(extent[1]);
    const s = Object.assign({start: null, end: null, place: null, event: null}, sel || {});
    const cur = s.end ? day(s.end) : null;
    if (!pressed && cur !== null && cur >= hi) { return [nu, true, '▶ Play']; }
    const w = Math.max(parseInt(win, 10) || 30, 1), st = Math.max(parseInt(step, 10) || 7, 1);
    let start, end;
    if (cur === null || isNaN(cur) || cur < lo || cur >= hi) {
        start = lo; end = Math.min(lo + (w - 1) * DAY, hi);
    } else {
        end = Math.min(cur + st * DAY, hi);
        start = Array.isArray(cumulative) && cumulative.length ? lo : Math.max(lo, end - (w - 1) * DAY);
    }
    const iso = t => new Date(t).toISOString().slice(0, 10);
    return [Object.assign({}, s, {start: iso(start), end: iso(end) + ' 23:59:59'}), false, '❚❚ Pause'];
}
""".replace("__PLAY__", ids.PLAY)

# The filter controls as one Filters dict (filters.Filters.from_dict reads it, tolerant of what a
# control sends): gathered here, the redraw is the only request a filter change makes.
FILTERS_JS = """
function(...values) {
    const names = __CHOICES__;
    const [minf, minc, text, precise, places] = values.slice(names.length);
    const out = {};
    names.forEach((name, i) => { out[name] = Array.isArray(values[i]) ? values[i] : (values[i] ? [values[i]] : []); });
    return Object.assign(out, {min_fatalities: minf === '' ? null : (minf ?? null),
                               min_confidence: minc === '' ? null : (minc ?? null), text: text || '',
                               precise_only: Array.isArray(precise) && precise.length > 0,
                               places: Array.isArray(places) ? places : []});
}
""".replace("__CHOICES__", json.dumps(list(ids.CHOICE_FILTERS.values())))

# The correction panel and the reader depend on the selected event only (the reader, only while
# open): these stores change when that does, so a marker click or a brush wakes neither. The correction
# panel opens only from an excerpt's "Other places" (SELECT_JS) or a place chosen in the reader
# (reader.py), never for an event selected otherwise ("select", a table row, a link); selecting another
# event closes it (its save acts on the selected event, correct_callbacks.save_answer).
GATES_JS = """
function(sel, readerHidden, correctEvent, readerEvent) {
    const nu = window.dash_clientside.no_update;
    const ev = (sel && sel.event) || null;
    return [correctEvent && ev !== correctEvent ? null : nu, readerHidden || ev === (readerEvent || null) ? nu : ev];
}
"""


# The excerpts panel from its node JSON (assets/panels.js renderNodes): plain DOM, not Dash components.
PANEL_JS = """
function(nodes) {
    window.conflictmap.renderNodes(document.getElementById('__EXCERPTS__'), nodes || []);
    return window.dash_clientside.no_update;
}
""".replace("__EXCERPTS__", ids.EXCERPTS)


# "Go to place" gets its options when it is opened or focused (assets/panels.js placeOptions), not
# at every answer: a dropdown given ~300 new options re-rendered for ~150 ms of each brush. While
# it is open or focused, new options go to it at once.
PLACE_OPTIONS_JS = """
function(options) {
    const pick = document.getElementById('__PICK__');
    const open = pick && (pick.contains(document.activeElement) || pick.querySelector('[aria-expanded="true"]')
                          || pick.getAttribute('aria-expanded') === 'true');
    return window.conflictmap.placeOptions(options || [], !!open);
}
""".replace("__PICK__", ids.PLACE_PICK)


def register_callbacks(app: dash.Dash) -> None:
    _register_selection(app)
    _register_panels_and_controls(app)


def _register_selection(app: dash.Dash) -> None:
    """The place list, the side panel's drawing, the selection and the filters, set in the browser."""
    app.clientside_callback(
        PLACE_OPTIONS_JS, Output(ids.PLACE_PICK, "options"), Input(ids.PLACE_OPTIONS, "data"), prevent_initial_call=True
    )
    app.clientside_callback(
        PANEL_JS, Output(ids.EXCERPTS, "data-drawn"), Input(ids.EXCERPT_NODES, "data"), prevent_initial_call=True
    )
    app.clientside_callback(
        SELECT_JS,
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Output(ids.READER_STATE, "data", allow_duplicate=True),
        Output(ids.EXCERPT_PAGE, "data"),
        Output(ids.TABLE_STATE, "data"),
        Output(ids.CORRECT_EVENT, "data", allow_duplicate=True),
        Input(ids.TIMELINE_RANGE, "data"),
        Input(ids.MAP, "clickData"),
        Input(ids.RESET, "n_clicks"),
        Input(ids.EXCERPT_ACTION, "data"),
        State(ids.SELECTION, "data"),
        State(ids.TABLE_STATE, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        FILTERS_JS,
        Output(ids.FILTERS, "data"),
        *(Input(cid, "value") for cid in ids.CHOICE_FILTERS),
        *(
            Input(cid, "value")
            for cid in (ids.FILTER_MIN_FATALITIES, ids.FILTER_MIN_CONFIDENCE, ids.FILTER_TEXT, ids.PRECISE_ONLY)
        ),
        Input(ids.MAP_PLACES, "data"),
        # The layout starts with the empty filters: gathering them again would draw every view twice.
        prevent_initial_call=True,
    )


def _register_panels_and_controls(app: dash.Dash) -> None:
    """Which panels follow the selection, where the map moves, the map key, the date fields, the drawer."""
    app.clientside_callback(
        GATES_JS,
        Output(ids.CORRECT_EVENT, "data"),
        Output(ids.READER_EVENT, "data"),
        Input(ids.SELECTION, "data"),
        State(ids.READER, "hidden"),
        State(ids.CORRECT_EVENT, "data"),
        State(ids.READER_EVENT, "data"),
    )
    app.clientside_callback(
        CAMERA_JS,
        Output(ids.MAP_BOX, "data", allow_duplicate=True),
        Input(ids.SELECTION, "data"),
        Input(ids.CAMERA_PLACES, "data"),
        State(ids.MAP_BOX, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        MAP_KEY_JS, Output(ids.MAP_KEY, "children"), Input(ids.SIZE_BY, "value"), prevent_initial_call=True
    )
    app.clientside_callback(
        DATES_JS,
        Output(ids.DATE_FROM, "value"),
        Output(ids.DATE_TO, "value"),
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Output(ids.DATE_FROM, "className"),
        Output(ids.DATE_TO, "className"),
        Output(ids.PLACE_PICK, "value"),
        Input(ids.SELECTION, "data"),
        Input(ids.PLACE_PICK, "value"),
        Input(ids.DATE_FROM, "value"),
        Input(ids.DATE_TO, "value"),
        *(Input(pid, "n_clicks") for pid in ids.DATE_PRESETS),
        State(ids.DATE_EXTENT, "data"),
        prevent_initial_call="initial_duplicate",
    )
    app.clientside_callback(
        DRAWER_JS,
        Output(ids.FILTERS_PANEL, "className"),
        Output(ids.FILTERS_TOGGLE, "aria-expanded"),
        Output(ids.FILTERS_TOGGLE, "children"),
        Input(ids.FILTERS_TOGGLE, "n_clicks"),
        prevent_initial_call=True,
    )
