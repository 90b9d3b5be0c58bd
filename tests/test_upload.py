"""Uploads from the page: inbox naming, size and format checks, and the ingest status file."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.app.upload import (
    PID_FILE,
    STATUS_FILE,
    decode_upload,
    display_problem,
    ingest_command,
    job_status,
    safe_name,
    save_uploads,
)
from dashboard.app.upload_review import REVIEW
from dashboard.ingest.run import ingest_paths
from dashboard.ingest_status import IngestStatus, StatusFile, read_status


def data_url(raw: bytes, kind: str = "text/plain") -> str:
    return f"data:{kind};base64," + base64.b64encode(raw).decode()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("report.txt", "001-report.txt"),
        ("../../etc/passwd.txt", "001-passwd.txt"),
        ("C:\\Users\\me\\news <1>.html", "001-news _1_.html"),
        ("...", "001-upload"),
        ("", "001-upload"),
    ],
)
def test_safe_name_keeps_files_inside_the_job_folder(name: str, expected: str) -> None:
    assert safe_name(name, 1) == expected


def test_decode_upload_checks_size_and_encoding() -> None:
    assert decode_upload(data_url(b"Shelling in Idlib.")) == b"Shelling in Idlib."
    with pytest.raises(ValueError, match="over the 0 MB limit"):
        decode_upload(data_url(b"x" * 2000), limit=100)
    with pytest.raises(ValueError, match="not a file upload"):
        decode_upload("Shelling in Idlib.")
    with pytest.raises(ValueError, match="base64"):
        decode_upload("data:text/plain;base64,@@@@")


def test_save_uploads_accepts_articles_and_names_every_refusal(tmp_path: Path) -> None:
    saved = save_uploads(
        tmp_path / "job",
        [data_url(b"a"), data_url(b"%PDF"), data_url(b"b" * 500), data_url(b"c")],
        ["a.txt", "paper.pdf", "big.csv", "a.txt"],
        limit=100,
    )
    assert [p.name for p in saved.accepted] == ["001-a.txt", "004-a.txt"], "same name twice: both kept"
    assert saved.accepted[1].read_bytes() == b"c"
    assert saved.rejected[0].startswith("paper.pdf: not an article file")
    assert saved.rejected[1].startswith("big.csv: ") and "limit" in saved.rejected[1]


def test_display_problem_shows_the_uploaded_name(tmp_path: Path) -> None:
    job = tmp_path / "inbox" / "job1"
    assert display_problem(f"{job}{os.sep}002-empty.txt: empty file", job) == "empty.txt: empty file"
    assert display_problem("elsewhere.txt: binary", job) == "elsewhere.txt: binary"


def test_status_file_round_trip_and_bad_content(tmp_path: Path) -> None:
    path = tmp_path / "s" / STATUS_FILE
    assert read_status(path) is None
    writer = StatusFile(path)
    writer.update(state="parsing", total=3)
    writer.advance(2)
    status = read_status(path)
    assert (status.state, status.done, status.total, status.finished) == ("parsing", 2, 3, False)
    path.write_text('{"state": "done", "events_added": 4, "unknown_key": 1, "skipped": "x"}', encoding="utf-8")
    status = read_status(path)
    assert status.finished and status.events_added == 4 and status.skipped == []
    path.write_text("{half", encoding="utf-8")
    assert read_status(path).state == "failed" and "unreadable" in read_status(path).error
    StatusFile(None).update(state="done")  # no path: nothing written, no error


def test_a_status_file_that_cannot_be_written_is_named(tmp_path: Path) -> None:
    from dashboard.errors import ConflictMapError

    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(ConflictMapError, match="a-folder: cannot write the ingest status"):
        StatusFile(folder).update(state="parsing")
    assert list(tmp_path.glob("*.tmp")) == []


def test_a_job_whose_process_died_without_a_final_status_failed(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    (tmp_path / PID_FILE).write_text(proc.stdout.strip(), encoding="utf-8")
    (tmp_path / "ingest.log").write_text("Traceback...\nMemoryError\n", encoding="utf-8")
    StatusFile(tmp_path / STATUS_FILE).update(state="parsing", total=2)
    status = job_status(tmp_path)
    assert status.state == "failed" and "(MemoryError)" in status.error and "Traceback" not in status.error
    (tmp_path / "ingest.log").write_text(
        'Traceback (most recent call last):\n  File "/srv/x.py", line 1\nValueError: /srv/secret/path: bad\n',
        encoding="utf-8",
    )
    assert "/srv" not in job_status(tmp_path).error and "(ValueError)" in job_status(tmp_path).error
    StatusFile(tmp_path / STATUS_FILE).update(state="done")
    assert job_status(tmp_path).state == "done"
    assert job_status(tmp_path / "nothing-yet") == IngestStatus()


def test_ingest_command_runs_this_package(tmp_path: Path) -> None:
    cmd = ingest_command(tmp_path / "store", tmp_path / "job", [tmp_path / "job" / "001-a.txt"])
    assert cmd[:3] == [sys.executable, "-m", "dashboard.ingest.worker"]
    job = tmp_path / "job"
    # The upload ingests into the job's review store; "Store" adds it to the store later.
    assert cmd[3:] == [str(job / REVIEW), str(job / STATUS_FILE), str(job / "001-a.txt")]


def test_the_ingest_worker_refuses_bad_fields_by_name(tmp_path: Path, capsys) -> None:
    from dashboard.ingest.worker import main

    status, text = tmp_path / STATUS_FILE, tmp_path / "a.txt"
    text.write_text("Shelling hit a village on Monday.", encoding="utf-8")
    assert main(["--published", "2020-13-40", str(tmp_path / "store"), str(status), str(text)]) == 1
    assert "--published" in capsys.readouterr().err
    assert main(["--url", "javascript:alert(1)", str(tmp_path / "store"), str(status), str(text)]) == 1
    assert "not an http(s) link" in capsys.readouterr().err


def test_the_ingest_worker_runs_the_use_case_and_reports_through_the_status_file(tmp_path: Path, capsys) -> None:
    from dashboard.ingest.worker import main

    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    status = tmp_path / "job" / STATUS_FILE
    status.parent.mkdir()
    assert main([str(tmp_path / "store"), str(status), str(empty)]) == 1, "nothing readable: the batch failed"
    written = json.loads(status.read_text(encoding="utf-8"))
    assert written["state"] == "done" and len(written["skipped"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["read"] == 0 and summary["skipped"] == written["skipped"]


def test_ingest_writes_its_status_file(tmp_path: Path, seed_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", str(tmp_path / "gazetteer"))
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    status = tmp_path / "status.json"
    summary = ingest_paths([seed_path, empty], tmp_path / "store", status=status)
    written = json.loads(status.read_text(encoding="utf-8"))
    assert written["state"] == "done"
    assert written["done"] == written["total"] == 1
    assert written["events_added"] == summary["events_added"] > 0
    assert len(written["skipped"]) == 1 and written["skipped"][0].startswith(str(empty))


def test_the_app_and_its_panels_never_import_the_pipeline() -> None:
    # The upload runs the pipeline in another process: the app itself must not load spaCy or the geoparser.
    code = (
        "import sys, dashboard.app.app, dashboard.app.panels; print(sorted(m for m in sys.modules "
        "if m.split('.')[0] == 'spacy' or m.startswith(('dashboard.geo', 'dashboard.nlp', 'dashboard.events', "
        "'dashboard.pipeline'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.stdout.strip() == "[]", out.stdout


def test_an_upload_keeps_its_good_files_and_names_the_bad_ones(tmp_path: Path, fast_pipeline) -> None:
    """Hostile files in one upload: the good ones are stored, each bad one is listed by its uploaded
    name with the readers' reason, and the page shows no Python error."""
    from dashboard.app.upload import new_job_dir, status_view
    from dashboard.store import EventsStore

    good = "Shelling hit Maarat al-Numan in Idlib province on Monday, killing two people, medics said."
    files = {
        "good.txt": f"Shelling in Idlib\n\n{good}".encode(),
        "dated.jsonl": json.dumps({"text": good + " Second.", "published": "9999-12-31"}).encode(),
        "surrogate.jsonl": ('{"text": "\\ud800 ' + good + ' Third."}').encode(),
        "odd.txt": b"\xff\xfe" + "Odd\n\nBytes".encode("utf-16-le") + b"\x00",
        "deep.jsonl": b"[" * 100_000 + b"]" * 100_000,
        "script.rss": b"<rss><channel><item><description><![CDATA[<script>alert(1)</script>]]></description>"
        b"</item></channel></rss>",
        "notes.pdf": b"%PDF-1.4",
    }
    store = EventsStore(tmp_path / "store")
    job = new_job_dir(store.root)
    saved = save_uploads(job, [data_url(v) for v in files.values()], list(files))
    ingest_paths(saved.accepted, store.root, status=job / STATUS_FILE)
    shown = repr(status_view(job_status(job), saved.rejected, job))
    texts = store.load_articles()["text"]
    assert len(texts) == 3 and texts.str.contains("Second.").any() and texts.str.contains("Third.").any()
    for name in ("dated.jsonl", "surrogate.jsonl", "odd.txt", "deep.jsonl", "script.rss", "notes.pdf"):
        assert f"'{name}" in shown or f"stored, but {name}" in shown, (name, shown)
    assert "Traceback" not in shown and "Error:" not in shown
    assert (store.load_articles()["published"].dropna().dt.year < 2100).all()


def test_a_relative_store_path_is_made_absolute(tmp_path: Path, monkeypatch) -> None:
    from dashboard.store import EventsStore

    monkeypatch.chdir(tmp_path)
    assert EventsStore("mystore").root == tmp_path / "mystore"
