"""Pure view state answered in the browser: no request to the server for what only the page shows."""

from __future__ import annotations

import dash
from dash import Input, Output

from dashboard.app import ids

# The filters drawer at phone width: the section's class and the button's aria-expanded follow the
# number of presses (odd: open). Wide screens show the filters whatever the class says.
DRAWER_JS = """
function(n) {
    const open = (n || 0) % 2 === 1;
    return [open ? 'filters open' : 'filters', open ? 'true' : 'false', open ? 'Filters ▴' : 'Filters ▾'];
}
"""


def register_callbacks(app: dash.Dash) -> None:
    app.clientside_callback(DRAWER_JS, Output(ids.FILTERS_PANEL, "className"),
                            Output(ids.FILTERS_TOGGLE, "aria-expanded"), Output(ids.FILTERS_TOGGLE, "children"),
                            Input(ids.FILTERS_TOGGLE, "n_clicks"), prevent_initial_call=True)
