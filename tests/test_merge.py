"""Reports of the same event in several articles become one cluster with its sources counted; the
store's incremental merge gives what a merge of the whole table gives."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import schema as S
from dashboard import store_files as F
from dashboard.ingest.article import Article
from dashboard.merge import CLUSTER_COLUMNS, merge_reports
from dashboard.store import EventsStore

STRIKE = dict(
    event_type="Explosions/Remote violence",
    sub_event_type="Air/drone strike",
    location="Saraqib",
    latitude=35.86,
    longitude=36.8,
    actor1="",
    actor2="",
)


def test_same_event_in_three_outlets(make_events) -> None:
    df = make_events(
        dict(STRIKE, event_id="a1", article_id="A", source="SANA", event_date="2016-08-01", fatalities=12),
        dict(STRIKE, event_id="b1", article_id="B", source="AFP", event_date="2016-08-01", fatalities=15),
        # Another violent type the same day at the same place: one class, the same event.
        dict(
            STRIKE,
            event_id="c1",
            article_id="C",
            source="AFP",
            event_date="2016-08-01",
            fatalities=None,
            event_type="Battles",
            sub_event_type="Armed clash",
        ),
        # The next day at the same place: another strike (days are never chained).
        dict(STRIKE, event_id="d1", article_id="D", source="AFP", event_date="2016-08-02", fatalities=3),
        # Same day and place, a protest: another event.
        dict(
            STRIKE,
            event_id="e1",
            article_id="E",
            source="SANA",
            event_date="2016-08-01",
            event_type="Protests",
            sub_event_type="Peaceful protest",
        ),
    )
    out = merge_reports(df).set_index(S.EVENT_ID)
    cluster = out.loc[["a1", "b1", "c1"]]
    assert cluster[S.CLUSTER_ID].nunique() == 1
    assert cluster[S.N_SOURCES].tolist() == [2, 2, 2], "SANA and AFP"
    assert cluster[S.FATALITIES_LOW].tolist() == [12] * 3 and cluster[S.FATALITIES_HIGH].tolist() == [15] * 3
    assert out.loc["d1", S.CLUSTER_ID] == "d1" and out.loc["d1", S.N_SOURCES] == 1
    assert out.loc["e1", S.CLUSTER_ID] == "e1"


def test_different_actors_block_the_merge(make_events) -> None:
    day = dict(STRIKE, event_date="2016-08-01")
    df = make_events(
        dict(day, event_id="r1", article_id="A", actor1="Military Forces of Syria"),
        dict(day, event_id="r2", article_id="B", actor1="Military Forces of Syria", actor2="Civilians"),
        dict(day, event_id="h1", article_id="C", actor1="HTS"),
    )
    out = merge_reports(df).set_index(S.EVENT_ID)
    assert out.loc["r1", S.CLUSTER_ID] == out.loc["r2", S.CLUSTER_ID], "one side's actors within the other's"
    assert out.loc["h1", S.CLUSTER_ID] == "h1", "another actor: another event"


def test_statements_undated_and_month_dated_rows_are_not_merged(make_events) -> None:
    base = dict(
        event_type="Diplomacy",
        sub_event_type="Statement",
        location="Ankara",
        latitude=39.92,
        longitude=32.85,
        event_date="2020-03-04",
    )
    df = make_events(
        dict(base, event_id="s1", article_id="A"),
        dict(base, event_id="s2", article_id="B"),
        dict(base, event_id="u1", article_id="C", sub_event_type="Meeting/summit", event_date=None),
        dict(base, event_id="u2", article_id="D", sub_event_type="Meeting/summit", event_date=None),
        dict(STRIKE, event_id="m1", article_id="E", event_date="2020-03-01", date_precision="month"),
        dict(STRIKE, event_id="m2", article_id="F", event_date="2020-03-01", date_precision="month"),
    )
    out = merge_reports(df)
    assert out[S.CLUSTER_ID].tolist() == out[S.EVENT_ID].tolist()
    assert (out[S.N_SOURCES] == 1).all()


# Actor vocabularies of the corpus: (actor1 choices, actor2 choices). "crowded": few actors, many rows
# naming none (most rows compatible); "distinct": most rows name two of several actors, so rows of
# one key often are not compatible, and a row naming one actor links two rows that are not (a chain).
ACTORS = {
    "crowded": (["", "", "A", "B"], ["", "", "", "A", "C"]),
    "distinct": (["A", "B", "C", "D", ""], ["A", "B", "C", "D", "E", "", ""]),
}


def _corpus(n: int, seed: int, actors: str = "crowded") -> pd.DataFrame:
    """Rows crowded onto few places, days, types and actors, so that many of them merge."""
    from dashboard.synth import synthetic_events

    events, _ = synthetic_events(n, seed=seed)
    rng = random.Random(seed)
    events[S.EVENT_DATE] = [
        pd.Timestamp("2021-05-01") + pd.Timedelta(days=rng.randrange(4)) if rng.random() < 0.95 else pd.NaT
        for _ in range(len(events))
    ]
    events[S.DATE_PRECISION] = "day"
    events[S.SOURCE] = [f"outlet-{rng.randrange(6)}" for _ in range(len(events))]
    first, second = ACTORS[actors]
    events[S.ACTOR1] = [rng.choice(first) for _ in range(len(events))]
    events[S.ACTOR2] = [rng.choice(second) for _ in range(len(events))]
    return S.coerce_events(events)


def _keyed(events: pd.DataFrame) -> pd.DataFrame:
    return events.set_index(S.EVENT_ID).sort_index()[CLUSTER_COLUMNS]


@pytest.mark.parametrize(("seed", "actors"), [(1, "crowded"), (2, "crowded"), (3, "distinct"), (4, "distinct")])
def test_incremental_merge_equals_a_full_merge(tmp_path: Path, seed: int, actors: str) -> None:
    """Random batches appended one by one give what one merge of every row gives: the cluster
    columns, and every other column of the rows the merge read back (by file and row number) and
    wrote again as overlay rows."""
    events = _corpus(800, seed, actors)
    # Article ids become the hashes of the stand-in texts, so the store takes the rows.
    arts = {
        a: Article(text=f"article {a}", title=a, published=date(2021, 5, 2), source="s")
        for a in events[S.ARTICLE_ID].unique()
    }
    events[S.ARTICLE_ID] = events[S.ARTICLE_ID].map(lambda a: arts[a].article_id)
    ids = list(arts)
    random.Random(seed).shuffle(ids)
    store = EventsStore(tmp_path / "s")
    rng = random.Random(seed)
    i = 0
    while i < len(ids):
        batch = ids[i : i + rng.randint(1, 40)]
        i += len(batch)
        mine = {arts[a].article_id for a in batch}
        store.append(events[events[S.ARTICLE_ID].isin(mine)], [arts[a] for a in batch])
    stored = store.load_events()
    full = S.coerce_events(merge_reports(events))
    assert len(stored) == len(events)
    pd.testing.assert_frame_equal(_keyed(stored), _keyed(full))
    pd.testing.assert_frame_equal(
        stored.set_index(S.EVENT_ID).sort_index(), full.set_index(S.EVENT_ID).sort_index(), check_like=True
    )
    assert (full[S.N_SOURCES] > 1).sum() > 50, "the corpus merges many reports"
    assert len(store.manifest()["overlays"]) > 0, "later batches changed stored clusters"


def test_untouched_clusters_keep_their_ids(tmp_path: Path) -> None:
    events = _corpus(600, 5)
    arts = {a: Article(text=f"article {a}", title=a, source="s") for a in events[S.ARTICLE_ID].unique()}
    events[S.ARTICLE_ID] = events[S.ARTICLE_ID].map(lambda a: arts[a].article_id)
    first, second = list(arts)[:60], list(arts)[60:]
    store = EventsStore(tmp_path / "s")
    pick = lambda names: events[events[S.ARTICLE_ID].isin({arts[a].article_id for a in names})]  # noqa: E731
    store.append(pick(first), [arts[a] for a in first])
    before = store.load_events().set_index(S.EVENT_ID)
    store.append(pick(second), [arts[a] for a in second])
    after = store.load_events().set_index(S.EVENT_ID).loc[before.index]
    changed = before[S.CLUSTER_ID] != after[S.CLUSTER_ID]
    from dashboard.merge import merge_keys

    new_keys = set(merge_keys(pick(second)).dropna())
    touched = merge_keys(before.reset_index()).isin(new_keys).to_numpy(dtype=bool, na_value=False)
    assert changed.any(), "some stored rows joined new reports"
    assert not (changed.to_numpy() & ~touched).any(), "a cluster id changed where no new row could join"


def test_a_correction_at_the_store_equals_a_full_merge(tmp_path: Path) -> None:
    from dashboard.corrections import Alternative, reresolve, save_correction

    events = _corpus(2000, 7)
    arts = {a: Article(text=f"article {a}", title=a, source="s") for a in events[S.ARTICLE_ID].unique()}
    events[S.ARTICLE_ID] = events[S.ARTICLE_ID].map(lambda a: arts[a].article_id)
    store = EventsStore(tmp_path / "s")
    store.append(events, list(arts.values()))
    names = events[S.TOPONYM].value_counts().index
    target = events[events[S.TOPONYM] == names[1]].iloc[0]
    place = Alternative(
        name=target[S.LOCATION],
        lat=float(target[S.LATITUDE]),
        lon=float(target[S.LONGITUDE]),
        feature_code="PPL",
        country_code="SY",
        country="Syria",
    )
    files = {e["path"] for e in store.manifest()["events"]}
    save_correction(store, names[0], place, folder=tmp_path / "gz")
    m = store.manifest()
    assert {e["path"] for e in m["events"]} == files, "no base part rewritten"
    moved = int((events[S.TOPONYM] == names[0]).sum())
    gen = f"{m['generation']:06d}"
    written = {e["path"]: e["rows"] for e in m["overlays"] if gen in e["path"]}
    placed = sum(r for p, r in written.items() if F.is_place_patch(p))
    # The moved rows as a patch of places; the rows of the clusters they left or joined as a patch
    # (cluster columns); no whole row.
    assert placed == moved and sum(written.values()) < len(events) // 2, "the moved rows and the clusters they touch"
    assert all(F.is_patch(p) for p in written)
    want = S.coerce_events(merge_reports(reresolve(events, names[0], place)))
    got = store.load_events()
    pd.testing.assert_frame_equal(
        got.set_index(S.EVENT_ID).sort_index(), want.set_index(S.EVENT_ID).sort_index(), check_like=True
    )
    store.compact()
    pd.testing.assert_frame_equal(
        store.load_events().set_index(S.EVENT_ID).sort_index(), want.set_index(S.EVENT_ID).sort_index()
    )


def test_appends_after_a_correction_equal_a_full_merge(tmp_path: Path) -> None:
    """Rows a correction moved are overlay rows at their new place; their base rows, still at the
    old place, are superseded. Batches appended after it, at both places, merge with the moved rows
    where they now are and never with their superseded base rows."""
    from dashboard.corrections import Alternative, reresolve, save_correction

    events = _corpus(1200, 11, "distinct")
    arts = {a: Article(text=f"article {a}", title=a, source="s") for a in events[S.ARTICLE_ID].unique()}
    events[S.ARTICLE_ID] = events[S.ARTICLE_ID].map(lambda a: arts[a].article_id)
    ids = list(arts)
    first, later = ids[: len(ids) // 2], ids[len(ids) // 2 :]
    pick = lambda names: events[events[S.ARTICLE_ID].isin({arts[a].article_id for a in names})]  # noqa: E731
    store = EventsStore(tmp_path / "s")
    store.append(pick(first), [arts[a] for a in first])
    names = pick(first)[S.TOPONYM].value_counts().index
    target = events[events[S.TOPONYM] == names[1]].iloc[0]
    place = Alternative(
        name=target[S.LOCATION], lat=float(target[S.LATITUDE]), lon=float(target[S.LONGITUDE]), country="Syria"
    )
    save_correction(store, names[0], place, folder=tmp_path / "gz")
    assert store.manifest()["overlays"], "the moved rows are overlay rows"
    rng = random.Random(11)
    i = 0
    while i < len(later):
        batch = later[i : i + rng.randint(5, 40)]
        i += len(batch)
        store.append(pick(batch), [arts[a] for a in batch])
    # The later rows are appended as given (an ingest resolves them through the correction's override).
    want = S.coerce_events(merge_reports(pd.concat([reresolve(pick(first), names[0], place), pick(later)])))
    got = store.load_events()
    assert len(got) == len(events)
    pd.testing.assert_frame_equal(_keyed(got), _keyed(want))
    assert (got[S.TOPONYM] == names[0]).sum() > (pick(first)[S.TOPONYM] == names[0]).sum(), "later rows of that name"


def test_components_over_actor_sets_equal_components_over_rows() -> None:
    """Rows are linked through their distinct actor sets (merge._components); the components equal
    those of linking every pair of rows, on random keys with repeated, empty and nested sets."""
    from dashboard.merge import _components, compatible

    def by_rows(ids: list[str], actors: list[frozenset[str]]) -> list[str]:
        comp = list(range(len(ids)))
        for i in range(len(ids)):
            for j in range(len(ids)):
                if compatible(actors[i], actors[j]) and comp[i] != comp[j]:
                    old, new = max(comp[i], comp[j]), min(comp[i], comp[j])
                    comp = [new if c == old else c for c in comp]
        return [min(e for e, c in zip(ids, comp, strict=True) if c == comp[i]) for i in range(len(ids))]

    rng = random.Random(11)
    pool = ["army", "militia", "police", "rebels"]
    for _ in range(2000):
        n = rng.randint(1, 10)
        ids = [f"e{rng.randrange(10**5):05d}" for _ in range(n)]
        actors = [frozenset(rng.sample(pool, rng.randint(0, 2))) for _ in range(n)]
        assert _components(ids, actors) == by_rows(ids, actors)


def test_components_of_many_keys_at_once_equal_those_key_by_key() -> None:
    """merge._firsts (every key's components at once, over (key, actor set) codes and the ids'
    ranks) gives each row the smallest id of its component as _components does key by key, rows
    in any order, actors with spaces and missing values."""
    import numpy as np

    from dashboard.merge import _components, _firsts

    rng = random.Random(12)
    pool = ["", " ", "army", "militia ", "police", None]
    for _ in range(200):
        n = rng.randint(1, 60)
        keys = [rng.randrange(rng.randint(1, 8)) for _ in range(n)]
        ids = [f"e{rng.randrange(10**6):06d}" for _ in range(n)]
        rows = pd.DataFrame(
            {
                S.EVENT_ID: pd.array(list(dict.fromkeys(ids)) + [f"x{i}" for i in range(n - len(set(ids)))], "string"),
                S.ACTOR1: pd.array([rng.choice(pool) for _ in range(n)], "string"),
                S.ACTOR2: pd.array([rng.choice(pool) for _ in range(n)], "string"),
            },
            index=rng.sample(range(10 * n), n),
        )
        got = _firsts(np.array(keys), rows)
        assert list(got.index) == list(rows.index)
        for k in set(keys):
            mine = [i for i, x in enumerate(keys) if x == k]
            sub = rows.iloc[mine]
            actors = [
                frozenset(a.strip() for a in (r[S.ACTOR1], r[S.ACTOR2]) if isinstance(a, str) and a.strip())
                for _, r in sub.iterrows()
            ]
            assert got.iloc[mine].tolist() == _components(sub[S.EVENT_ID].tolist(), actors)
