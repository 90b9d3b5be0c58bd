// The remembered theme (dcc.Store "theme", storage_type local, JSON in localStorage) is applied
// before Dash renders, so a dark page never flashes light on load.
(function () {
    try {
        const saved = JSON.parse(window.localStorage.getItem('theme'));
        if (saved === 'dark' || saved === 'light') { document.documentElement.dataset.theme = saved; }
    } catch (err) {
        // No storage (private mode) or a foreign value: keep the default theme.
    }
})();

// The button that opened the reader gets the focus back when it closes (keyboard users stay in place):
// its event is remembered (dashboard/app/reader.py FOCUS_JS finds the button by it).
document.addEventListener('click', function (event) {
    const opener = event.target.closest && event.target.closest('#excerpts button[data-action="read"]');
    if (opener) { document.documentElement.dataset.readerOpener = opener.dataset.event || ''; }
});

// Escape closes the reader panel (the close button does the work, so Dash sees an ordinary click).
document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') { return; }
    const reader = document.getElementById('reader');
    const close = document.getElementById('reader-close');
    if (reader && !reader.hidden && close) { close.click(); }
});

// Typed text stays in the order it was typed. dcc.Input with debounce (Dash 4.4) puts the caret
// back after each keystroke from a timer (setTimeout 0, the caret read when that keystroke was
// drawn); on a busy page the browser handles keystrokes waiting in its queue before timers, so a
// late restore moved the caret back into the text typed since and the rest went in before it:
// "MOSCOW" became "MSCOWO" (a browser test under load, the search then matched nothing). A text
// field of the page ignores a caret move to anywhere but where the user's last edit left it.
const caretGuarded = new WeakSet();
document.addEventListener('focusin', function (event) {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains('dash-input-element')
        || input.type === 'number' || caretGuarded.has(input)) { return; }
    caretGuarded.add(input);
    let edited = null;  // the caret after the user's last edit (this runs before React's own listener)
    input.addEventListener('input', function () { edited = input.selectionStart; });
    input.setSelectionRange = function (start, end, direction) {
        if (start === end && edited !== null && start !== edited) { return; }
        HTMLInputElement.prototype.setSelectionRange.call(this, start, end, direction);
    };
}, true);

// A double-click on the map lets go of a box or lasso area, as on the timeline. Plotly answers it
// with plotly_doubleclick, which dcc.Graph has no property for; the DOM event reaches the page
// whatever the map has re-rendered, so the store "map-double-click" carries it to Dash.
document.addEventListener('dblclick', function (event) {
    if (!event.target.closest || !event.target.closest('#map')) { return; }
    if (window.dash_clientside && window.dash_clientside.set_props) {
        window.dash_clientside.set_props('map-double-click', {data: Date.now()});
    }
});

// A table row's place chosen with Ctrl, ⌘ or Shift held (by mouse, or Shift+Enter from the keyboard)
// marks it beside the rows marked before (again: unmarks it) and the map is fitted to the marked rows'
// places (the store "camera-places", clientside.py CAMERA_JS); chosen plainly, the row alone is marked
// and selected. Marks are kept by event across redraws and pages of the table; "Clear selection"
// lets them go.
const markedRows = new Map();  // event id -> place key
document.addEventListener('click', function (event) {
    if (!event.target.closest || !event.target.closest('#reset-selection')) { return; }
    markedRows.clear();
    showMarks(document.getElementById('excerpts'));
});

function showMarks(container) {
    if (!container) { return; }
    for (const b of container.querySelectorAll('button.row-pick[data-event]')) {
        const tr = b.closest('tr');
        const on = markedRows.has(b.dataset.event);
        if (tr) { tr.classList.toggle('marked', on); }
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
    }
}

// An excerpt's buttons ("select", "Read in context", "Other places", and the list's pages) carry what they act on in
// data-* attributes; one listener hands a click to Dash as the store "excerpt-action"
// (dashboard/app/clientside.py SELECT_JS). A callback on every button would be woken each time
// the list is redrawn, for nothing.
document.addEventListener('click', function (event) {
    const button = event.target.closest && event.target.closest('#excerpts button[data-action]');
    if (!button || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
    const d = button.dataset;
    if (d.action === 'row' && d.event) {
        const together = event.ctrlKey || event.metaKey || event.shiftKey;
        if (!together) { markedRows.clear(); }
        if (together && markedRows.has(d.event)) { markedRows.delete(d.event); } else { markedRows.set(d.event, d.place || ''); }
        showMarks(document.getElementById('excerpts'));
        if (together) {
            window.dash_clientside.set_props('camera-places', {data: {places: Array.from(markedRows.values()), at: Date.now()}});
            return;
        }
    }
    window.dash_clientside.set_props('excerpt-action', {data: {
        action: d.action, event: d.event || null, article: d.article || null, place: d.place || null,
        page: d.page === undefined ? null : Number(d.page), token: d.token || null, sort: d.sort || null,
        desc: d.desc || null, view: d.view || null, at: Date.now()}});
});

// The panel beside the map (sentences or table) as plain DOM, from the node JSON the server sends to
// the store "excerpt-nodes" (dashboard/app/nodes.py node(): {type, props: {children, ...}}), the JSON
// Dash would have made components of. As Dash components, the ~300 nodes of a page of sentences were
// most of the page's components, and dash-renderer re-checks every component of the page at every
// store update of an interaction. Text only ever becomes a text node (article text stays text); only
// the tags and attributes below are made, links only to http(s); anything else is dropped.
const PANEL_TAGS = new Set(['A', 'Article', 'Blockquote', 'Button', 'Div', 'Em', 'H2', 'H3', 'Li', 'Mark', 'Nav', 'P',
    'Section', 'Small', 'Span', 'Strong', 'Table', 'Tbody', 'Td', 'Th', 'Thead', 'Tr', 'Ul']);
const PANEL_ATTRIBUTES = new Set(['title', 'type', 'role', 'scope', 'target', 'rel', 'lang', 'dir', 'colSpan',
    'rowSpan', 'tabIndex']);

function renderNode(value, into) {
    if (value === null || value === undefined || typeof value === 'boolean') { return; }
    if (Array.isArray(value)) { value.forEach(v => renderNode(v, into)); return; }
    if (typeof value !== 'object') { into.appendChild(document.createTextNode(String(value))); return; }
    if (!PANEL_TAGS.has(value.type)) { return; }
    const el = document.createElement(value.type.toLowerCase());
    const props = value.props || {};
    for (const [name, v] of Object.entries(props)) {
        if (name === 'children' || v === null || v === undefined || typeof v === 'object' && name !== 'style') {
            continue;
        }
        if (name === 'className') {
            el.className = String(v);
        } else if (name === 'style') {
            for (const [k, css] of Object.entries(v)) {
                if (typeof css === 'string' || typeof css === 'number') { el.style[k] = String(css); }
            }
        } else if (name === 'href') {
            if (value.type === 'A' && /^\s*https?:/i.test(String(v))) { el.setAttribute('href', String(v).trim()); }
        } else if (PANEL_ATTRIBUTES.has(name) || /^(data|aria)-[a-z-]+$/.test(name)) {
            el.setAttribute(name === 'colSpan' ? 'colspan' : name === 'rowSpan' ? 'rowspan' :
                            name === 'tabIndex' ? 'tabindex' : name, String(v));
        }
    }
    renderNode(props.children, el);
    into.appendChild(el);
}

// What a focused button of the panel acts on, to find its like in the new panel (a redraw would
// otherwise drop the keyboard's place to the page's start).
const FOCUS_KEYS = ['action', 'event', 'view', 'sort'];

function renderNodes(container, nodes) {
    if (!container) { return; }
    const active = document.activeElement;
    const focused = active && container.contains(active) && active.dataset ? active : null;
    const ordinal = focused && focused.dataset.action ?
        Array.from(container.querySelectorAll('[data-action="' + CSS.escape(focused.dataset.action) + '"]'))
            .indexOf(focused) : -1;
    const fragment = document.createDocumentFragment();
    renderNode(nodes, fragment);
    container.replaceChildren(fragment);
    showMarks(container);
    reveal(container);
    if (!focused || !focused.dataset.action) { return; }
    const same = Array.from(container.querySelectorAll('[data-action="' + CSS.escape(focused.dataset.action) + '"]'));
    const twin = same.find(el => FOCUS_KEYS.every(k => el.dataset[k] === focused.dataset[k])) ||
        same[Math.min(ordinal, same.length - 1)];
    if (twin) { twin.focus({preventScroll: true}); }
}

// What a new panel brings into view. The selected sentence, once per event selected (a link's event, an
// event chosen in the table or the reader, on whatever page of the list holds it): scrolled to the
// nearest edge, so a sentence already in view does not move. And after a marker tapped on a narrow
// screen (one column: the sentences start ~1,000 px under the map, and nothing else on screen changes),
// the panel that answers the tap, from its top: only then, not at every redraw, and never on a wide
// screen, where the panel is beside the map.
let revealedEvent = null;
let revealPanel = false;
const NARROW = '(max-width: 800px)';  // assets/style.css: one column

function reveal(container) {
    const picked = container.querySelector('button[data-action="pick"][aria-pressed="true"]');
    const event = picked ? picked.dataset.event : null;
    if (revealPanel) {
        revealPanel = false;
        container.scrollIntoView({block: 'start'});
    } else if (picked && event !== revealedEvent) {
        (picked.closest('article') || picked).scrollIntoView({block: 'nearest'});
    }
    revealedEvent = event;
}

let pendingPlaceOptions = null;
for (const kind of ['pointerdown', 'mousedown', 'click', 'focusin', 'keydown']) {
    document.addEventListener(kind, function (event) {
        if (pendingPlaceOptions === null || !event.target.closest || !event.target.closest('#place-pick')) { return; }
        if (!window.dash_clientside || !window.dash_clientside.set_props) { return; }
        const options = pendingPlaceOptions;
        pendingPlaceOptions = null;
        window.dash_clientside.set_props('place-pick', {options: options});
    }, true);
}

// What the map shows, for the map's clientside callbacks (dashboard/app/callbacks.py MAP_BOX_JS,
// clientside.py CAMERA_JS): the lon/lat box [west, east, south, north] of the offline (geo) map,
// read from plotly's own projection by inverting a grid of points over the plot area; null when
// the map is not drawn yet or is a tile map.
window.conflictmap = {
    renderNodes: renderNodes,
    // A marker click selected a place (dashboard/app/clientside.py SELECT_JS): on a narrow screen the
    // next panel drawn, the answer to it, is scrolled into view.
    placeTapped: function () { revealPanel = window.matchMedia(NARROW).matches; },
    // The latest "Go to place" options (dashboard/app/clientside.py PLACE_OPTIONS_JS): returned to
    // the dropdown at once when it is in use, else kept until it is pressed, clicked or focused.
    placeOptions: function (options, now) {
        pendingPlaceOptions = now ? null : options;
        return now ? options : window.dash_clientside.no_update;
    },
    geoBox: function (gd) {
        const full = gd && gd._fullLayout;
        const sp = full && full.geo && full.geo._subplot;
        if (!sp || !sp.bounds || !sp.projection) { return null; }
        const b = sp.bounds, lon = [], lat = [];
        for (let i = 0; i <= 8; i++) {
            for (let j = 0; j <= 8; j++) {
                const q = sp.projection.invert([b[0][0] + (b[1][0] - b[0][0]) * i / 8,
                                                b[0][1] + (b[1][1] - b[0][1]) * j / 8]);
                if (q && isFinite(q[0]) && isFinite(q[1])) { lon.push(q[0]); lat.push(q[1]); }
            }
        }
        if (!lon.length) { return null; }
        return [Math.max(-180, Math.min(...lon)), Math.min(180, Math.max(...lon)),
                Math.max(-90, Math.min(...lat)), Math.min(90, Math.max(...lat))];
    },
    // The map's plot area ([w, h] px, plotly's _size) handed to the store `store` (callbacks.py
    // MAP_BOX_JS) after each draw that changed it: read at the first draw only, it was sometimes the
    // plot of a page still being laid out. At once, not after a pause: a callback waiting on a timer
    // is one nobody (a test waiting for the page to settle) can see coming.
    watchPanel: function (gd, store) {
        if (!gd || !gd.on || gd.__panelWatched) { return; }
        gd.__panelWatched = true;
        let sent = null;
        const report = function () {
            const s = gd._fullLayout && gd._fullLayout._size;
            if (!s || !s.w || !s.h || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
            const px = [Math.round(s.w), Math.round(s.h)];
            if (sent && sent[0] === px[0] && sent[1] === px[1]) { return; }
            sent = px;
            window.dash_clientside.set_props(store, {data: {px: px}});
        };
        gd.on('plotly_afterplot', report);
        report();
    },
    tileBox: function (gd) {
        const m = gd && gd._fullLayout && gd._fullLayout.map;
        if (!m || !m.center) { return null; }
        const half = 180 / Math.pow(2, m.zoom || 1);
        return [m.center.lon - half, m.center.lon + half, m.center.lat - half / 2, m.center.lat + half / 2];
    }
};

// The corrections log's "Undo" buttons carry their correction's id; one listener hands a click to
// Dash as the store "correct-undo" (dashboard/app/correct.py), as the excerpts' buttons do.
document.addEventListener('click', function (event) {
    const button = event.target.closest && event.target.closest('#correct button[data-undo]');
    if (!button || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
    window.dash_clientside.set_props('correct-undo', {data: {id: button.dataset.undo, at: Date.now()}});
});

// The upload review's "Store these events" / "Discard" (dashboard/app/upload_review.py), the same way.
document.addEventListener('click', function (event) {
    const button = event.target.closest && event.target.closest('#upload-status button[data-upload]');
    if (!button || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
    window.dash_clientside.set_props('upload-decision', {data: {decision: button.dataset.upload, at: Date.now()}});
});

// "Pick on the map" in the correction dialog (dashboard/app/correct.py): the button turns pick mode
// on (aria-pressed, a crosshair over the map); the next click on the map is handed to Dash as the
// store "correct-point" {lat, lon} and ends it, as does Escape. While picking, the map's own
// press is kept from plotly, so the click neither selects a marker nor pans the map.
(function () {
    const button = () => document.getElementById('correct-pick');
    const picking = () => document.documentElement.dataset.pick === 'on';
    const setPicking = on => {
        if (on) { document.documentElement.dataset.pick = 'on'; } else { delete document.documentElement.dataset.pick; }
        const b = button();
        if (b) { b.setAttribute('aria-pressed', on ? 'true' : 'false'); }
    };
    // Where a click on the map is, in lon/lat: plotly's geo projection (offline map) or MapLibre (tiles).
    const lonLat = (gd, event) => {
        const full = gd && gd._fullLayout;
        const geo = full && full.geo && full.geo._subplot;
        if (geo && geo.projection) {
            const svg = gd.querySelector('.main-svg').getBoundingClientRect();
            const q = geo.projection.invert([event.clientX - svg.left, event.clientY - svg.top]);
            return q && isFinite(q[0]) && isFinite(q[1]) ? q : null;
        }
        const map = full && full.map && full.map._subplot && full.map._subplot.map;
        if (map) {
            const box = map.getContainer().getBoundingClientRect();
            const ll = map.unproject([event.clientX - box.left, event.clientY - box.top]);
            return [ll.lng, ll.lat];
        }
        return null;
    };
    const inMap = event => event.target.closest && event.target.closest('#map .js-plotly-plot')
        && !event.target.closest('.modebar');
    document.addEventListener('click', function (event) {
        if (event.target.closest && event.target.closest('#correct-pick')) { setPicking(!picking()); return; }
        if (!picking() || !inMap(event)) { return; }
        event.stopPropagation();
        const q = lonLat(event.target.closest('#map .js-plotly-plot'), event);
        setPicking(false);
        if (q && q[1] >= -90 && q[1] <= 90 && window.dash_clientside && window.dash_clientside.set_props) {
            const lon = ((q[0] + 540) % 360) - 180;
            window.dash_clientside.set_props('correct-point', {data: {lat: q[1], lon: lon, at: Date.now()}});
        }
    }, true);
    for (const kind of ['pointerdown', 'mousedown', 'touchstart']) {
        document.addEventListener(kind, function (event) {
            if (picking() && inMap(event)) { event.stopPropagation(); }
        }, true);
    }
    document.addEventListener('keydown', function (event) {
        if (event.key === 'Escape' && picking()) { setPicking(false); }
    });
})();

// A map gesture is the user's: a redraw from the server that arrives while the map is being dragged,
// boxed, lassoed or wheel-zoomed is held until the gesture ends, then drawn with the map's view as the
// gesture left it (as it came when the gesture moved nothing: a click, a lasso). Drawn at once, plotly put back the view the answer was made for (it learns a
// gesture's view only when the gesture ends) and replaced the drag's projection under the pointer, so
// the rest of the drag moved nothing: the map jumped back and the drag was lost (tests/browser/
// test_gestures.py). dcc.Graph draws through window.Plotly.react, one figure at a time (it waits for
// each draw), so the redraw waits and later ones queue behind it. While one is held, the map's
// element says so (data-held="figure").
(function () {
    const WHEEL_IDLE_MS = 300;  // a wheel zoom ends this long after its last step (plotly's own zoom ends after 50 ms)
    let pressed = false;
    let wheelTimer = null;
    let held = null;  // {gd, args, resolve, reject}: the redraw waiting for the gesture's end
    let viewAtStart = null;  // the map's view when the gesture began
    let react = null;  // plotly's own Plotly.react
    const inGesture = () => pressed || wheelTimer !== null;
    const mapPlot = event => event.target.closest && event.target.closest('#map .js-plotly-plot')
        && !event.target.closest('.modebar') && document.documentElement.dataset.pick !== 'on';

    // The map's view as drawn: the offline map's center, projection and ranges, or the tile map's camera.
    function viewOf(gd) {
        const full = (gd && gd._fullLayout) || {};
        const g = full.geo, m = full.map;
        return JSON.stringify(g ? [g.center, g.projection, g.lonaxis && g.lonaxis.range, g.lataxis && g.lataxis.range]
            : m ? [m.center, m.zoom, m.bearing, m.pitch] : null);
    }
    function gestureStarts(event) {
        wrapReact();
        if (!inGesture()) { viewAtStart = viewOf(event.target.closest('#map .js-plotly-plot')); }
    }

    // The map's view as it is drawn now, put in the figure's layout in place of the view it was made for.
    function keepView(gd, figure) {
        const full = gd._fullLayout || {};
        const layout = Object.assign({}, figure.layout || {});
        const g = full.geo;
        if (g && layout.geo && g.center && g.projection && g.lonaxis && g.lataxis) {
            const rotation = g.projection.rotation || {};
            layout.geo = Object.assign({}, layout.geo, {
                center: {lon: g.center.lon, lat: g.center.lat},
                projection: Object.assign({}, layout.geo.projection || {}, {
                    scale: g.projection.scale,
                    rotation: {lon: rotation.lon, lat: rotation.lat, roll: rotation.roll}}),
                lonaxis: Object.assign({}, layout.geo.lonaxis || {}, {range: g.lonaxis.range.slice()}),
                lataxis: Object.assign({}, layout.geo.lataxis || {}, {range: g.lataxis.range.slice()}),
                fitbounds: false});
        }
        const m = full.map;
        if (m && layout.map && m.center) {
            layout.map = Object.assign({}, layout.map, {
                center: {lon: m.center.lon, lat: m.center.lat}, zoom: m.zoom, bearing: m.bearing, pitch: m.pitch});
        }
        return Object.assign({}, figure, {layout: layout});
    }

    function release() {
        if (!held || inGesture()) { return; }
        const h = held;
        held = null;
        const box = document.getElementById('map');
        if (box) { delete box.dataset.held; }
        const args = Array.from(h.args);
        // A press that moved nothing (a click) leaves the redraw as it came: it may refit the map to new places.
        const moved = viewOf(h.gd) !== viewAtStart;
        if (moved && args[1] && typeof args[1] === 'object' && !Array.isArray(args[1])) {
            args[1] = keepView(h.gd, args[1]);
        }
        Promise.resolve().then(() => react.apply(window.Plotly, args)).then(h.resolve, h.reject);
    }

    // Plotly loads after this file (dcc.Graph fetches it when the first graph mounts): wrapped at the
    // first gesture, when the map is drawn and so Plotly is there.
    function wrapReact() {
        const P = window.Plotly;
        if (!P || react !== null) { return; }
        react = P.react;
        P.react = function (gd) {
            if (!inGesture() || !gd || !gd.closest || !gd.closest('#map')) { return react.apply(this, arguments); }
            const args = arguments;
            return new Promise(function (resolve, reject) {
                if (held) { held.resolve(); }  // an older held redraw gives way to this one
                held = {gd: gd, args: args, resolve: resolve, reject: reject};
                const box = document.getElementById('map');
                if (box) { box.dataset.held = 'figure'; }
            });
        };
    }

    document.addEventListener('pointerdown', function (event) {
        if (!mapPlot(event)) { return; }
        gestureStarts(event);
        pressed = true;
    }, true);
    // After the gesture's own handlers (plotly ends a drag on the mouseup that follows this pointerup,
    // and writes the gesture's view then): the held redraw goes out from a task of its own.
    const letGo = function () {
        if (!pressed) { return; }
        pressed = false;
        setTimeout(release, 0);
    };
    window.addEventListener('pointerup', letGo, true);
    window.addEventListener('pointercancel', letGo, true);
    window.addEventListener('blur', letGo);  // let go outside the window: no pointerup may come
    document.addEventListener('wheel', function (event) {
        if (!mapPlot(event)) { return; }
        gestureStarts(event);
        clearTimeout(wheelTimer);
        wheelTimer = setTimeout(function () { wheelTimer = null; release(); }, WHEEL_IDLE_MS);
    }, {capture: true, passive: true});
})();

// What the page shows by look only, told to assistive technology too: the upload's file field (drawn
// by dcc.Upload, with no label of its own) is named after its button, once Dash has drawn it; a field
// the page marks invalid by its class (an impossible typed date: clientside.DATES_JS) is aria-invalid.
// Only class changes are watched for the second (not every node plotly adds while drawing or hovering).
const uploadNamed = new MutationObserver(function () {
    const file = document.querySelector('#upload input[type="file"]');
    if (!file) { return; }
    file.setAttribute('aria-label', 'Add articles: choose article files');
    uploadNamed.disconnect();
});
uploadNamed.observe(document.documentElement, {childList: true, subtree: true});
new MutationObserver(function () {
    for (const box of document.querySelectorAll('.date')) {  // dcc.Input's className is on a wrapper
        const input = box.matches('input') ? box : box.querySelector('input');
        if (!input) { continue; }
        const invalid = box.classList.contains('invalid');
        if (invalid !== (input.getAttribute('aria-invalid') === 'true')) {
            if (invalid) { input.setAttribute('aria-invalid', 'true'); } else { input.removeAttribute('aria-invalid'); }
        }
    }
}).observe(document.documentElement, {subtree: true, attributes: true, attributeFilter: ['class']});
