"""`conflictmap ingest --dask`: the same events as a local run, reports merged across partitions,
bad files reported, the pipeline loaded once per worker process, and a clear error without the extra.

One real LocalCluster (two worker processes on loopback, one thread each) serves the module: each
worker loads spaCy and the gazetteer once, which is most of this module's time.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import schema as S
from dashboard.cli import main
from dashboard.errors import DistributedError
from dashboard.ingest.article import Article
from dashboard.store import EventsStore

if os.environ.get("CI", "").strip().lower() == "true":
    import distributed  # the test extra installs it: in CI a missing one is a failure, not a skip
else:
    distributed = pytest.importorskip("distributed", reason="needs the conflictmap[dask] extra")

from dashboard import distributed as D  # noqa: E402 (only once distributed is known to be there)

REPO = Path(__file__).resolve().parents[1]
FAKES = REPO / "data" / "fakes" / "syria_news_dev.jsonl"

# One air strike, reported by two outlets in their own words: one event with two sources.
SAME_EVENT = (
    ("An air strike killed three civilians in Saraqib, Syria, on March 3, 2020, residents said.", "Outlet A"),
    (
        "Three civilians were killed when an air strike hit Saraqib in Syria on March 3, 2020, a monitor said.",
        "Outlet B",
    ),
)


@pytest.fixture(autouse=True)
def _no_default_store(tmp_path_factory, monkeypatch):
    """Never touch the user's real store, whatever a test forgets to pass."""
    monkeypatch.setenv("CONFLICTMAP_STORE", str(tmp_path_factory.mktemp("default_store")))


@pytest.fixture(scope="module")
def client():
    # processes=True: the real thing (pickled articles and results, spawned workers that import the
    # package themselves). Loopback only, HTTP on a free port so as not to collide with other runs.
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
        silence_logs=40,
    )
    with cluster, distributed.Client(cluster) as c:
        c.wait_for_workers(2)
        yield c


@pytest.fixture(scope="module")
def loader() -> D.PipelineLoader:
    return D.PipelineLoader()


def _fakes(n: int) -> list[dict]:
    with FAKES.open(encoding="utf-8") as fh:
        return [json.loads(next(fh)) for _ in range(n)]


def _sorted(events: pd.DataFrame) -> pd.DataFrame:
    return events.sort_values(S.EVENT_ID, kind="stable").reset_index(drop=True)


def _load_count() -> dict:
    return {repr(k): v for k, v in D.LOAD_COUNT.items()}


def _dashboard_file() -> str:
    import dashboard

    return dashboard.__file__


def test_workers_run_this_checkout(client) -> None:
    # The workers must import the code under test, not another install of the package.
    import dashboard

    assert set(client.run(_dashboard_file).values()) == {dashboard.__file__}


def test_same_events_as_single_process(client, loader, pipeline, seed_article) -> None:
    from dashboard.ingest.readers import record_to_article

    articles = [seed_article, *(record_to_article(r, f"fakes:{i}") for i, r in enumerate(_fakes(9)))]
    local = pipeline.run(articles)
    prints = D.check_workers(client, loader)
    assert len(prints) == 2 and len(set(prints.values())) == 1
    seen: list[int] = []
    # Five partitions for four in flight (two per worker thread): later ones are sent as earlier ones return.
    remote = D.run_partitions(client, articles, loader, partition_size=2, progress=seen.append)
    assert seen == [2, 2, 2, 2, 2]
    assert len(remote.events) == len(local.events) > 0
    pd.testing.assert_frame_equal(_sorted(remote.events), _sorted(local.events))
    # The article rows too: the seed's publication date is inferred on the worker and comes back.
    assert remote.articles == local.articles
    assert remote.articles[0].published_inferred and remote.articles[0].published == date(2020, 3, 4)


def test_reports_in_different_partitions_are_merged(client, loader, pipeline, tmp_path: Path) -> None:
    articles = [
        Article(text=text, title="Air strike", source=source, published=date(2020, 3, 4)) for text, source in SAME_EVENT
    ]

    def session_pipeline():
        return pipeline

    parts = [D.process_partition([a], session_pipeline) for a in articles]  # what each worker sends back
    shelling = [p.events[p.events[S.LOCATION] == "Saraqib"] for p in parts]
    assert all(len(s) == 1 for s in shelling)

    # The client does not merge either: the store does, once, when the batch is appended.
    result = D.run_partitions(client, articles, loader, partition_size=1)
    assert result.events[S.CLUSTER_ID].isna().all()
    store = EventsStore(tmp_path / "store")
    store.append(result.events, result.articles)
    merged = store.load_events()
    rows = merged[merged[S.LOCATION] == "Saraqib"]
    assert len(rows) == 2 and rows[S.CLUSTER_ID].nunique() == 1
    assert rows[S.N_SOURCES].tolist() == [2, 2]
    assert rows[S.FATALITIES_LOW].tolist() == [3, 3]


def test_cli_on_a_running_scheduler(client, tmp_path: Path, seed_path: Path, capsys, fast_pipeline) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed_path, folder / "seed.txt")
    with (folder / "fakes.jsonl").open("w", encoding="utf-8") as fh:
        for r in _fakes(5):
            fh.write(json.dumps(r) + "\n")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00" * 30)

    # A store that already holds the seed article: the Dask run must keep it and not add it twice.
    local_store, dask_store = tmp_path / "local", tmp_path / "dask"
    for store in (local_store, dask_store):
        assert main(["ingest", str(seed_path), "--store", str(store)]) == 0
    assert main(["ingest", str(folder), "--store", str(local_store)]) == 0
    capsys.readouterr()

    status = tmp_path / "status.json"
    address = client.scheduler.address
    assert (
        main(
            [
                "ingest",
                str(folder),
                "--store",
                str(dask_store),
                "--dask",
                address,
                "--partition-size",
                "2",
                "--status",
                str(status),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "read 6 article(s); 1 already stored; 2 skipped" in out
    assert f"skipped {folder / 'empty.txt'}: empty file" in out
    assert f"skipped {folder / 'binary.txt'}: binary file" in out
    assert "added 5 article(s)" in out

    got, want = EventsStore(dask_store), EventsStore(local_store)
    pd.testing.assert_frame_equal(_sorted(got.load_events()), _sorted(want.load_events()))
    pd.testing.assert_frame_equal(got.load_articles(), want.load_articles())
    state = json.loads(status.read_text(encoding="utf-8"))
    assert state["state"] == "done" and state["done"] == state["total"] == 5
    assert len(state["skipped"]) == 2


def test_pipeline_loaded_once_per_worker(client, loader) -> None:
    # Every test above sent several partitions to these two workers; each loaded the pipeline once.
    counts = client.run(_load_count)
    assert len(counts) == 2
    assert all(c == {repr(loader): 1} for c in counts.values())


def test_missing_extra_names_the_install_command(monkeypatch, tmp_path: Path, seed_path: Path, capsys) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # what `import distributed` meets without the extra
    store = tmp_path / "store"
    assert main(["ingest", str(seed_path), "--store", str(store), "--dask", "local"]) == 1
    err = capsys.readouterr().err
    assert "pip install 'conflictmap[dask]'" in err
    assert not EventsStore(store).exists()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--dask", "local", "--online", "nominatim"], "--online cannot be combined with --dask"),
        (["--partition-size", "5"], "--partition-size only applies with --dask"),
    ],
)
def test_option_errors(argv: list[str], message: str, tmp_path: Path, seed_path: Path, capsys) -> None:
    assert main(["ingest", str(seed_path), "--store", str(tmp_path / "s"), *argv]) == 1
    assert message in capsys.readouterr().err


def test_unreachable_scheduler_keeps_the_store(
    monkeypatch, tmp_path: Path, seed_path: Path, capsys, fast_pipeline
) -> None:
    store = tmp_path / "store"
    assert main(["ingest", str(seed_path), "--store", str(store)]) == 0
    before = EventsStore(store).manifest()
    other = tmp_path / "other.txt"
    other.write_text(
        "Clashes\n\nTurkish troops clashed with regime forces in Idlib, Syria, on March 3, 2020.", encoding="utf-8"
    )
    monkeypatch.setattr(D, "CONNECT_TIMEOUT_S", 1.0)
    status = tmp_path / "status.json"
    assert (
        main(["ingest", str(other), "--store", str(store), "--dask", "tcp://127.0.0.1:9", "--status", str(status)]) == 1
    )
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    assert EventsStore(store).manifest() == before
    state = json.loads(status.read_text(encoding="utf-8"))
    assert state["state"] == "failed" and "tcp://127.0.0.1:9" in state["error"]


def test_workers_that_differ_are_refused() -> None:
    same = ("conflictmap 0.1.0", "model x 1", "gazetteer 10 places, 0 overrides")
    D.compare_fingerprints({"tcp://a:1": same, "tcp://b:1": same})
    with pytest.raises(DistributedError, match="the Dask workers differ.*tcp://b:1: conflictmap 0.1.0, model x 2"):
        D.compare_fingerprints({"tcp://a:1": same, "tcp://b:1": (same[0], "model x 2", same[2])})


def test_partitions_and_sizes() -> None:
    arts = [Article(text=f"text {i}") for i in range(7)]
    assert [len(p) for p in D.partitions(arts, 3)] == [3, 3, 1]
    assert [a for p in D.partitions(arts, 3) for a in p] == arts
    with pytest.raises(DistributedError):
        D.partitions(arts, 0)
    assert D.partition_size_for(407, 2) == 51
    assert D.partition_size_for(3, 8) == 1
    assert D.partition_size_for(100_000, 4) == D.MAX_PARTITION
    assert D.local_worker_count(cores=8, memory_bytes=4 * 10**9) == 2
    assert D.local_worker_count(cores=2, memory_bytes=24 * 10**9) == 2
    assert D.local_worker_count(cores=4, memory_bytes=10**8) == 1


def test_bench_through_the_cluster(client, fast_pipeline) -> None:
    from dashboard.bench import run_ingest_bench

    # One timed pair of local runs (the bench's default is three): this test is about the Dask figures.
    figures = run_ingest_bench(limit=6, dask=client.scheduler.address, partition_size=2, repeat=1)
    assert figures["articles"] == 6 and figures["dask_partitions"] == 3
    assert figures["dask_workers"] == 2 and figures["dask_articles_per_s"] > 0
    assert figures["dask_same_events"] is True
