"""Upload with review: the fields given with an upload, the review store, store or discard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard import schema as S
from dashboard.app.upload import ingest_command, upload_meta
from dashboard.app.upload_review import REVIEW, decision, discard, keep, review_view
from dashboard.ingest.article import Article
from dashboard.store import EventsStore


@pytest.mark.parametrize(
    ("fields", "meta", "problem"),
    [
        (
            ("Daily Courier", "https://example.org/a", "2024-02-29"),
            {"source": "Daily Courier", "url": "https://example.org/a", "published": "2024-02-29"},
            None,
        ),
        (("", " ", None), {}, None),
        (("", "javascript:alert(1)", ""), {}, "not an http(s) address"),
        (("", "", "2023-02-29"), {}, "not a day of the calendar"),
        (("", "", "29/02/2024"), {}, "not YYYY-MM-DD"),
        (("x" * 301, "", ""), {}, "over 300 characters"),
    ],
)
def test_upload_fields_become_ingest_options_or_a_named_refusal(fields, meta, problem):
    got, why = upload_meta(*fields)
    assert got == meta
    assert (why is None) if problem is None else (problem in why)


def test_the_upload_ingest_goes_to_the_review_store_with_the_fields(tmp_path: Path):
    cmd = ingest_command(
        tmp_path / "store",
        tmp_path / "job",
        [tmp_path / "job" / "001-a.txt"],
        {"source": "Daily Courier", "published": "2024-01-02"},
    )
    # The ingest worker (not the CLI): its options, then the review store, the status file and the files.
    assert cmd[1:3] == ["-m", "dashboard.ingest.worker"]
    assert cmd[cmd.index("--source") + 1] == "Daily Courier" and cmd[cmd.index("--published") + 1] == "2024-01-02"
    assert "--url" not in cmd
    assert cmd[-3] == str(tmp_path / "job" / REVIEW) and cmd[-1] == str(tmp_path / "job" / "001-a.txt")


@pytest.fixture
def job(tmp_path: Path, make_events) -> tuple[Path, EventsStore, list[Article]]:
    old = Article(text="Gunmen attacked a checkpoint in Idlib on Monday.", published=date(2020, 3, 2), source="A")
    new = Article(
        text="A market in Homs was shelled on Tuesday, killing 4.",
        published=date(2020, 3, 3),
        source="Daily Courier",
        url="https://example.org/homs",
    )
    main = EventsStore(tmp_path / "store")
    main.append(make_events(dict(event_id="o1", article_id=old.article_id)), [old])
    job_dir = tmp_path / "store" / "inbox" / "job1"
    EventsStore(job_dir / REVIEW).append(
        make_events(
            dict(event_id="o1", article_id=old.article_id),
            dict(
                event_id="n1",
                article_id=new.article_id,
                location="Homs",
                toponym="Homs",
                fatalities=4,
                excerpt="<script>alert('x')</script> shelled",
                source="Daily Courier",
            ),
        ),
        [old, new],
    )
    return job_dir, main, [old, new]


def test_the_review_lists_what_was_found_and_stores_nothing(job):
    job_dir, main, (old, _new) = job
    body = repr(review_view(job_dir, main.article_ids()))
    assert "Found 2 event(s) in 2 article(s) (1 already stored: they are left out)" in body
    assert "<script>alert('x')</script> shelled" in body  # a string child: shown as text by React
    assert "data-upload" in body and len(main.load_events()) == 1


def test_store_adds_the_new_article_and_its_events_once(job):
    job_dir, main, (_old, new) = job
    assert keep(job_dir, main) == (1, 1)
    stored = main.load_events().set_index(S.EVENT_ID)
    assert sorted(stored.index) == ["n1", "o1"] and stored.loc["n1", S.SOURCE] == "Daily Courier"
    article = main.load_article(new.article_id)
    assert article["url"] == "https://example.org/homs" and str(article["published"])[:10] == "2020-03-03"
    assert not (job_dir / REVIEW).exists() and decision(job_dir)["decision"] == "stored"


def test_discard_deletes_the_review_and_stores_nothing(job):
    job_dir, main, _ = job
    generation = main.manifest()["generation"]
    discard(job_dir)
    assert not (job_dir / REVIEW).exists() and decision(job_dir)["decision"] == "discarded"
    assert main.manifest()["generation"] == generation


def test_ingest_gives_every_article_the_outlet_and_link_it_is_told(tmp_path: Path, monkeypatch):
    from dashboard.cli import ingest_paths
    from dashboard.errors import ConflictMapError

    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", str(tmp_path / "gazetteer"))
    src = tmp_path / "note.txt"
    src.write_text("Rebels shelled a village near Hama on Sunday, killing three people.", encoding="utf-8")
    with pytest.raises(ConflictMapError, match="not an http"):
        ingest_paths([src], tmp_path / "store", url="ftp://example.org/x")
    ingest_paths(
        [src], tmp_path / "store", published=date(2021, 6, 6), source="Daily Courier", url="https://example.org/hama"
    )
    (article,) = EventsStore(tmp_path / "store").load_articles().to_dict("records")
    assert (article["source"], article["url"], str(article["published"])[:10]) == (
        "Daily Courier",
        "https://example.org/hama",
        "2021-06-06",
    )


# -- reviews nobody decided on ------------------------------------------------------------------


def pending_job(
    inbox: Path, name: str, age_s: float, size: int = 10, now: float = 1_000_000.0, state: str = "done"
) -> Path:
    """A finished (or running) upload whose review store holds `size` bytes, last written `age_s` ago."""
    import os

    from dashboard.ingest_status import StatusFile

    job = inbox / name
    (job / REVIEW).mkdir(parents=True)
    (job / REVIEW / "events.parquet").write_bytes(b"x" * size)
    StatusFile(job / "status.json").update(state=state)
    for p in (job / REVIEW / "events.parquet", job / REVIEW, job / "status.json", job):
        os.utime(p, (now - age_s, now - age_s))
    return job


def finished_by_status(job: Path) -> bool:
    from dashboard.ingest_status import read_status

    status = read_status(job / "status.json")
    return bool(status and status.finished)


def test_undecided_reviews_expire_after_their_time_and_past_the_quota(tmp_path: Path):
    from dashboard.app.upload_review import Quota, sweep_reviews

    inbox, now = tmp_path / "store" / "inbox", 1_000_000.0
    stale = pending_job(inbox, "stale", age_s=3 * 3600)
    old, mid, young = (pending_job(inbox, n, age_s=a) for n, a in (("old", 300), ("mid", 200), ("young", 100)))
    running = pending_job(inbox, "running", age_s=5 * 3600, state="parsing")
    decided = pending_job(inbox, "decided", age_s=5 * 3600)
    discard(decided)
    quota = Quota(ttl_s=2 * 3600, reviews=2, bytes=10_000)

    gone = sweep_reviews(inbox, finished_by_status, quota, now=now)

    assert sorted(gone) == sorted([stale, old]), "past its time, or the oldest past the quota of 2"
    for job in (stale, old):
        assert not (job / REVIEW).exists() and decision(job)["decision"] == "expired"
        assert review_view(job, set())[0].children.startswith("This upload waited over")
    assert all((j / REVIEW).is_dir() and decision(j) is None for j in (mid, young, running))
    assert decision(decided)["decision"] == "discarded"

    # A large review: the oldest goes for the count (3 > 2), the next for the bytes (10 + 9,995 > 10,000).
    pending_job(inbox, "large", age_s=10, size=9_995)
    assert sweep_reviews(inbox, finished_by_status, quota, now=now) == [mid, young]
    assert sweep_reviews(inbox, finished_by_status, quota, now=now) == []
