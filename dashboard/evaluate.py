"""The `eval` commands: score the geoparser (and, later, events) against annotated gold files."""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dashboard.errors import InputError
from dashboard.events.numbers import is_estimate
from dashboard.geo.gazetteer import Gazetteer, haversine_km
from dashboard.geo.toponyms import Toponym, recognize, resolve, spans_as_toponyms, unplace_fallbacks
from dashboard.nlp import pipe_docs
from dashboard.rules import ALL_ON, Switches

ACC_KM = 161.0
EARTH_HALF_KM = 20039.0


def read_gold(path: str | Path, limit: int | None = None) -> list[dict]:
    """Gold documents: `{"text", "toponyms": [{"start", "end", "name", "lat", "lon", "geonameid"}]}` per line."""
    docs = read_jsonl(path, limit)
    for n, doc in enumerate(docs, start=1):
        if not isinstance(doc.get("toponyms"), list):
            raise InputError(f"{path}:{n}", "expected an object with 'text' and 'toponyms'")
    return docs


@dataclass
class Match:
    gold: dict
    pred: Toponym


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def match_spans(gold: list[dict], pred: list[Toponym], exact: bool) -> list[Match]:
    """One-to-one matching of gold and predicted spans (exact offsets, or any overlap)."""
    used: set[int] = set()
    out = []
    for g in gold:
        for i, p in enumerate(pred):
            if i in used:
                continue
            if (
                (p.start == g["start"] and p.end == g["end"])
                if exact
                else _overlaps(p.start, p.end, g["start"], g["end"])
            ):
                used.add(i)
                out.append(Match(g, p))
                break
    return out


def prf(n_match: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = n_match / n_pred if n_pred else 0.0
    r = n_match / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def auc_of_errors(errors: list[float]) -> float:
    """Area under the sorted log(1+error) curve, normalised by log(half the Earth's circumference)."""
    if not errors:
        return float("nan")
    ys = np.log1p(np.sort(np.asarray(errors, dtype=float))) / math.log(EARTH_HALF_KM)
    if len(ys) == 1:
        return float(ys[0])
    return float(np.trapezoid(ys, dx=1.0 / (len(ys) - 1)))


class CountryFinder:
    """Country of a coordinate: the country of the nearest gazetteer place (1° grid buckets)."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        c = gazetteer.cols
        self.lat = np.asarray(c["latitude"], dtype=float)
        self.lon = np.asarray(c["longitude"], dtype=float)
        self.cc = c["country_code"]
        fclass = c["feature_class"]
        self.grid: dict[tuple[int, int], list[int]] = {}
        for i in range(len(self.lat)):
            if fclass[i] == "P":
                self.grid.setdefault((math.floor(self.lat[i]), math.floor(self.lon[i])), []).append(i)
        self.by_id = {int(g): i for i, g in enumerate(c["geonameid"]) if int(g) > 0}

    def country(self, lat: float, lon: float, geonameid: int | None = None) -> str:
        if geonameid and int(geonameid) in self.by_id:
            return self.cc[self.by_id[int(geonameid)]]
        best, best_d = "", 1e9
        for r in (0, 1, 2):
            for dy in range(-r, r + 1):
                for dx in range(-r, r + 1):
                    for i in self.grid.get((math.floor(lat) + dy, math.floor(lon) + dx), ()):
                        d = (self.lat[i] - lat) ** 2 + ((self.lon[i] - lon) * math.cos(math.radians(lat))) ** 2
                        if d < best_d:
                            best, best_d = self.cc[i], d
            if best:
                return best
        return ""


def predict_toponyms(
    docs: list[dict],
    nlp: Any,
    geocoder: Any,
    gazetteer: Gazetteer,
    gold_spans: bool = False,
    switches: Switches = ALL_ON,
) -> Iterator[list[Toponym]]:
    """The resolved toponyms of each gold document: recognised by us, or the gold spans."""
    for doc_json, doc in zip(docs, pipe_docs(nlp, (d["text"] for d in docs), len(docs)), strict=True):
        if gold_spans:
            tops = spans_as_toponyms(doc_json["text"], [(g["start"], g["end"]) for g in doc_json["toponyms"]])
        else:
            tops = recognize(doc, gazetteer, switches=switches)
        yield resolve(tops, geocoder, gazetteer, text=doc_json["text"], switches=switches)


def evaluate_geoparse(
    docs: list[dict],
    nlp: Any,
    geocoder: Any,
    gazetteer: Gazetteer,
    gold_spans: bool = False,
    switches: Switches = ALL_ON,
) -> dict:
    t0 = time.perf_counter()
    predictions = list(predict_toponyms(docs, nlp, geocoder, gazetteer, gold_spans, switches))
    elapsed = time.perf_counter() - t0

    finder = CountryFinder(gazetteer)
    n_gold = sum(len(d["toponyms"]) for d in docs)
    n_pred = sum(len(p) for p in predictions)
    exact = sum(len(match_spans(d["toponyms"], p, True)) for d, p in zip(docs, predictions, strict=True))
    errors: list[float] = []
    id_hits = id_total = country_hits = 0
    n_unresolved = 0
    matches = [match_spans(d["toponyms"], p, exact=False) for d, p in zip(docs, predictions, strict=True)]
    for doc_matches in matches:
        for m in doc_matches:
            g, p = m.gold, m.pred
            if p.place is None:
                n_unresolved += 1
                errors.append(EARTH_HALF_KM)  # unresolved counts as the worst error, as in the literature
                continue
            errors.append(haversine_km(g["lat"], g["lon"], p.place.latitude, p.place.longitude))
            if g.get("geonameid"):
                id_total += 1
                id_hits += int(p.place.geonameid == int(g["geonameid"]))
            gold_cc = finder.country(g["lat"], g["lon"], g.get("geonameid"))
            country_hits += int(bool(gold_cc) and gold_cc == p.place.country_code)
    overlap = sum(len(m) for m in matches)
    p_o, r_o, f_o = prf(overlap, n_pred, n_gold)
    p_e, r_e, f_e = prf(exact, n_pred, n_gold)
    n_scored = len(errors)
    return {
        "mode": "gold-spans" if gold_spans else "end-to-end",
        "precision": round(p_o, 4),
        "recall": round(r_o, 4),
        "f1": round(f_o, 4),
        "precision_exact": round(p_e, 4),
        "recall_exact": round(r_e, 4),
        "f1_exact": round(f_e, 4),
        "acc161": round(sum(e <= ACC_KM for e in errors) / n_scored, 4) if n_scored else float("nan"),
        "mean_km": round(statistics.fmean(errors), 1) if errors else float("nan"),
        "median_km": round(statistics.median(errors), 1) if errors else float("nan"),
        "auc": round(auc_of_errors(errors), 4),
        "exact_id": round(id_hits / id_total, 4) if id_total else float("nan"),
        "country_acc": round(country_hits / n_scored, 4) if n_scored else float("nan"),
        "n_docs": len(docs),
        "n_gold": n_gold,
        "n_pred": n_pred,
        "n_scored": n_scored,
        "n_unresolved": n_unresolved,
        "docs_per_s": round(len(docs) / elapsed, 2) if elapsed else float("nan"),
    }


def iter_errors(
    docs: list[dict], nlp: Any, geocoder: Any, gazetteer: Gazetteer, gold_spans: bool = True
) -> Iterator[tuple[dict, Toponym | None, float]]:
    """Every scored gold toponym with its prediction and error (for error analysis)."""
    for doc_json, preds in zip(docs, predict_toponyms(docs, nlp, geocoder, gazetteer, gold_spans), strict=True):
        for m in match_spans(doc_json["toponyms"], preds, exact=False):
            p = m.pred.place
            err = haversine_km(m.gold["lat"], m.gold["lon"], p.latitude, p.longitude) if p else EARTH_HALF_KM
            yield m.gold, m.pred, err


# -- events (FA-KES) -------------------------------------------------------------------------------

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
    violent = [r for r in rows if r[S.EVENT_TYPE] in VIOLENT_TYPES]
    finer = [r for r in violent if r[S.GEO_PRECISION] < 4]
    for pool in (
        [r for r in finer if _num(r[S.FATALITIES]) > 0],
        finer,
        [r for r in violent if _num(r[S.FATALITIES]) > 0],
        violent,
        [r for r in rows if r[S.GEO_PRECISION] < 4],
        rows,
    ):
        if pool:
            return pool[0]
    return None


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
    # A toll the text gives for several listed sites together is still a toll the article reports.
    toll_of = {id(r): r[S.FATALITIES] if _num(r[S.FATALITIES]) > 0 else r.get(S.FATALITIES_SHARED) for r in rows}
    tolls = [r for r in rows if r[S.EVENT_TYPE] in VIOLENT_TYPES and _num(toll_of[id(r)]) > 0]
    # "Dozens were killed" in the lead, "at least 58" further on: the count, not the estimate.
    counted = [r for r in tolls if not is_estimate(r.get(S.FATALITIES_TEXT) or "")]
    if counted or tolls:
        return int(toll_of[id((counted or tolls)[0])])
    main = main_event(events)
    return int(main[S.FATALITIES]) if main is not None and _num(main[S.FATALITIES]) >= 0 else None


def evaluate_events(records: list[dict], pipeline: Any) -> dict:
    from dashboard import schema as S
    from dashboard.ingest.readers import _record_to_article

    articles = [_record_to_article(r, f"gold:{i}") for i, r in enumerate(records)]
    t0 = time.perf_counter()
    result = pipeline.run(articles)
    elapsed = time.perf_counter() - t0
    by_article = dict(tuple(result.events.groupby(S.ARTICLE_ID))) if len(result.events) else {}
    gov_hits = fat_hits = fat_n = sub_hits = sub_n = 0
    for rec, art in zip(records, articles, strict=True):
        events = by_article.get(art.article_id)
        main = main_event(events)
        gold_gov = governorate_key(rec.get("location"))
        if main is not None:
            place_gov = main[S.ADMIN1] if main[S.FEATURE_CODE] != "ADM1" else main[S.LOCATION]
            gov_hits += int(governorate_key(place_gov) == gold_gov)
        ev = rec.get("event") or {}
        gold_deaths = int(ev.get("nb_civilians") or 0) + int(ev.get("nb_noncivilians") or 0)
        if gold_deaths > 0:
            fat_n += 1
            got = article_fatalities(events)
            fat_hits += int(got is not None and abs(got - gold_deaths) <= 0.2 * gold_deaths)
        cause = (ev.get("cause_of_death") or "").lower()
        if cause in CAUSE_TO_SUBTYPES:
            sub_n += 1
            sub_hits += int(main is not None and main[S.SUB_EVENT_TYPE] in CAUSE_TO_SUBTYPES[cause])
    n = len(records)
    return {
        "governorate_acc": round(gov_hits / n, 4) if n else float("nan"),
        "fatalities_acc": round(fat_hits / fat_n, 4) if fat_n else float("nan"),
        "subtype_acc": round(sub_hits / sub_n, 4) if sub_n else float("nan"),
        "n": n,
        "n_fatalities_scored": fat_n,
        "n_subtype_scored": sub_n,
        "articles_per_s": round(n / elapsed, 2) if elapsed else float("nan"),
    }


def read_jsonl(path: str | Path, limit: int | None = None) -> list[dict]:
    path = Path(path)
    out = []
    try:
        # Only "\n" (and "\r\n") end a record: str.splitlines would also split at U+2028, U+0085
        # and other Unicode line breaks that gold texts hold inside their JSON strings.
        lines = [line.removesuffix("\r") for line in path.read_text(encoding="utf-8").split("\n")]
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(str(path), f"cannot read ({err})") from err
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{n}", f"malformed JSON ({err.msg})") from err
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            raise InputError(f"{path}:{n}", "expected an object with 'text'")
        out.append(rec)
        if limit and len(out) >= limit:
            break
    return out


# -- event location (Halterman 2019) ------------------------------------------------------------------


def read_event_location(path: str | Path, limit: int | None = None) -> list[dict]:
    """Event-location records: text, event{start,end} and event_locations[{start,end}] (character offsets)."""
    records = read_jsonl(path, limit)
    for n, rec in enumerate(records, start=1):
        ev, golds = rec.get("event"), rec.get("event_locations") or []
        if not isinstance(ev, dict) or not isinstance(ev.get("start"), int) or not 0 <= ev["start"] < len(rec["text"]):
            raise InputError(f"{path} record {n}", "expected 'event' with an integer 'start' inside the text")
        if not isinstance(golds, list) or not all(
            isinstance(g, dict) and isinstance(g.get("start"), int) and isinstance(g.get("end"), int) for g in golds
        ):
            raise InputError(f"{path} record {n}", "expected 'event_locations' as a list of {start, end}")
    return records


def evaluate_event_location(
    records: list[dict], nlp: Any, geocoder: Any, gazetteer: Gazetteer, switches: Switches = ALL_ON
) -> dict:
    from dashboard.events.extract import choose_event_location

    hits = 0
    t0 = time.perf_counter()
    for rec, doc in zip(
        records, pipe_docs(nlp, (r["text"] for r in records), len(records), batch_size=64), strict=True
    ):
        tops = unplace_fallbacks(
            resolve(
                recognize(doc, gazetteer, keep_unknown=True, switches=switches),
                geocoder,
                gazetteer,
                text=rec["text"],
                switches=switches,
            )
        )
        ev = rec["event"]
        sent = next((s for s in doc.sents if s.start_char <= ev["start"] < s.end_char), None)
        chosen = choose_event_location(sent, ev["start"], tops) if sent is not None else None
        gold = rec.get("event_locations") or []
        if chosen is None:
            hits += int(not gold)
        else:
            hits += int(any(_overlaps(chosen.start, chosen.end, g["start"], g["end"]) for g in gold))
    n = len(records)
    return {
        "accuracy": round(hits / n, 4) if n else float("nan"),
        "n": n,
        "records_per_s": round(n / (time.perf_counter() - t0), 1),
    }
