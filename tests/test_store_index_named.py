"""The merge index's rows by toponym through a correction: read once, written as a build writes them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dashboard import schema as S
from dashboard import store_index as I
from dashboard import store_index_named as N
from dashboard.corrections import Alternative, save_correction
from dashboard.ingest.article import Article
from dashboard.store import EventsStore
from dashboard.store_index_layout import INDEX
from dashboard.store_index_lines import name_key


def _lines_by_name(store: EventsStore) -> dict[str, set[str]]:
    gen = store.manifest()["generation"]
    idx = I.open_index(store.root, gen)
    assert idx is not None
    names = [n for (n,) in idx.con.execute("SELECT DISTINCT name FROM named")]
    out = {n: set(N.latest_lines(idx.con, n, gen)[0].values()) for n in names}
    idx.close()
    return out


def test_a_correction_reads_its_toponyms_lines_once_and_writes_what_a_build_would(tmp_path: Path, monkeypatch) -> None:
    from dashboard.synth import synthetic_events

    events, _ = synthetic_events(400, seed=21)
    arts = {
        a: Article(text=f"text {a}", title=a, published=date(2023, 5, 1), source="s")
        for a in events[S.ARTICLE_ID].unique()
    }
    events[S.ARTICLE_ID] = events[S.ARTICLE_ID].map(lambda a: arts[a].article_id)
    store = EventsStore(tmp_path / "s")
    ids = [a.article_id for a in arts.values()]
    half = len(ids) // 2
    for batch in (ids[:half], ids[half:]):  # two values for some toponyms: a whole one is written
        store.append(events[events[S.ARTICLE_ID].isin(batch)], [a for a in arts.values() if a.article_id in batch])
    name = str(store.load_events(columns=[S.TOPONYM])[S.TOPONYM].value_counts().index[0])
    reads: list[str] = []
    real = N.latest_lines

    def counted(con, key, gen):
        reads.append(key)
        return real(con, key, gen)

    monkeypatch.setattr(N, "latest_lines", counted)
    place = Alternative(name="Somewhere Else", lat=10.5, lon=20.25, country="Chad", country_code="TD")
    save_correction(store, name, place, folder=tmp_path / "gz")
    monkeypatch.setattr(N, "latest_lines", real)
    assert reads.count(name_key(name)) == 1, reads
    # What the correction left by toponym is what an index built from the store's rows holds.
    written = _lines_by_name(store)
    (store.root / INDEX).unlink()
    assert store.ensure_index()
    assert _lines_by_name(store) == written
    moved = store.load_events(columns=[S.TOPONYM, S.LOCATION])
    assert (moved[moved[S.TOPONYM] == name][S.LOCATION] == "Somewhere Else").all()
