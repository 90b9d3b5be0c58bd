"""create_app: the Dash app over an events store."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import dash

from dashboard.app import ids
from dashboard.app.access import Access, needs_sign_in
from dashboard.app.access import register as register_access
from dashboard.app.answer_keys import VIEWS_RULE
from dashboard.app.answers import outputs_of
from dashboard.app.basemap import warm as warm_basemap
from dashboard.app.callbacks import register_callbacks
from dashboard.app.data import StoreView
from dashboard.app.layout import build_layout
from dashboard.app.memory import use_reusing_pool
from dashboard.app.panels import register_panels
from dashboard.app.plotly_bundle import serve_bundle
from dashboard.corrections import finish_corrections
from dashboard.paths import assets_dir
from dashboard.store import EventsStore


def create_app(store_dir: str | Path, tiles: tuple[str, str] | None = None, access: Access | None = None) -> dash.Dash:
    """The dashboard over the store at store_dir; `tiles` = (url template, attribution) for a tile basemap;
    `access` says who may write (default: anyone who reaches it, as on 127.0.0.1 without a token)."""
    use_reusing_pool()  # before the store is read: Arrow's memory in ordinary pages (memory.py)
    app = dash.Dash(
        __name__,
        title="conflictmap",
        assets_folder=str(assets_dir()),
        # Everything the page needs is served from this process: no CDN, works air-gapped.
        serve_locally=True,
        update_title=None,  # type: ignore[arg-type]  # documented: None keeps the title; the stub says str
        # No compress=True (flask-compress): the served stack gzips once, outside Dash
        # (dashboard/app/serve.py: guard(gzip(Dash)), static bodies compressed once per process).
    )
    access = access or Access()
    register_access(app.server, access)
    # plotly.js with only the traces the page draws: a third of the full file's bytes on the wire.
    serve_bundle(app, tiles=tiles is not None)
    app.layout = build_layout(
        tiles=tiles, writes="read-only" if access.read_only else "sign-in" if needs_sign_in(access) else "open"
    )
    # A correction waits a few seconds for another writer (an ingest), then says the store is busy.
    view = StoreView(EventsStore(store_dir, lock_wait_s=5.0))
    finish_corrections(view.store)  # a correction whose save was cut short after its store write
    register_callbacks(app, view, tiles)
    register_panels(app, view)
    # For the served stack (serve.secured): the views' answers are kept per store generation.
    ready = threading.Event()  # set once the index is built (serve.served waits for it)
    app.server.extensions["conflictmap"] = {
        "generation": lambda: view.store.current()["generation"],
        "pure_outputs": outputs_of(app.callback_map, f"{ids.MAP}.figure"),
        "answer_rule": VIEWS_RULE,
        "ready": ready,
    }
    # Everything loaded so far (dash, plotly, pandas: ~170k objects) lives as long as the process;
    # left in the collected generations, every full collection walks it and a request that hits
    # one takes twice as long (bench: p95 CPU 170 → 90 ms per answer).
    gc.freeze()
    # A million events take seconds to index: start now, not at the first visitor's request.
    threading.Thread(target=_warm, args=(view, ready), name="conflictmap-index", daemon=True).start()
    # The basemap's boundaries and towns too (~70 ms, 130 ms of CPU holding the interpreter): read
    # after the first answer under a filter, they slowed the next changes answered meanwhile.
    threading.Thread(target=warm_basemap, name="conflictmap-basemap", daemon=True).start()
    return app


def _warm(view: StoreView, ready: threading.Event) -> None:
    try:
        view.warm()
    finally:
        ready.set()
