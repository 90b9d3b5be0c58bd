"""Upload articles from the page: files go to an inbox folder in the store, a separate
`python -m dashboard ingest --status FILE` process reads them (spaCy never loads in the app and
no callback waits for it), and the page polls the status file until the new events are stored
(its callbacks: upload_callbacks.py).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from dash import dcc, html

from dashboard.app import ids
from dashboard.app.nodes import dashed
from dashboard.app.upload_review import REVIEW, sweep_reviews
from dashboard.ingest.readers import SUFFIXES
from dashboard.ingest_status import IngestStatus, read_status

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # per file: the upload travels base64 in one request
MAX_UPLOAD_FILES = 20  # per upload
MAX_RUNNING_INGESTS = 2  # per store: each ingest process holds the model (~500 MB)
INBOX = "inbox"
STATUS_FILE = "status.json"
PID_FILE = "ingest.pid"
LOG_FILE = "ingest.log"
# The package's parent folder: the ingest subprocess must import this same `dashboard` package.
PACKAGE_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Saved:
    accepted: list[Path]
    rejected: list[str]  # "name: why", shown next to the readers' own messages


def safe_name(filename: str, index: int) -> str:
    """A file name that stays inside the job folder: no path, no odd characters, a numbered prefix
    (two uploads may share a name)."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")[-100:] or "upload"
    return f"{index:03d}-{base}"


def decode_upload(contents: str, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The bytes of a dcc.Upload data URL ("data:<type>;base64,<data>"); ValueError with a reason."""
    head, sep, data = (contents or "").partition(",")
    if not sep or ";base64" not in head:
        raise ValueError("not a file upload")
    if len(data) * 3 // 4 > limit + 3:
        raise ValueError(f"{len(data) * 3 / 4 / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit per file")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ValueError("the upload is not valid base64") from err
    if len(raw) > limit:
        raise ValueError(f"{len(raw) / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit per file")
    return raw


def save_uploads(job_dir: Path, contents: list[str], filenames: list[str], limit: int = MAX_UPLOAD_BYTES) -> Saved:
    """Write the accepted files to job_dir; a wrong format, a file too large or a broken upload is
    rejected with its reason."""
    accepted: list[Path] = []
    rejected: list[str] = []
    for i, (data, name) in enumerate(zip(contents, filenames, strict=True), start=1):
        shown = name or f"file {i}"
        if Path(name or "").suffix.lower() not in SUFFIXES:
            rejected.append(f"{shown}: not an article file (use {' '.join(SUFFIXES)})")
            continue
        try:
            raw = decode_upload(data, limit)
        except ValueError as err:
            rejected.append(f"{shown}: {err}")
            continue
        job_dir.mkdir(parents=True, exist_ok=True)
        path = job_dir / safe_name(name, i)
        path.write_bytes(raw)
        accepted.append(path)
    return Saved(accepted, rejected)


def running_ingests(store_root: Path) -> int:
    """Upload ingests still running for this store (by the pid each job folder records)."""
    n = 0
    for pid_file in (store_root / INBOX).glob(f"*/{PID_FILE}"):
        pid_text = pid_file.read_text(encoding="utf-8").strip()
        if pid_text.isdigit() and process_alive(int(pid_text)) and not job_status(pid_file.parent).finished:
            n += 1
    return n


def busy(store_root: Path, n_files: int) -> str | None:
    """Why an upload of n_files is refused before anything is saved, or None."""
    if n_files > MAX_UPLOAD_FILES:
        return f"{n_files} files at once; at most {MAX_UPLOAD_FILES} per upload"
    running = running_ingests(store_root)
    if running >= MAX_RUNNING_INGESTS:
        return f"{running} uploads are still being processed; try again when one has finished"
    return None


def new_job_dir(store_root: Path) -> Path:
    return store_root / INBOX / f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


def ingest_command(store_root: Path, job_dir: Path, files: list[Path], meta: dict | None = None) -> list[str]:
    """The worker process that runs the ingest use case (dashboard/ingest/worker.py), not the CLI, into
    the job's review store (upload_review), not `store_root`, which only "Store" adds to; `meta` is
    what the user gave for every file (outlet, link, publication date)."""
    meta = meta or {}
    given = [
        arg
        for key, flag in (("source", "--source"), ("url", "--url"), ("published", "--published"))
        if meta.get(key)
        for arg in (flag, str(meta[key]))
    ]
    return [
        sys.executable,
        "-m",
        "dashboard.ingest.worker",
        *given,
        str(job_dir / REVIEW),
        str(job_dir / STATUS_FILE),
        *map(str, files),
    ]


UPLOAD_META_LIMIT = 300  # characters of an outlet or a link


def upload_meta(source: str | None, url: str | None, published: str | None) -> tuple[dict, str | None]:
    """The upload's fields as ingest options, or why they cannot be used (named on the page)."""
    source, url, published = ((v or "").strip() for v in (source, url, published))
    if len(source) > UPLOAD_META_LIMIT or len(url) > UPLOAD_META_LIMIT:
        return {}, f"the outlet or the link is over {UPLOAD_META_LIMIT} characters"
    if url and urlparse(url).scheme not in ("http", "https"):
        return {}, f"the link {url[:60]!r} is not an http(s) address"
    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        return {}, f"the publication date {published[:20]!r} is not YYYY-MM-DD"
    if published:
        try:
            date.fromisoformat(published)
        except ValueError:
            return {}, f"the publication date {published!r} is not a day of the calendar"
    return {k: v for k, v in (("source", source), ("url", url), ("published", published)) if v}, None


def start_ingest(store_root: Path, job_dir: Path, files: list[Path], meta: dict | None = None) -> int:
    """Start the ingest process and return its pid; a thread reaps it when it ends."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")]))}
    with (job_dir / LOG_FILE).open("wb") as log:
        # cwd is the job folder (no `dashboard` there), so `-m dashboard...` resolves through PYTHONPATH.
        proc = subprocess.Popen(
            ingest_command(store_root, job_dir, files, meta),
            cwd=job_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (job_dir / PID_FILE).write_text(str(proc.pid), encoding="utf-8")
    threading.Thread(target=proc.wait, daemon=True, name=f"ingest-{proc.pid}").start()
    return proc.pid


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def job_status(job_dir: Path) -> IngestStatus:
    """The job's status; a process that ended without a final status is a failure, with its log's tail."""
    status = read_status(job_dir / STATUS_FILE)
    if status is not None and status.finished:
        return status
    pid_text = (job_dir / PID_FILE).read_text(encoding="utf-8").strip() if (job_dir / PID_FILE).is_file() else ""
    if pid_text.isdigit() and not process_alive(int(pid_text)):
        status = read_status(job_dir / STATUS_FILE)  # it may have finished between the two reads
        if status is not None and status.finished:
            return status
        log = (job_dir / LOG_FILE).read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return IngestStatus(state="failed", error=stopped_message(log[-1] if log else ""))
    return status or IngestStatus()


def stopped_message(last_line: str) -> str:
    """Why an ingest process ended without a final status, for the page: the exception's name at
    most, never its traceback or message (paths and code of the server stay in the server's log)."""
    name = re.match(r"([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit))\b", last_line.strip())
    what = f" ({name[1].rsplit('.', 1)[-1]})" if name else ""
    return f"the ingest stopped unexpectedly{what}; the server's ingest.log in the upload's folder has the details"


def remove_uploaded(job_dir: Path) -> None:
    """Delete a finished job's uploaded files (their articles are in the store now, or were refused
    and listed); the status and the log stay, small, for the report and for the administrator."""
    for f in job_dir.glob("[0-9][0-9][0-9]-*"):
        f.unlink(missing_ok=True)


def display_problem(problem: str, job_dir: Path) -> str:
    """A reader's message about an uploaded file, with the inbox path cut back to the file's name."""
    prefix = str(job_dir) + os.sep
    if problem.startswith(prefix):
        rest = problem[len(prefix) :]
        return re.sub(r"^\d{3}-", "", rest)
    return problem


STATE_WORDS = {
    "starting": "Starting the ingest…",
    "reading": "Reading the files…",
    "loading": "Loading the language model…",
    "parsing": "Finding events",
    "storing": "Storing…",
}


def status_view(status: IngestStatus, rejected: list[str], job_dir: Path | None) -> list:
    """Progress bar, outcome and one line per file that was refused."""
    problems = list(rejected) + [display_problem(p, job_dir) if job_dir else p for p in status.skipped]
    warnings = [display_problem(p, job_dir) if job_dir else p for p in status.warnings]
    out: list = []
    if status.state == "done":
        out.append(
            html.Span(
                f"Added {status.articles_added} article(s) and {status.events_added} event(s)"
                + (f"; {status.already_stored} already stored" if status.already_stored else "")
                + ".",
                className="upload-done",
            )
        )
    elif status.state == "failed":
        out.append(html.Span(f"Upload failed: {status.error}", className="upload-error"))
    else:
        words = STATE_WORDS.get(status.state, status.state)
        if status.state == "parsing":
            words += f": {status.done}/{status.total} article(s)…"
        out.append(html.Span(words))
        out.append(html.Progress(value=str(status.done), max=str(max(status.total, 1)), className="upload-progress"))
    if problems:
        out.append(html.Ul([html.Li(p) for p in problems], className="upload-problems"))
    if warnings:
        out.append(html.Ul([html.Li("stored, but " + p) for p in warnings], className="upload-problems"))
    return out


def meta_fields() -> html.Details:
    """Outlet, link and publication date for the next upload (folded under the drop zone)."""

    def field(cid: str, label: str, **kw: Any) -> html.Label:
        return html.Label(
            [html.Span(label, className="small"), dcc.Input(id=cid, type="text", value="", autoComplete="off", **kw)]
        )

    return html.Details(
        className="upload-meta",
        children=[
            html.Summary("outlet, link, date", title="what the next upload's files do not say"),
            field(ids.UPLOAD_SOURCE, "outlet", placeholder="e.g. Daily Courier", maxLength=UPLOAD_META_LIMIT),
            field(ids.UPLOAD_URL, "link", placeholder="https://…", maxLength=UPLOAD_META_LIMIT, inputMode="url"),
            field(ids.UPLOAD_PUBLISHED, "published", placeholder="YYYY-MM-DD", maxLength=10, inputMode="numeric"),
        ],
    )


def upload_fragment(hidden: bool = False) -> html.Div:
    """The drop zone (top bar) with its job store and the poll timer (hidden on a read-only server)."""
    return html.Div(
        className="upload-box",
        hidden=hidden,
        children=[
            meta_fields(),
            dcc.Store(id=ids.UPLOAD_DECISION),
            # No `accept` filter: the browser would drop other files silently; the server names them instead.
            dcc.Upload(
                id=ids.UPLOAD,
                multiple=True,
                className="upload",
                children=html.Span(
                    ["⇪ ", html.Span("Add articles", className="linkish")],
                    title="drop article files here or choose them (.txt .html .jsonl .csv .xml)",
                ),
                max_size=-1,
            ),
            dcc.Store(id=ids.UPLOAD_JOB),
            dcc.Interval(id=ids.UPLOAD_POLL, interval=400, disabled=True),
        ],
    )


def status_fragment() -> html.Section:
    return html.Section(
        id=ids.UPLOAD_STATUS,
        className="upload-status",
        hidden=True,
        children=[
            html.Button(
                "✕",
                id=ids.UPLOAD_DISMISS,
                n_clicks=0,
                className="button small dismiss",
                title="hide the upload report",
                **dashed(aria_label="hide the upload report"),
            ),
            html.Div(id=ids.UPLOAD_STATUS_BODY, role="status"),
        ],
    )


def sweep(store_root: Path) -> list[Path]:
    """upload_review.sweep_reviews over this store's inbox: undecided reviews past their time or the quota."""
    return sweep_reviews(store_root / INBOX, lambda job: job_status(job).finished)
