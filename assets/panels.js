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

// The button that opened the reader gets the focus back when it closes (keyboard users stay in place).
document.addEventListener('click', function (event) {
    const opener = event.target.closest && event.target.closest('button[id*="read-in-context"]');
    if (opener) { document.documentElement.dataset.readerOpener = opener.id; }
});

// Escape closes the reader panel (the close button does the work, so Dash sees an ordinary click).
document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') { return; }
    const reader = document.getElementById('reader');
    const close = document.getElementById('reader-close');
    if (reader && !reader.hidden && close) { close.click(); }
});

// A double-click on the map lets go of a box or lasso area, as on the timeline. Plotly answers it
// with plotly_doubleclick, which dcc.Graph has no property for; the DOM event reaches the page
// whatever the map has re-rendered, so the store "map-double-click" carries it to Dash.
document.addEventListener('dblclick', function (event) {
    if (!event.target.closest || !event.target.closest('#map')) { return; }
    if (window.dash_clientside && window.dash_clientside.set_props) {
        window.dash_clientside.set_props('map-double-click', {data: Date.now()});
    }
});

// An excerpt's buttons ("select", "Read in context", "Other places", and the list's pages) carry what they act on in
// data-* attributes; one listener hands a click to Dash as the store "excerpt-action"
// (dashboard/app/clientside.py SELECT_JS). A callback on every button would be woken each time
// the list is redrawn, for nothing.
document.addEventListener('click', function (event) {
    const button = event.target.closest && event.target.closest('#excerpts button[data-action]');
    if (!button || !window.dash_clientside || !window.dash_clientside.set_props) { return; }
    const d = button.dataset;
    window.dash_clientside.set_props('excerpt-action', {data: {
        action: d.action, event: d.event || null, article: d.article || null, place: d.place || null,
        page: d.page === undefined ? null : Number(d.page), token: d.token || null, at: Date.now()}});
});
