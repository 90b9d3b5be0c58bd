"""Fault test (run by hand, not in CI; tests/test_faults.py runs a small version): kill -9 during an
ingest, a correction save and a compaction, N times each, and check what is left after each kill.

    python scripts/faults.py --kills 50                 # all three, 50 kills each
    python scripts/faults.py --kills 5 --phases correction,compaction

Each kill is a SIGKILL of the writing process (only that process: its parsing processes must die
on their own) after a random delay drawn over the length of a run that is not killed, so kills land
at every step: reading, loading the model, parsing, each file of the store write. After each kill:

- the store is readable, no event id or article id is stored twice, and the manifest's counts agree;
- nothing is lost: every article stored before is still there, and every stored article has all of
  its events (as many as a clean ingest of the same file gives); a correction leaves the number of
  events alone, a compaction leaves every event's place, date and toll as they were;
- a correction's override entry and its store rows agree: the rows moved if and only if the entry is
  in the override table or recorded as pending in the manifest, and once the next start has
  finished pending work (corrections.finish_corrections) strictly so;
- no process of the killed run is left (each child carries a marker in its environment);
- the next write goes through (the lock died with its holder) and leaves no stray file.

A killed ingest is then run again, as a user would after a crash: at the end every article of every
run is stored exactly once. It prints one JSON object: per phase the kills, how many landed before
and after the write committed, and the count of each failure (all 0 when the store held).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import NamedTuple

import psutil

MARKER = "CONFLICTMAP_FAULT_RUN"
HERE = Path(__file__).resolve().parent
# Places, counts and weapons for ingest articles of our own (never the evaluation data).
TOWNS = ("Aleppo", "Homs", "Idlib", "Hama", "Raqqa", "Deir ez-Zor", "Daraa", "Latakia", "Tartus", "Qamishli")
WEAPONS = ("shelling", "an air strike", "a car bomb", "clashes")

# The write children import first, then wait for "go" on stdin before they touch the store: the next
# run's child is started while the last kill is checked, so its imports (seconds on a busy machine)
# overlap the checks instead of adding to every run. A child whose stdin closes without "go" exits.
CORRECT_CHILD = r"""
import sys
from pathlib import Path
from dashboard.corrections import Alternative, save_correction
from dashboard.store import EventsStore
root, gz, toponym, i = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
if sys.stdin.readline().strip() != "go":
    sys.exit(0)
store = EventsStore(root)
print("start", flush=True)
save_correction(store, toponym, Alternative(name=f"Fault place {i}", lat=10.0 + i % 600 / 20, lon=20.0,
                                            feature_code="PPL", country_code="SY"), folder=gz)
print("saved", flush=True)
"""
COMPACT_CHILD = r"""
import sys
from dashboard.store import EventsStore
if sys.stdin.readline().strip() != "go":
    sys.exit(0)
store = EventsStore(sys.argv[1])
print("start", flush=True)
store.compact()
print("saved", flush=True)
"""


# -- processes -----------------------------------------------------------------------------------


def marked_processes(marker: str) -> list[psutil.Process]:
    """Live processes whose environment carries MARKER=marker (a killed run's leftovers)."""
    found = []
    for p in psutil.process_iter(["pid"]):
        try:
            if p.environ().get(MARKER) == marker and p.status() != psutil.STATUS_ZOMBIE:
                found.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def orphans_after(marker: str, grace_s: float = 10.0) -> int:
    """How many processes of the killed run are still alive after `grace_s` (they are then killed)."""
    deadline = time.monotonic() + grace_s
    left = marked_processes(marker)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)  # polling the process table: the condition is "no marked process left"
        left = marked_processes(marker)
    for p in left:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    return len(left)


class Child(NamedTuple):
    """A started write process and the marker its environment carries."""

    proc: subprocess.Popen
    marker: str
    handshake: bool  # waits for "go" on stdin (a write child), else already running (an ingest)


def spawn(cmd: list[str], env: dict, handshake: bool = True) -> Child:
    """Start cmd with a marker of its own; a handshake child imports, then waits for "go"."""
    marker = uuid.uuid4().hex
    proc = subprocess.Popen(
        cmd,
        env={**env, MARKER: marker},
        stdin=subprocess.PIPE if handshake else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Child(proc, marker, handshake)


def run_killed(child: Child, delay_s: float, wait_for_start: bool, done_word: str = "saved") -> dict:
    """Let the child go, SIGKILL it `delay_s` after it starts (after it prints "start" when
    wait_for_start); returns {"killed", "during", "orphans", "rc", "out", "s"}: `during` = killed
    before it printed `done_word` (the write had not returned)."""
    proc = child.proc
    if child.handshake:
        proc.stdin.write("go\n")
        proc.stdin.close()
        proc.stdin = None  # communicate() below must not flush it again
    if wait_for_start:
        line = proc.stdout.readline()
        if line.strip() != "start":
            proc.kill()
            out, err = proc.communicate()
            raise RuntimeError(f"the child did not start: {line}{out}{err[-2000:]}")
    t0 = time.perf_counter()
    try:
        proc.wait(timeout=delay_s)
        killed = False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        killed = True
    took = time.perf_counter() - t0
    out, err = proc.communicate()
    killed = killed and proc.returncode == -signal.SIGKILL
    return {
        "killed": killed,
        "during": killed and done_word not in out.split(),
        "orphans": orphans_after(child.marker),
        "rc": proc.returncode,
        "out": out + err[-2000:],
        "s": took,
    }


# -- the store after a kill --------------------------------------------------------------------------


def store_state(root: Path) -> dict:
    """What a reader sees: events and articles (raises when the store cannot be read)."""
    from dashboard import schema as S
    from dashboard.store import EventsStore

    store = EventsStore(root)
    if not (root / "manifest.json").exists():
        return {"events": S.empty_events(), "articles": set(), "manifest": None}
    events, articles = store.load_events(), store.load_articles()
    return {"events": events, "articles": list(articles["article_id"]), "manifest": store.manifest()}


def basic_faults(state: dict) -> list[str]:
    """Duplicates and a manifest that disagrees with what is read."""
    from dashboard import schema as S

    out = []
    events, m = state["events"], state["manifest"]
    if not events[S.EVENT_ID].is_unique:
        out.append("duplicated event ids")
    if len(set(state["articles"])) != len(state["articles"]):
        out.append("duplicated articles")
    if m is not None and (m["n_events"] != len(events) or m["n_articles"] != len(state["articles"])):
        out.append("manifest counts disagree")
    return out


def next_write_faults(root: Path, seed: int, write: tuple | None = None) -> list[str]:
    """The next write goes through and leaves only the files the manifest names. The write is
    `write` (events, articles) when the phase has one to make anyway, else a note."""
    from dashboard import schema as S
    from dashboard import store_files as F
    from dashboard.ingest.article import Article
    from dashboard.store import EventsStore

    store = EventsStore(root, lock_wait_s=5.0)
    events, articles = write or (
        S.empty_events(),
        [Article(text=f"a note written after kill {seed}", title="note", source="x")],
    )
    try:
        store.append(events, articles)
    except Exception as err:  # noqa: BLE001 (any failure of the next write is the finding, named)
        return [f"the next write failed: {type(err).__name__}: {err}"]
    left = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".parquet", ".arrow", ".tmp")
    )
    m = store.manifest()
    named = sorted(F.referenced(m))  # the parts, and a whole rollup part's sums
    return [] if left == named else [f"stray files after the next write: {sorted(set(left) - set(named))[:3]}"]


def tally(results: list[dict]) -> dict:
    faults: dict[str, int] = {}
    for r in results:
        for f in r["faults"]:
            key = f.split(":")[0]
            faults[key] = faults.get(key, 0) + 1
    return {
        "kills_during_write": sum(r["during"] for r in results),
        "kills_after_it_returned": sum(r["killed"] and not r["during"] for r in results),
        "runs": len(results),
        "store_changed_by_killed_run": sum(r.get("changed", False) for r in results),
        "orphans": sum(r["orphans"] for r in results),
        "faults": faults,
        "examples": [f for r in results for f in r["faults"]][:5],
    }


# -- corrections ------------------------------------------------------------------------------------


def override_names(gz: Path) -> dict[str, tuple[float, float]]:
    from dashboard.overrides import OVERRIDES, read_table

    path = gz / OVERRIDES
    rows = read_table(path) if path.exists() else []
    return {r["name"].strip().lower(): (float(r["latitude"]), float(r["longitude"])) for r in rows}


def correction_faults(root: Path, gz: Path, toponym: str, i: int, n_before: int, moved_before: dict) -> list[str]:
    """The store and the override table agree on correction i, before and after finish_corrections."""
    from dashboard import schema as S
    from dashboard.corrections import finish_corrections, same_name
    from dashboard.store import EventsStore

    state = store_state(root)
    out = basic_faults(state)
    events = state["events"]
    if len(events) != n_before:
        out.append(f"event count changed: {n_before} -> {len(events)}")
    rows = events[events[S.TOPONYM].map(lambda t: same_name(t, toponym))]
    moved = rows[S.LOCATION] == f"Fault place {i}"
    if moved.any() and not moved.all():
        out.append("a correction moved part of its rows")
    for name, (place, n) in moved_before.items():  # earlier corrections hold
        held = events[events[S.TOPONYM].map(lambda t, name=name: same_name(t, name))]
        if (held[S.LOCATION] == place).sum() != n:
            out.append(f"an earlier correction was lost: {name}")
    entry = toponym.strip().lower() in override_names(gz) and override_names(gz)[toponym.strip().lower()][0] == round(
        10.0 + i % 600 / 20, 6
    )
    pending = "pending" in (state["manifest"] or {})
    if bool(moved.all() and len(rows)) != (entry or pending):
        out.append(f"store and override table disagree: moved={bool(moved.all())} entry={entry} pending={pending}")
    finish_corrections(EventsStore(root), gz)  # what the next save, ingest or server start does
    entry = toponym.strip().lower() in override_names(gz) and override_names(gz)[toponym.strip().lower()][0] == round(
        10.0 + i % 600 / 20, 6
    )
    if bool(moved.all() and len(rows)) != entry:
        out.append(f"store and override table disagree after finishing: moved={bool(moved.all())} entry={entry}")
    if moved.all() and len(rows):
        moved_before[toponym] = (f"Fault place {i}", len(rows))
    return out


def prepared(root: Path, events: int, seed: int, source: Path | None) -> None:
    """The phase's store: a copy of `source` (a synthetic store written beforehand, e.g. shared by
    the tests), else a synthetic store written here."""
    from dashboard.synth import write_synthetic_store

    if source is not None:
        shutil.copytree(source, root)
    else:
        write_synthetic_store(root, events, seed)


def correction_targets(counts, kills: int) -> list[str]:  # noqa: ANN001 (a value_counts Series)
    """Distinct toponyms to correct, busiest first: enough for `kills` kills when most runs end
    before their kill (a run per name; the last one is the clean run's)."""
    names = [str(n) for n in counts.index if n and str(n).strip()]
    return names[: RUNS_PER_KILL * kills + 1]


RUNS_PER_KILL = 6  # at most this many runs per kill wanted (the 50-kill run needed ~2.5)


def correction_phase(
    work: Path, kills: int, rng: random.Random, events: int = 20_000, source: Path | None = None
) -> dict:
    from dashboard import schema as S
    from dashboard.store import EventsStore

    root, gz = work / "corrections", work / "gz"
    gz.mkdir(parents=True, exist_ok=True)
    prepared(root, events, 1, source)
    counts = store_state(root)["events"][S.TOPONYM].value_counts()
    names = correction_targets(counts, kills)
    env = {**os.environ, "CONFLICTMAP_GAZETTEER": str(gz)}

    def child(i: int) -> Child:
        return spawn([sys.executable, "-c", CORRECT_CHILD, str(root), str(gz), names[i], str(i)], env)

    calm = run_killed(
        spawn([sys.executable, "-c", CORRECT_CHILD, str(root), str(gz), names[-1], "999"], env), 600, True
    )  # not killed: how long a save takes
    if calm["rc"] != 0:
        raise RuntimeError(f"a correction without a kill failed: {calm['out']}")
    results, moved_before, i = [], {names[-1]: ("Fault place 999", int(counts[names[-1]]))}, 0
    nxt: Child | None = child(0)
    while nxt is not None:
        n_before = EventsStore(root).manifest()["n_events"]  # the last check found it true
        r = run_killed(nxt, rng.uniform(0, calm["s"] * 1.1), True)
        results.append(r)
        more = sum(x["during"] for x in results) < kills and i + 1 < len(names) - 1
        nxt = child(i + 1) if more else None  # imports while this kill is checked
        r["faults"] = correction_faults(root, gz, names[i], i, n_before, moved_before) + next_write_faults(root, i)
        r["changed"] = r["during"] and names[i] in moved_before
        i += 1
    return {**tally(results), "write_s": round(calm["s"], 2), "events": events, "targets": len(names) - 1}


# -- compaction -------------------------------------------------------------------------------------

KEPT = ["event_id", "location", "latitude", "longitude", "event_date", "fatalities", "event_type"]


def batch_pool(n: int, batches: int, seed: int):  # noqa: ANN201 (a DataFrame; pandas imported lazily)
    """Synthetic events for `batches` appends of n events, drawn at once (one draw of the synthetic
    places instead of one per append)."""
    from dashboard.synth import synthetic_events

    return synthetic_events(n * batches, seed=seed)[0]


def batch(seed: int, events) -> tuple:  # noqa: ANN001 (a DataFrame)
    """`events` as articles of their own, with ids of this batch: (events, articles) to append (a
    write for the compaction to fold)."""
    from dashboard import schema as S
    from dashboard.ingest.article import Article

    events = events.reset_index(drop=True)
    arts = {
        a: Article(text=f"batch {seed} article {a}", title=a, source="outlet") for a in events[S.ARTICLE_ID].unique()
    }
    events[S.ARTICLE_ID] = events[S.ARTICLE_ID].map(lambda a: arts[a].article_id)
    events[S.EVENT_ID] = [f"b{seed}-{k}" for k in range(len(events))]
    return events, list(arts.values())


def content(events):  # noqa: ANN001, ANN201 (DataFrames; pandas imported lazily)
    return events[KEPT].sort_values("event_id").reset_index(drop=True)


def compaction_phase(
    work: Path, kills: int, rng: random.Random, events: int = 20_000, source: Path | None = None, size: int = 300
) -> dict:
    from dashboard.store import EventsStore

    root = work / "compaction"
    prepared(root, events, 2, source)
    cmd = [sys.executable, "-c", COMPACT_CHILD, str(root)]
    runs = RUNS_PER_KILL // 2 * kills
    pool = batch_pool(size, runs + 2, 1000)

    def nth(i: int) -> tuple:  # the batch appended before run i (-1: before the clean run)
        return batch(1001 + i, pool.iloc[(i + 1) * size : (i + 2) * size])

    EventsStore(root).append(*nth(-1))
    calm = run_killed(spawn(cmd, dict(os.environ)), 600, True)
    if calm["rc"] != 0:
        raise RuntimeError(f"a compaction without a kill failed: {calm['out']}")
    EventsStore(root).append(*nth(0))
    results: list[dict] = []
    i = 0
    nxt: Child | None = spawn(cmd, dict(os.environ))
    while nxt is not None:
        before = content(store_state(root)["events"])
        r = run_killed(nxt, rng.uniform(0, calm["s"] * 1.1), True)
        results.append(r)
        more = sum(x["during"] for x in results) < kills and i + 1 < runs
        nxt = spawn(cmd, dict(os.environ)) if more else None  # imports while this kill is checked
        state = store_state(root)
        r["faults"] = basic_faults(state)
        if not content(state["events"]).equals(before):
            r["faults"].append("events changed by the compaction")
        # The next write after the kill is the next run's batch (one append per run, not two).
        r["faults"] += next_write_faults(root, 5000 + i, nth(i + 1) if more else None)
        i += 1
    return {**tally(results), "write_s": round(calm["s"], 2), "events": events}


# -- ingest -----------------------------------------------------------------------------------------


def write_folders(work: Path, n: int) -> list[tuple[Path, list[str]]]:
    """n folders of two short articles each (JSONL), and each folder's article ids."""
    from dashboard.ingest.article import article_id_for

    out = []
    for i in range(n):
        folder = work / "inbox" / f"run{i:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for j in range(2):
            town, other = TOWNS[(i + j) % len(TOWNS)], TOWNS[(i + 3 * j + 1) % len(TOWNS)]
            weapon = WEAPONS[(i + j) % len(WEAPONS)]
            text = (
                f"{town}, {1 + i % 27} March 2024. {weapon.capitalize()} killed {i + 2} civilians and wounded "
                f"{j + 4} others in {town} on Tuesday, medics at the city hospital said. Residents of {other} "
                f"reported {WEAPONS[j % 4]} near a market the same day, with {j + 1} dead (report {i}-{j})."
            )
            rows.append(
                {
                    "text": text,
                    "title": f"Report {i}-{j}",
                    "published": "2024-03-28",
                    "source": "fault-test wire",
                    "url": f"https://example.org/fault/{i}/{j}",
                }
            )
        (folder / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        out.append((folder, [article_id_for(r["text"]) for r in rows]))
    return out


def ingest_cmd(root: Path, folders: list[Path]) -> list[str]:
    return [sys.executable, "-m", "dashboard", "ingest", "--store", str(root), *map(str, folders)]


def per_article(events) -> dict[str, int]:  # noqa: ANN001 (a DataFrame)
    return events["article_id"].value_counts().to_dict()


def ingest_faults(root: Path, expected: set[str], before: set[str], want: dict[str, int]) -> list[str]:
    state = store_state(root)
    out = basic_faults(state)
    stored = set(state["articles"])
    if not before <= stored:
        out.append(f"lost articles: {len(before - stored)}")
    ours = stored & set(want)
    if not ours <= expected:
        out.append("articles of a later run stored")
    got = per_article(state["events"])
    if any(got.get(a, 0) != want[a] for a in ours):
        out.append("an article stored without all its events")
    return out


def ingest_phase(work: Path, kills: int, rng: random.Random) -> dict:
    root, ref = work / "ingest", work / "ingest-reference"
    env = {**os.environ, "CONFLICTMAP_GAZETTEER": str(work / "gz-ingest")}
    folders = write_folders(work, kills * 2 + 1)  # some runs end before their kill: more folders than kills
    subprocess.run(ingest_cmd(ref, [f for f, _ in folders]), env=env, check=True, capture_output=True)
    want = per_article(store_state(ref)["events"])
    every = {a for _, ids in folders for a in ids}
    if not every <= set(store_state(ref)["articles"]):
        raise RuntimeError("the reference ingest did not store every article")
    want = {a: want.get(a, 0) for a in every}
    calm = run_killed(spawn(ingest_cmd(work / "ingest-timing", [folders[0][0]]), env, False), 900, False, "added")
    results: list[dict] = []
    i = 0
    while sum(r["during"] for r in results) < kills and i < len(folders) - 1:
        before = set(store_state(root)["articles"]) & every
        expected = {a for _, ids in folders[: i + 1] for a in ids}
        r = run_killed(
            spawn(ingest_cmd(root, [f for f, _ in folders[: i + 1]]), env, False),
            rng.uniform(0, calm["s"] * 1.1),
            False,
            "added",
        )
        r["faults"] = ingest_faults(root, expected, before, want) + next_write_faults(root, 9000 + i)
        r["changed"] = r["during"] and bool(set(store_state(root)["articles"]) & expected - before)
        results.append(r)
        i += 1
    # A user runs the ingest again after the crash: then everything is there, once.
    final = subprocess.run(ingest_cmd(root, [f for f, _ in folders]), env=env, capture_output=True, text=True)
    end = ingest_faults(root, every, every & set(store_state(root)["articles"]), want)
    missing = every - set(store_state(root)["articles"])
    if final.returncode != 0 or missing:
        end.append(f"the ingest run again did not complete: rc={final.returncode}, {len(missing)} missing")
    return {**tally(results), "write_s": round(calm["s"], 2), "articles": len(every), "after_rerun": end}


PHASES = {"ingest": ingest_phase, "correction": correction_phase, "compaction": compaction_phase}


def run(kills: int, phases: list[str], seed: int = 0, work: Path | None = None) -> dict:
    rng = random.Random(seed)
    out: dict = {"kills_each": kills, "seed": seed, "load_avg_1m_before": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        for name in phases:
            t0 = time.perf_counter()
            out[name] = PHASES[name](Path(tmp), kills, rng)
            out[name]["wall_s"] = round(time.perf_counter() - t0, 1)
    out["load_avg_1m_after"] = round(os.getloadavg()[0], 2)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kills", type=int, default=50, help="kills per phase")
    p.add_argument("--phases", default="ingest,correction,compaction", help="comma-separated: " + ", ".join(PHASES))
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    phases = [x.strip() for x in args.phases.split(",") if x.strip()]
    unknown = [x for x in phases if x not in PHASES]
    if unknown:
        p.error(f"unknown phase(s): {', '.join(unknown)}")
    print(json.dumps(run(args.kills, phases, args.seed)))


if __name__ == "__main__":
    main()
