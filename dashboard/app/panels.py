"""The side panels, wired in one place so the page's core modules only need one line each."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard.app import clientside, correct, correct_callbacks, ids, reader, theme, upload, upload_callbacks
from dashboard.app.data import StoreView
from dashboard.app.nodes import node


def panel_fragments(writes: str = "open") -> list:
    """What the panels add to the main grid (placed by assets/style.css)."""
    return [
        upload.status_fragment(),
        correct.correct_fragment(can_save=writes != "read-only"),
        reader.reader_fragment(),
        *(dcc.Store(id=cid) for cid in (ids.EXCERPT_ACTION, ids.EXCERPT_PAGE, ids.CORRECT_EVENT, ids.READER_EVENT)),
        dcc.Store(id=ids.TABLE_STATE, data={"view": "list"}),
    ]


def topbar_controls(writes: str = "open") -> list:
    """Controls the panels add to the top bar; `writes` as in layout.build_layout."""
    sign_in = (
        [
            html.A(
                "Sign in",
                href="/login",
                className="linkish sign-in",
                title="adding articles and saving corrections need this server's token",
            )
        ]
        if writes == "sign-in"
        else []
    )
    return [upload.upload_fragment(hidden=writes == "read-only"), *sign_in, theme.theme_fragment()]


def excerpt_actions(event_id: str, article_id: str, place_key: str, chosen: bool = False) -> dict:
    """The buttons under one excerpt ("select", "Read in context", "Other places"), as nodes.node.
    They carry no id: assets/panels.js hands their clicks to ids.EXCERPT_ACTION from their data-*
    attributes, and an id would only add to dash-renderer's work for every listed sentence."""
    pick = node(
        "Button",
        "selected" if chosen else "select",
        className="pick",
        type="button",
        title="select this event (kept in the page's link)",
        **{"aria-pressed": "true" if chosen else "false", "data-action": "pick", "data-event": event_id},
    )
    return node(
        "Div",
        [pick, reader.read_button(event_id, article_id), correct.correct_button(event_id, place_key)],
        className="actions",
    )


def register_panels(app: dash.Dash, view: StoreView) -> None:
    reader.register_callbacks(app, view)
    correct_callbacks.register_callbacks(app, view)
    upload_callbacks.register_callbacks(app, view)
    theme.register_callbacks(app)
    clientside.register_callbacks(app)
