"""kill -9 at random points of append, merge, correction and compaction leaves a readable store
with nothing lost: every write that returned is there, the interrupted one is wholly there or absent."""

from __future__ import annotations

import functools
import json
import os
import random
import select
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from actor_states import assert_actor_states_as_the_events
from listed_rows import assert_listed_as_the_events
from search_states import assert_search_states_as_the_events

from dashboard import rollup as R
from dashboard import schema as S
from dashboard import store_files as F
from dashboard.app import duck as D
from dashboard.app import duck_search as DSE
from dashboard.store import EventsStore

# The child ingests batches of a synthetic corpus, corrects a place every third batch and compacts
# every fourth; it SIGKILLs itself at the K-th file operation (a part, an overlay, the articles, the
# manifest, a clean-up), so the kill lands inside a write, not between two writes.
CHILD = r"""
import os, signal, sys
import pandas as pd
import pyarrow.parquet as pq
from pathlib import Path
from dashboard import schema as S
from dashboard.corrections import Alternative, save_correction
from dashboard.ingest.article import Article
from dashboard.store import EventsStore

root, kill_at = Path(sys.argv[1]), int(sys.argv[2])
events = pd.read_pickle(sys.argv[3])  # synthetic_events(400, seed=4), drawn once by the test module
events[S.DATE_PRECISION] = "day"
arts = {a: Article(text=f"article {a}", title=a, source=f"outlet-{i % 3}")
        for i, a in enumerate(events[S.ARTICLE_ID].unique())}
events[S.ARTICLE_ID] = events[S.ARTICLE_ID].map(lambda a: arts[a].article_id)
names = list(arts)
calls = [0]

def hit():
    calls[0] += 1
    if calls[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

for mod, name in ((os, "replace"), (os, "unlink"), (pq, "write_table")):
    real = getattr(mod, name)
    def wrapped(*a, _real=real, **k):
        hit()
        return _real(*a, **k)
    setattr(mod, name, wrapped)

store = EventsStore(root)
for i in range(0, len(names), 6):
    batch = names[i:i + 6]
    ids = {arts[a].article_id for a in batch}
    store.append(events[events[S.ARTICLE_ID].isin(ids)], [arts[a] for a in batch])
    print("appended", *sorted(ids), flush=True)
    n = i // 6
    if n % 3 == 2:
        row = events[events[S.ARTICLE_ID].isin(ids)].iloc[0]
        place = Alternative(name=f"Moved {n}", lat=10.0 + n, lon=20.0, feature_code="PPL", country_code="SY")
        save_correction(store, row[S.TOPONYM], place, folder=root.parent / "gz")
        print("corrected", row[S.TOPONYM], n, flush=True)
    if n % 4 == 3:
        store.compact()
        print("compacted", flush=True)
print("finished", flush=True)
"""


# The children are forked from one process per test worker that has imported what they use, so a child
# starts at its first write (starting a Python and importing took ~0.8 s of CPU of each child): each kill
# still ends a process of its own, whose file operations alone are counted. One request per line on
# stdin (the child's argv, its stdout and stderr files, its environment's additions); one line back:
# the child's exit code (negative: the signal that ended it).
FORKER = r"""
import json, os, sys, traceback
import duckdb, pandas as pd, pyarrow.parquet as pq
from dashboard import rollup, schema, store_files
from dashboard.corrections import Alternative, save_correction
from dashboard.ingest.article import Article
from dashboard.store import EventsStore
child = compile(sys.argv[1], "<child>", "exec")
for line in sys.stdin:
    args, out, err, env = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            for fd, path in ((1, out), (2, err)):
                f = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                os.dup2(f, fd)
                os.close(f)
            os.environ.update(env)
            sys.argv = ["-c", *args]
            exec(child, {"__name__": "__main__"})
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


@pytest.fixture(scope="module")
def forker():
    proc = subprocess.Popen(
        [sys.executable, "-c", FORKER, CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    yield proc
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(60)


def run_child(forker: subprocess.Popen, tmp_path: Path, args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """One child forked (FORKER): its exit code, stdout and stderr."""
    assert forker.stdin is not None and forker.stdout is not None
    out, err = tmp_path / "child.out", tmp_path / "child.err"
    forker.stdin.write(json.dumps([args, str(out), str(err), env]) + "\n")
    forker.stdin.flush()
    ready, _, _ = select.select([forker.stdout], [], [], 300)
    assert ready, "the child ran for 5 minutes"
    line = forker.stdout.readline()
    assert line, f"the forking process ended ({forker.poll()})"
    return int(line), out.read_text(), err.read_text()


@functools.cache
def _corpus() -> pd.DataFrame:
    """The child's corpus (do not mutate), drawn once per process: drawing it took half a second of
    each child's run and of each test's check."""
    from dashboard.synth import synthetic_events

    events, _ = synthetic_events(400, seed=4)
    return events


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory) -> Path:
    """The corpus pickled for the children (a pickle keeps every dtype), written once per module."""
    path = tmp_path_factory.mktemp("crash_corpus") / "events.pkl"
    _corpus().to_pickle(path)
    return path


@functools.cache
def _corpus_counts() -> dict[str, int]:
    from dashboard.ingest.article import Article

    events = _corpus()
    ids = {a: Article(text=f"article {a}", title=a).article_id for a in events[S.ARTICLE_ID].unique()}
    return events[S.ARTICLE_ID].map(ids).value_counts().to_dict()


# File operations (counted on a run without a kill; SQLite's own writes to the index are not among
# them): 1-18 are the first append (11-17 the merge's index built; 18 its manifest), 19-29 the second,
# 43-49 the first correction (its patch of places and rollup part, the manifest, the override table,
# the manifest again), 61-115 the first compaction (71-94 its rollup's files, 95-114 the dashboard's
# held tables written with it: store_held, two operations a file, 101-102 duck_newest's; 115 its
# manifest), 116-151 the append after it (129-151 the clean-up of the files before the compaction),
# 165-171 the second correction, 194-248 the second compaction (228-247 its held tables), up to 327.
# One more point drawn anew at each run (its number is in the test id), so runs cover other points; drawn
# from the run's seed (tests/conftest.py) so that every pytest-xdist worker collects the same point.
_RUN_POINT = random.Random(os.environ.get("CONFLICTMAP_TEST_RUN_SEED")).randrange(1, 328)


@pytest.mark.parametrize("kill_at", [4, 13, 29, 48, 62, 71, 90, 97, 101, 111, 124, 158, 230, _RUN_POINT])
def test_kill_9_leaves_a_readable_store_with_nothing_lost(
    tmp_path: Path, corpus_file: Path, forker: subprocess.Popen, kill_at: int
) -> None:
    root = tmp_path / "store"
    code, stdout, stderr = run_child(
        forker, tmp_path, [str(root), str(kill_at), str(corpus_file)], {"CONFLICTMAP_GAZETTEER": str(tmp_path / "gz")}
    )
    assert code == -signal.SIGKILL, (code, stderr[-2000:])
    lines = stdout.splitlines()
    done = {a for line in lines if line.startswith("appended") for a in line.split()[1:]}
    store = EventsStore(root)
    events, articles = store.load_events(), store.load_articles()  # readable
    stored = set(articles["article_id"])
    assert done <= stored, "an append that returned is never lost"
    assert len(stored - done) <= 6, "at most the interrupted batch is there besides"
    assert set(events[S.ARTICLE_ID]) <= stored
    want = _corpus_counts()
    got = events[S.ARTICLE_ID].value_counts().to_dict()
    assert {a: got.get(a, 0) for a in stored} == {a: want.get(a, 0) for a in stored}, (
        "every stored article has all its events"
    )
    assert events[S.EVENT_ID].is_unique
    m = store.manifest()
    assert m["n_events"] == len(events) and m["n_articles"] == len(articles)
    if m.get("rollup"):  # the dashboard's tables of the generation left (duck_actors: from its files)
        assert_actor_states_as_the_events(D.DuckEngine(store, threads=1))
        db = D.DuckEngine(store, threads=1)
        if DSE.written(db, int(m["generation"])):  # its excerpts' word index (after appends: and their Delta)
            assert_search_states_as_the_events(db)
    if len(events):  # and the panel's newest rows held whole (duck_listed)
        assert_listed_as_the_events(D.DuckEngine(store, threads=1))
    before: set[str] = set()
    for line in lines:
        if line.startswith("appended"):
            before |= set(line.split()[1:])
        if line.startswith("corrected"):
            # The rows stored when it returned moved (a later correction of the same name may move them on).
            _, *name, n = line.split()
            moved = events[(events[S.TOPONYM] == " ".join(name)) & events[S.ARTICLE_ID].isin(before)]
            assert len(moved) and set(moved[S.LOCATION]) <= {f"Moved {k}" for k in range(int(n), 99)}, (
                "a correction that returned holds"
            )
    # The store takes the next write, which also clears what the killed one left behind.
    from dashboard.ingest.article import Article

    extra = Article(text="one more article", title="x", source="s")
    assert store.append(S.empty_events(), [extra]) == (1, 0)
    left = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".parquet", ".arrow", ".tmp")]
    named = F.referenced(store.manifest())  # the parts, and a whole rollup part's sums
    assert sorted(p.relative_to(root).as_posix() for p in left) == sorted(named)
    assert R.differences(root, store.manifest()).empty, "the rollup counts what the events hold"
    assert json.loads((root / "manifest.json").read_text())["generation"] == store.manifest()["generation"]
