"""Light and dark themes: a toggle remembered in the browser (localStorage).

The choice is applied as `data-theme` on the page's root element; assets/style.css maps it to
colour variables, and restyles the plotly figures' backgrounds, land, sea, axes and legends with
the same variables, so figure functions need no theme argument and no figure is rebuilt.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from dashboard.app import ids
from dashboard.app.nodes import dashed

THEMES = ("light", "dark")

TOGGLE_JS = """
function(n, theme) {
    return theme === 'dark' ? 'light' : 'dark';
}
"""

# Applying the theme is a side effect on the document; the toggle's own label and state are the outputs.
APPLY_JS = """
function(theme) {
    const t = theme === 'dark' ? 'dark' : 'light';
    document.documentElement.dataset.theme = t;
    return [t === 'dark' ? '☀ Light' : '☾ Dark', t === 'dark' ? 'true' : 'false'];
}
"""


def theme_fragment() -> html.Div:
    return html.Div(
        className="theme-box",
        children=[
            dcc.Store(id=ids.THEME, storage_type="local"),
            html.Button(
                "☾ Dark",
                id=ids.THEME_TOGGLE,
                n_clicks=0,
                className="button",
                title="switch between the light and dark themes",
                **dashed(aria_pressed="false"),
            ),
        ],
    )


def register_callbacks(app: dash.Dash) -> None:
    app.clientside_callback(
        TOGGLE_JS,
        Output(ids.THEME, "data"),
        Input(ids.THEME_TOGGLE, "n_clicks"),
        State(ids.THEME, "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        APPLY_JS,
        Output(ids.THEME_TOGGLE, "children"),
        Output(ids.THEME_TOGGLE, "aria-pressed"),
        Input(ids.THEME, "data"),
    )
