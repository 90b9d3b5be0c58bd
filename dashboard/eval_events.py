"""`eval events`: the article's main event (its governorate, death toll and sub-type) against
FA-KES's gold facts."""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any

from dashboard.events.numbers import is_estimate

# Spellings of Syria's governorates in GeoNames/our gazetteer and in FA-KES's gold, folded to one key.
# FA-KES's "damascus" covers the city and its countryside (Rif Dimashq).
GOVERNORATE_KEYS = {
    "aleppo": "aleppo",
    "halab": "aleppo",
    "damascus": "damascus",
    "dimashq": "damascus",
    "rif dimashq": "damascus",
    "rif-dimashq": "damascus",
    "rural damascus": "damascus",
    "damascus countryside": "damascus",
    "idlib": "idlib",
    "idleb": "idlib",
    "deir ezzor": "deir ezzor",
    "deir ez zor": "deir ezzor",
    "deir ez-zor": "deir ezzor",
    "dayr az zawr": "deir ezzor",
    "deir al-zor": "deir ezzor",
    "raqqa": "raqqa",
    "ar-raqqah": "raqqa",
    "ar raqqah": "raqqa",
    "al-raqqah": "raqqa",
    "raqqah": "raqqa",
    "homs": "homs",
    "hims": "homs",
    "hasakeh": "hasakeh",
    "al-hasakah": "hasakeh",
    "al hasakah": "hasakeh",
    "hasakah": "hasakeh",
    "hassakeh": "hasakeh",
    "hama": "hama",
    "hamah": "hama",
    "lattakia": "lattakia",
    "latakia": "lattakia",
    "al-ladhiqiyah": "lattakia",
    "daraa": "daraa",
    "dara": "daraa",
    "deraa": "daraa",
    "quneitra": "quneitra",
    "al-qunaytirah": "quneitra",
    "tartus": "tartus",
    "tartous": "tartus",
    "as-suwayda": "suwayda",
    "as suwayda": "suwayda",
    "suwayda": "suwayda",
}

# FA-KES cause of death → the sub-event types that agree with it (ACLED's scheme as used here).
# VDC's "shelling" covers artillery and air bombardment alike; "unknown" is not scored.
CAUSE_TO_SUBTYPES = {
    "shelling": {"Shelling/artillery/missile attack", "Air/drone strike"},
    "explosion": {"Remote explosive/landmine/IED", "Suicide bomb"},
    "chemical and toxic gases": {"Chemical weapon"},
    "shooting": {"Armed clash", "Attack"},
    "execution": {"Attack"},
}
VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def governorate_key(name: str | None) -> str:
    if not name:
        return ""
    key = " ".join(str(name).lower().replace("governorate", "").replace("province", "").split())
    return GOVERNORATE_KEYS.get(key, key)


def main_event(events: Any) -> dict | None:
    """The article's main event. News puts it first: the first violent event placed below country
    level that reports deaths, else the first violent event below country level, else the first
    violent event reporting deaths, else the first violent event, else the first event below
    country level, else the first event."""
    from dashboard import schema as S

    if events is None or len(events) == 0:
        return None
    rows = sorted(events.to_dict("records"), key=lambda r: (first_told(r), r[S.GEO_PRECISION]))
    # Mentions (totals, statements, places named without an event) are not the article's event.
    rows = [r for r in rows if r.get(S.RECORD_KIND) != "mention"] or rows
    # What the sentence itself dates weeks before publication is background ("a sarin attack
    # in Ghouta in August 2013"), not the news.
    rows = [r for r in rows if not is_background(r)] or rows
    return next((pool[0] for pool in _main_pools(rows) if pool), None)


def _main_pools(rows: list[dict]) -> list[list[dict]]:
    """The rows main_event chooses among, best pool first (see its docstring)."""
    from dashboard import schema as S

    violent = [r for r in rows if r[S.EVENT_TYPE] in VIOLENT_TYPES]
    finer = [r for r in violent if r[S.GEO_PRECISION] < 4]
    return [
        [r for r in finer if _reports_deaths(r)],
        finer,
        [r for r in violent if _reports_deaths(r)],
        violent,
        [r for r in rows if r[S.GEO_PRECISION] < 4],
        rows,
    ]


def _reports_deaths(row: dict) -> bool:
    """A count above zero, or words for many dead ("dozens were killed"), which an event keeps as text
    with no number (`assemble.vague_toll`)."""
    from dashboard import schema as S

    return _num(row[S.FATALITIES]) > 0 or is_estimate(row.get(S.FATALITIES_TEXT) or "")


BACKGROUND_DAYS = 30


def first_told(row: dict) -> int:
    """Where the article first tells the event: its earliest evidence span (headline, lead), else its excerpt."""
    from dashboard import schema as S

    try:
        spans = json.loads(row.get(S.EVIDENCE) or "[]")
    except (TypeError, ValueError):
        spans = []
    starts = [int(s[0]) for s in spans if isinstance(s, list) and s]
    return min(starts) if starts else int(row[S.EXCERPT_START])


def is_background(row: dict) -> bool:
    """Whether the row's own sentence dates it more than BACKGROUND_DAYS before the article's date."""
    from dashboard import schema as S

    # The article's own date: its dateline when the text opens with one, else the supplied date.
    opening = row.get(S.DATELINE)
    published = opening if opening is not None and opening == opening else row.get(S.PUBLISHED)
    when = row.get(S.EVENT_DATE)
    if row.get(S.DATE_SOURCE) != "sentence" or published is None or when is None:
        return False
    try:
        return bool((published - when).days > BACKGROUND_DAYS)
    except (TypeError, AttributeError):
        return False


def _num(v: Any) -> int:
    try:
        return int(v) if v == v and v is not None else -1
    except (TypeError, ValueError):
        return -1


def article_fatalities(events: Any) -> int | None:
    """The article's death toll: the first toll a violent event reports (news leads with it),
    background excepted, else the main event's (None when it reports none)."""
    from dashboard import schema as S

    if events is None or len(events) == 0:
        return None
    rows = sorted(events.to_dict("records"), key=first_told)
    rows = [r for r in rows if not is_background(r)] or rows
    toll = _first_toll(rows)
    if toll is not None:
        return toll
    main = main_event(events)
    return int(main[S.FATALITIES]) if main is not None and _num(main[S.FATALITIES]) >= 0 else None


def _first_toll(rows: list[dict]) -> int | None:
    """The first toll a violent row reports, a count before an estimate; None when none does."""
    from dashboard import schema as S

    # A toll the text gives for several listed sites together is still a toll the article reports.
    toll_of: dict[int, Any] = {
        id(r): r[S.FATALITIES] if _num(r[S.FATALITIES]) > 0 else r.get(S.FATALITIES_SHARED) for r in rows
    }
    tolls = [r for r in rows if r[S.EVENT_TYPE] in VIOLENT_TYPES and _num(toll_of[id(r)]) > 0]
    # "Dozens were killed" in the lead, "at least 58" further on: the count, not the estimate.
    counted = [r for r in tolls if not is_estimate(r.get(S.FATALITIES_TEXT) or "")]
    if counted or tolls:
        return int(toll_of[id((counted or tolls)[0])])
    return None


def evaluate_events(records: list[dict], pipeline: Any) -> dict:
    from dashboard import schema as S
    from dashboard.ingest.readers import record_to_article

    articles = [record_to_article(r, f"gold:{i}") for i, r in enumerate(records)]
    t0 = time.perf_counter()
    result = pipeline.run(articles)
    elapsed = time.perf_counter() - t0
    by_article = dict(tuple(result.events.groupby(S.ARTICLE_ID))) if len(result.events) else {}
    tally: Counter[str] = Counter()
    for rec, art in zip(records, articles, strict=True):
        tally.update(_score_article(rec, by_article.get(art.article_id)))
    n = len(records)
    fat_n, sub_n = tally["fat_n"], tally["sub_n"]
    return {
        "governorate_acc": round(tally["gov_hits"] / n, 4) if n else float("nan"),
        "fatalities_acc": round(tally["fat_hits"] / fat_n, 4) if fat_n else float("nan"),
        "subtype_acc": round(tally["sub_hits"] / sub_n, 4) if sub_n else float("nan"),
        "n": n,
        "n_fatalities_scored": fat_n,
        "n_subtype_scored": sub_n,
        "articles_per_s": round(n / elapsed, 2) if elapsed else float("nan"),
    }


def _score_article(rec: dict, events: Any) -> dict[str, int]:
    """One gold article's hits: governorate, death toll (within 20 %) and sub-type, with what was scored."""
    from dashboard import schema as S

    main = main_event(events)
    gold_gov = governorate_key(rec.get("location"))
    out = {"gov_hits": 0, "fat_hits": 0, "fat_n": 0, "sub_hits": 0, "sub_n": 0}
    if main is not None:
        place_gov = main[S.ADMIN1] if main[S.FEATURE_CODE] != "ADM1" else main[S.LOCATION]
        out["gov_hits"] = int(governorate_key(place_gov) == gold_gov)
    ev = rec.get("event") or {}
    gold_deaths = int(ev.get("nb_civilians") or 0) + int(ev.get("nb_noncivilians") or 0)
    if gold_deaths > 0:
        out["fat_n"] = 1
        got = article_fatalities(events)
        out["fat_hits"] = int(got is not None and abs(got - gold_deaths) <= 0.2 * gold_deaths)
    cause = (ev.get("cause_of_death") or "").lower()
    if cause in CAUSE_TO_SUBTYPES:
        out["sub_n"] = 1
        out["sub_hits"] = int(main is not None and main[S.SUB_EVENT_TYPE] in CAUSE_TO_SUBTYPES[cause])
    return out
