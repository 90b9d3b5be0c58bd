"""create_app: the Dash app over an events store."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import dash

from dashboard.app.callbacks import register_callbacks
from dashboard.app.data import StoreView
from dashboard.app.layout import build_layout
from dashboard.app.panels import register_panels
from dashboard.paths import assets_dir
from dashboard.store import EventsStore


def create_app(store_dir: str | Path, tiles: tuple[str, str] | None = None) -> dash.Dash:
    """The dashboard over the store at store_dir; `tiles` = (url template, attribution) for a tile basemap."""
    app = dash.Dash(
        __name__,
        title="conflictmap",
        assets_folder=str(assets_dir()),
        # Everything the page needs is served from this process: no CDN, works air-gapped.
        serve_locally=True,
        update_title=None,
        # gzip/brotli for the page's scripts (plotly.js alone is 4.8 MB raw) and the callbacks'
        # answers, when the browser accepts them (flask-compress).
        compress=True,
    )
    app.layout = build_layout(tiles=tiles)
    view = StoreView(EventsStore(store_dir))
    register_callbacks(app, view, tiles)
    register_panels(app, view)
    # Everything loaded so far (dash, plotly, pandas: ~170k objects) lives as long as the process;
    # left in the collected generations, every full collection walks it and a request that hits
    # one takes twice as long (bench: p95 CPU 170 → 90 ms per answer).
    gc.freeze()
    # A million events take seconds to index: start now, not at the first visitor's request.
    threading.Thread(target=view.warm, name="conflictmap-index", daemon=True).start()
    return app
