"""Upload with review: the upload's ingest writes into a store of its own in the job folder
(`review/`), the page lists what it found, and only "Store" adds it to the real store (one
`EventsStore.append`, merged with the stored reports as an ingest merges); "Discard" deletes it.

No spaCy here: keeping the events reads the review store and appends its rows and articles.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from dash import html

from dashboard import schema as S
from dashboard.app.nodes import dashed
from dashboard.app.query import format_date
from dashboard.ingest.article import Article
from dashboard.store import EventsStore
from dashboard.store_protocol import Store

REVIEW = "review"  # the job folder's store of what the upload found
DECISION = "decision.json"  # {"decision": "stored"|"discarded", ...}: written once the user chose
REVIEW_SHOWN = 50  # events listed for review (the count says how many there are)
# Uploads found but never stored or discarded (a closed tab) would keep their review stores for
# ever: past REVIEW_TTL_S, or past the quota (the oldest first), they are removed as "expired".
REVIEW_TTL_S = 24 * 3600
MAX_PENDING_REVIEWS = 10
MAX_PENDING_BYTES = 200 * 1024 * 1024


def review_store(job_dir: Path) -> EventsStore:
    return EventsStore(job_dir / REVIEW)


def decision(job_dir: Path) -> dict | None:
    path = job_dir / DECISION
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    except (OSError, ValueError):
        return None


def _articles(frame: pd.DataFrame) -> list[Article]:
    out = []
    for r in frame.to_dict("records"):
        published = r.get("published")
        try:
            extra = json.loads(r.get("extra") or "{}")
        except ValueError:
            extra = {}
        out.append(
            Article(
                text=r["text"],
                title=r.get("title") or "",
                source=r.get("source") or "",
                url=r.get("url") or "",
                path=r.get("path") or "",
                extra=extra if isinstance(extra, dict) else {},
                article_id=r["article_id"],
                published=pd.Timestamp(published).date() if published is not None and pd.notna(published) else None,
                published_inferred=bool(r.get("published_inferred"))
                if pd.notna(r.get("published_inferred"))
                else False,
            )
        )
    return out


def keep(job_dir: Path, store: Store) -> tuple[int, int]:
    """Add the reviewed articles and events to `store`; returns (articles, events) added (articles it
    holds already are left out, as an ingest leaves them). The review store is deleted after."""
    staged = review_store(job_dir)
    added = (0, 0)
    if staged.exists():
        added = store.append(staged.load_events(), _articles(staged.load_articles()))
    _decide(job_dir, {"decision": "stored", "articles_added": added[0], "events_added": added[1]})
    return added


def discard(job_dir: Path) -> None:
    _decide(job_dir, {"decision": "discarded"})


def _decide(job_dir: Path, record: dict) -> None:
    (job_dir / DECISION).write_text(json.dumps({**record, "on": f"{date.today():%Y-%m-%d}"}), encoding="utf-8")
    shutil.rmtree(job_dir / REVIEW, ignore_errors=True)


@dataclass(frozen=True)
class Quota:
    ttl_s: float = REVIEW_TTL_S
    reviews: int = MAX_PENDING_REVIEWS
    bytes: int = MAX_PENDING_BYTES


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def pending_reviews(inbox: Path, finished: Callable[[Path], bool]) -> list[tuple[float, Path]]:
    """(finished at, job folder) of the finished uploads whose review waits for a decision, oldest
    first. A running ingest is still writing its review store: it is not pending yet."""
    out = []
    for review in inbox.glob(f"*/{REVIEW}"):
        job = review.parent
        if review.is_dir() and decision(job) is None and finished(job):
            out.append((max(p.stat().st_mtime for p in (job, review, *job.glob("*.json"))), job))
    return sorted(out)


def sweep_reviews(
    inbox: Path, finished: Callable[[Path], bool], quota: Quota = Quota(), now: float | None = None
) -> list[Path]:
    """Remove the review stores of undecided uploads older than quota.ttl_s, then the oldest until at
    most quota.reviews remain holding at most quota.bytes; returns their job folders. Runs when the
    server starts and before each new upload, so the quota holds whatever the uploads."""
    now = time.time() if now is None else now
    pending = pending_reviews(inbox, finished)
    expired = [job for at, job in pending if now - at > quota.ttl_s]
    kept = [(job, _size(job / REVIEW)) for at, job in pending if now - at <= quota.ttl_s]
    total = sum(size for _, size in kept)
    while kept and (len(kept) > quota.reviews or total > quota.bytes):
        job, size = kept.pop(0)
        expired.append(job)
        total -= size
    for job in expired:
        _decide(job, {"decision": "expired"})
    return expired


def expired_view() -> list:
    return [
        html.Span(
            f"This upload waited over {REVIEW_TTL_S // 3600} hours (or past the server's quota of "
            f"{MAX_PENDING_REVIEWS} uploads awaiting review) and was removed: nothing was stored. "
            "Upload the files again to review them.",
            className="upload-error",
        )
    ]


def _staged(job_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The upload's staged events (mentions left out) and articles; empty tables when none were staged."""
    staged = review_store(job_dir)
    events = staged.load_events() if staged.exists() else S.coerce_events(pd.DataFrame(columns=list(S.NAMES)))
    articles = staged.load_articles() if staged.exists() else pd.DataFrame(columns=list(S.ARTICLE_COLUMNS))
    if S.RECORD_KIND in events.columns:
        events = events[events[S.RECORD_KIND].fillna("event") != "mention"]
    return events, articles


def _review_item(r: dict) -> html.Li:
    """One found event: date, type, place, toll and its sentence."""
    deaths: Any = r.get(S.FATALITIES)  # a pandas scalar: NA or a number
    toll: list[str | html.Span] = (
        [" · ", html.Span(f"{int(deaths)} killed", className="deaths")] if pd.notna(deaths) else []
    )
    return html.Li(
        [
            html.Span(format_date(r[S.EVENT_DATE], r[S.DATE_PRECISION]), className="date"),
            " · ",
            html.Span(r.get(S.SUB_EVENT_TYPE) or r.get(S.EVENT_TYPE) or "event"),
            " · ",
            html.Span(str(r.get(S.LOCATION) or r.get(S.TOPONYM) or "no place")),
            *toll,
            html.Blockquote(str(r.get(S.EXCERPT) or ""), className="sentence"),
        ]
    )


def review_view(job_dir: Path, known: set[str]) -> list:
    """What the upload found, for the user to store or discard: counts, the events (text as text)
    and the two buttons (their clicks reach ids.UPLOAD_DECISION through assets/panels.js)."""
    if (decision(job_dir) or {}).get("decision") == "expired":
        return expired_view()
    events, articles = _staged(job_dir)
    old = int(articles["article_id"].isin(known).sum())
    events = events.sort_values(S.EVENT_DATE, ascending=False, na_position="last")
    head = (
        f"Found {len(events)} event(s) in {len(articles)} article(s)"
        + (f" ({old} already stored: they are left out)" if old else "")
        + ". Nothing is stored yet."
    )
    items = [_review_item(r) for r in events.head(REVIEW_SHOWN).to_dict("records")]
    more = [html.P(f"…and {len(events) - REVIEW_SHOWN} more.", className="hint")] if len(events) > REVIEW_SHOWN else []
    return [
        html.Strong(head, className="upload-review-head"),
        html.Ul(items, className="upload-review"),
        *more,
        html.Div(
            [
                html.Button("Store these events", type="button", className="button", **dashed(data_upload="keep")),
                html.Button("Discard", type="button", className="button", **dashed(data_upload="discard")),
            ],
            className="actions",
        ),
    ]
