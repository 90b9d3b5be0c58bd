"""The side panels, wired in one place so the page's core modules only need one line each."""

from __future__ import annotations

import dash
from dash import html

from dashboard.app import clientside, correct, reader, theme, upload
from dashboard.app.data import StoreView


def panel_fragments() -> list:
    """What the panels add to the main grid (placed by assets/style.css)."""
    return [upload.status_fragment(), correct.correct_fragment(), reader.reader_fragment()]


def topbar_controls() -> list:
    """Controls the panels add to the top bar."""
    return [upload.upload_fragment(), theme.theme_fragment()]


def excerpt_actions(event_id: str) -> html.Div:
    """The buttons under one excerpt."""
    return html.Div([reader.read_button(event_id), correct.correct_button(event_id)], className="actions")


def register_panels(app: dash.Dash, view: StoreView) -> None:
    reader.register_callbacks(app, view)
    correct.register_callbacks(app, view)
    upload.register_callbacks(app, view)
    theme.register_callbacks(app)
    clientside.register_callbacks(app)
