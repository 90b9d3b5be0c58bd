"""The check the tests of the excerpts' word index share: the filter state of an excerpt search
counted from the index (duck_search) is the one duck_states counts from the events, for texts cut
from the store's own excerpts (whole words, parts of words, two words with what lies between them,
in other cases) and for texts the index must leave to the events."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dashboard.app import duck as D
from dashboard.app import duck_fact as DF
from dashboard.app import duck_search as DSE
from dashboard.app import duck_states as DS
from dashboard.app.filters import Filters

# Sentences a test writes over some excerpts: letters outside ASCII, marks, runs of separators.
OWN_EXCERPTS = (
    "Shelling struck Kharkiv's outskirts \u2014 3 killed.",
    "\u00ceLE-DE-FRANCE: police dispersed a crowd of 200.",
    "\u1e24am\u0101h  countryside: clashes,  two dead.",
    "Drone hit \u1e10araa; no casualties were reported.",
    "\u0130zmir protest ended without arrests.",
    "\u0627\u0644\u0631\u0642\u0629 shelling on the market (al-Raqqa).",
)
_WORD = re.compile(r"[^\W_]+")


def with_own_excerpts(events: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The events with OWN_EXCERPTS written over a few rows' excerpts and one excerpt emptied."""
    out = events.copy()
    rows = np.random.default_rng(seed).choice(len(out), size=len(OWN_EXCERPTS) * 3 + 1, replace=False)
    col = out.columns.get_loc("excerpt")
    for i, row in enumerate(rows[:-1]):
        out.iat[int(row), col] = OWN_EXCERPTS[i % len(OWN_EXCERPTS)]
    out.iat[int(rows[-1]), col] = None
    return out


def texts_of(excerpts: list[str], seed: int, n: int = 12) -> list[str]:
    """Texts cut from the excerpts: words, their beginnings, middles and ends, two adjacent words
    with their separators (the first cut at its start, the second at its end), in other cases."""
    rng = np.random.default_rng(seed)
    out: list[str] = []
    for text in rng.choice(np.array(excerpts, dtype=object), size=n):
        words = list(_WORD.finditer(text))
        if len(words) < 2:
            continue
        w = words[int(rng.integers(len(words)))].group()
        a = int(rng.integers(len(w)))
        out.extend([w, w[a : int(rng.integers(a + 1, len(w) + 1))], w.upper()])
        i = int(rng.integers(len(words) - 1))
        first, second = words[i], words[i + 1]
        cut_a = first.start() + int(rng.integers(len(first.group())))
        cut_b = second.start() + 1 + int(rng.integers(len(second.group())))
        out.append(text[cut_a:cut_b].title() if rng.random() < 0.5 else text[cut_a:cut_b])
    return out


def assert_search_states_as_the_events(db: D.DuckEngine, seed: int = 0) -> DSE.Search:
    """Read the current generation's word index and hold the state of each text cut from the
    store's excerpts (texts_of) to the table duck_states.state_sql counts from the events; texts of
    three words or with separators at an end, which the index cannot answer, give None."""
    fact = DF.build(db)
    search = DSE.build(db, fact)
    assert search is not None and fact is not None, "a generation with its word index written"
    excerpts = [str(e) for e in db.query("SELECT excerpt FROM events WHERE excerpt IS NOT NULL")["excerpt"]]
    texts = [*texts_of(excerpts, seed), *OWN_EXCERPT_TEXTS, "nothing says zyzzyva", "zyzzyva"]
    answered, filtered = 0, 0
    for text in texts:
        got = DSE.state_rows(db, search, Filters(text=text))
        if len(_WORD.findall(text)) > 2 or text.strip() != text.strip(" .,:;-()\u2014'"):
            assert got is None, text
            continue
        # One or two words: answered (a letter outside ASCII may fold into two: the events answer).
        assert got is not None or not text.isascii(), text
        if got is None:
            continue
        _assert_as_the_events(db, fact, got, Filters(text=text))
        answered += 1
        if answered <= 4:  # with the filters the index's keys answer too
            for f in _beside(db, text, seed + answered):
                got = DSE.state_rows(db, search, f)
                assert got is not None, f
                _assert_as_the_events(db, fact, got, f)
                filtered += got.rows.num_rows > 0
    assert filtered, "some search beside other filters matches rows"
    return search


def _beside(db: D.DuckEngine, text: str, seed: int) -> list[Filters]:
    """`text` with event types, countries, towns only, and all three, drawn from the store's values."""
    rng = np.random.default_rng(seed)
    types = sorted(db.query("SELECT DISTINCT event_type AS v FROM events WHERE event_type IS NOT NULL")["v"])
    countries = sorted(db.query("SELECT DISTINCT country AS v FROM events WHERE country IS NOT NULL")["v"])
    some_types = tuple(str(t) for t in rng.choice(types, size=min(2, len(types)), replace=False))
    some_countries = tuple(str(c) for c in rng.choice(countries, size=min(2, len(countries)), replace=False))
    return [
        Filters(text=text, event_types=some_types[:1]),
        Filters(text=text, countries=some_countries),
        Filters(text=text, precise_only=True),
        Filters(text=text, event_types=some_types, countries=some_countries[:1], precise_only=True),
    ]


def _assert_as_the_events(db: D.DuckEngine, fact: DF.Fact, got: object, f: Filters) -> None:
    """The index's state `got` of `f`, its places joined back, is duck_states' table from the events."""
    cond, params = D.where(f)
    db.query(DS.state_sql("want_search", cond), params)
    want = db.query("SELECT * FROM want_search")
    assert isinstance(got, DSE.Counted)
    got.hold(db, "got_search")
    mine = db.query(
        "SELECT p.location, p.latitude, p.longitude, p.country, r.event_date, r.event_type, r.date_precision, "
        f"r.geo_precision, p.lat_i, p.lon_i, r.reports, r.events, r.low, r.high, r.tolled FROM got_search r "
        f"JOIN {fact.places} p USING (pid)"
    )
    pd.testing.assert_frame_equal(_sorted(mine), _sorted(want[mine.columns]), obj=repr(f), check_dtype=False)


# Texts of the sentences above: a word outside ASCII, its case folded, a word of a mark's, a pair
# across two separators, an Arabic word, a number, and texts the index leaves to the events.
OWN_EXCERPT_TEXTS = (
    "\u1e24am\u0101h",
    "\u1e25am\u0101h  countryside",
    "kharkiv's",
    "clashes,  two",
    "\u00eele-de",
    "\u0627\u0644\u0631\u0642\u0629",
    "200",
    "struck Kharkiv's outskirts",
    "(al-raqqa)",
    "crowd of",
)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(list(df.columns)).reset_index(drop=True)
