"""The upload panel's callbacks: receive the files and start the ingest, poll its status until the
events are found, then keep or discard them as the user decides (upload.py does the work)."""

from __future__ import annotations

import os

import dash
from dash import Input, Output, State, html

from dashboard.app import ids
from dashboard.app.access import write_refusal
from dashboard.app.data import StoreView
from dashboard.app.upload import (
    INBOX,
    busy,
    job_status,
    new_job_dir,
    remove_uploaded,
    save_uploads,
    start_ingest,
    status_view,
    sweep,
    upload_meta,
)
from dashboard.app.upload_review import REVIEW, decision, discard, expired_view, keep, review_view
from dashboard.errors import ConflictMapError
from dashboard.ingest_status import IngestStatus
from dashboard.store_protocol import Store


def register_callbacks(app: dash.Dash, view: StoreView) -> None:
    sweep(view.store.root)  # reviews left undecided before this start, if past their time

    @app.callback(
        Output(ids.UPLOAD_JOB, "data"),
        Output(ids.UPLOAD_POLL, "disabled"),
        Output(ids.UPLOAD, "contents"),
        Input(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        State(ids.UPLOAD_SOURCE, "value"),
        State(ids.UPLOAD_URL, "value"),
        State(ids.UPLOAD_PUBLISHED, "value"),
        prevent_initial_call=True,
    )
    def receive(contents, filenames, source, url, published):
        if not contents:
            return dash.no_update, dash.no_update, dash.no_update
        return receive_upload(view.store, list(contents), filenames, source, url, published)

    @app.callback(
        Output(ids.UPLOAD_STATUS, "hidden", allow_duplicate=True),
        Input(ids.UPLOAD_DISMISS, "n_clicks"),
        prevent_initial_call=True,
    )
    def dismiss(_n):
        return True

    @app.callback(
        Output(ids.UPLOAD_STATUS_BODY, "children"),
        Output(ids.UPLOAD_STATUS, "hidden"),
        Output(ids.UPLOAD_POLL, "disabled", allow_duplicate=True),
        Output(ids.STORE_GENERATION, "data", allow_duplicate=True),
        Input(ids.UPLOAD_POLL, "n_intervals"),
        Input(ids.UPLOAD_JOB, "data"),
        prevent_initial_call=True,
    )
    def poll(_n, job):
        return poll_view(view.store, job)

    @app.callback(
        Output(ids.UPLOAD_STATUS_BODY, "children", allow_duplicate=True),
        Output(ids.STORE_GENERATION, "data", allow_duplicate=True),
        Input(ids.UPLOAD_DECISION, "data"),
        State(ids.UPLOAD_JOB, "data"),
        prevent_initial_call=True,
    )
    def decide(choice, job):
        return decide_upload(view.store, (job or {}).get("job"), (choice or {}).get("decision"))


def receive_upload(
    store: Store,
    contents: list[str],
    filenames: list | None,
    source: str | None,
    url: str | None,
    published: str | None,
) -> tuple[dict, bool, None]:
    """Save an upload's files and start their ingest: (the job for the page, poll disabled, the
    upload's contents cleared), or why nothing was added."""
    meta, problem = upload_meta(source, url, published)
    refused = write_refusal() or busy(store.root, len(contents)) or problem
    if refused:
        return {"job": None, "rejected": [f"Nothing added: {refused}."]}, True, None
    sweep(store.root)  # before this upload's review is added: the quota holds
    job_dir = new_job_dir(store.root)
    saved = save_uploads(job_dir, contents, list(filenames or [None] * len(contents)))
    if not saved.accepted:
        return {"job": None, "rejected": saved.rejected}, True, None
    start_ingest(store.root, job_dir, saved.accepted, meta)
    # Clearing the contents lets the same file be uploaded again and keeps it off later round trips.
    return {"job": job_dir.name, "rejected": saved.rejected}, False, None


def poll_view(store: Store, job: dict | None) -> tuple:
    """The status panel for a job: (its body, hidden, poll disabled, the store generation)."""
    if not job:
        return [], True, True, dash.no_update
    name = job.get("job")
    if not name:
        return (
            status_view(IngestStatus(state="failed", error="no file could be used"), job["rejected"], None),
            False,
            True,
            dash.no_update,
        )
    job_dir = store.root / INBOX / os.path.basename(name)
    status = job_status(job_dir)
    if status.finished:
        remove_uploaded(job_dir)
    body = status_view(status, job.get("rejected", []), job_dir)
    if status.state == "done":  # found, not stored: the user decides (upload_review)
        body = review_view(job_dir, store.article_ids()) + body[1:]
    return body, False, status.finished, dash.no_update


def decide_upload(store: Store, name: object, what: object) -> tuple:
    """Keep or discard a reviewed upload: (the status body, the new store generation or no update)."""
    if not name or what not in ("keep", "discard"):
        return dash.no_update, dash.no_update
    job_dir = store.root / INBOX / os.path.basename(str(name))
    if not os.path.basename(str(name)) or not (job_dir / REVIEW).is_dir() and decision(job_dir) is None:
        return [html.Span("This upload has nothing to review.", className="upload-error")], dash.no_update
    done = decision(job_dir)
    if done is not None:
        return _decided_already(done), dash.no_update
    refused = write_refusal()  # discarding deletes files on the server: a write too
    if refused:
        return [
            html.Span(f"Not {'stored' if what == 'keep' else 'discarded'}: {refused}.", className="upload-error")
        ], dash.no_update
    if what == "discard":
        discard(job_dir)
        return [html.Span("Discarded: nothing was stored.", className="upload-done")], dash.no_update
    try:
        articles, events = keep(job_dir, store)
    except ConflictMapError as err:
        return [html.Span(f"Not stored: {err}", className="upload-error")], dash.no_update
    return (
        [html.Span(f"Added {articles} article(s) and {events} event(s).", className="upload-done")],
        store.manifest()["generation"],
    )


def _decided_already(done: dict) -> list:
    if done.get("decision") == "expired":
        return expired_view()
    return [html.Span(f"This upload was {done['decision']} already.")]
