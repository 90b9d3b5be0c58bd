"""The `eval` commands' shared readers and span matching, and the geoparser's and the event
location's scores against annotated gold files (`eval events` is eval_events.py, `eval records`
eval_records.py)."""

from __future__ import annotations

import json
import math
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dashboard.errors import InputError
from dashboard.geo.gazetteer import Gazetteer, haversine_km
from dashboard.geo.toponyms import Toponym, recognize, resolve, spans_as_toponyms, unplace_fallbacks
from dashboard.nlp import components_off, pipe_docs
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
    off = components_off(nlp, switches)
    for doc_json, doc in zip(docs, pipe_docs(nlp, (d["text"] for d in docs), len(docs), disable=off), strict=True):
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

    n_gold = sum(len(d["toponyms"]) for d in docs)
    n_pred = sum(len(p) for p in predictions)
    exact = sum(len(match_spans(d["toponyms"], p, True)) for d, p in zip(docs, predictions, strict=True))
    matches = [match_spans(d["toponyms"], p, exact=False) for d, p in zip(docs, predictions, strict=True)]
    scored = _score_places(matches, CountryFinder(gazetteer))
    overlap = sum(len(m) for m in matches)
    p_o, r_o, f_o = prf(overlap, n_pred, n_gold)
    p_e, r_e, f_e = prf(exact, n_pred, n_gold)
    return {
        "mode": "gold-spans" if gold_spans else "end-to-end",
        "precision": round(p_o, 4),
        "recall": round(r_o, 4),
        "f1": round(f_o, 4),
        "precision_exact": round(p_e, 4),
        "recall_exact": round(r_e, 4),
        "f1_exact": round(f_e, 4),
        **scored.figures(),
        "n_docs": len(docs),
        "n_gold": n_gold,
        "n_pred": n_pred,
        "n_scored": len(scored.errors),
        "n_unresolved": scored.n_unresolved,
        "docs_per_s": round(len(docs) / elapsed, 2) if elapsed else float("nan"),
    }


@dataclass
class PlaceScores:
    """The places given to the matched spans, against the gold coordinates and ids."""

    errors: list[float] = field(default_factory=list)
    id_hits: int = 0
    id_total: int = 0
    country_hits: int = 0
    n_unresolved: int = 0

    def figures(self) -> dict[str, float]:
        errors, n_scored = self.errors, len(self.errors)
        return {
            "acc161": round(sum(e <= ACC_KM for e in errors) / n_scored, 4) if n_scored else float("nan"),
            "mean_km": round(statistics.fmean(errors), 1) if errors else float("nan"),
            "median_km": round(statistics.median(errors), 1) if errors else float("nan"),
            "auc": round(auc_of_errors(errors), 4),
            "exact_id": round(self.id_hits / self.id_total, 4) if self.id_total else float("nan"),
            "country_acc": round(self.country_hits / n_scored, 4) if n_scored else float("nan"),
        }


def _score_places(matches: list[list[Match]], finder: CountryFinder) -> PlaceScores:
    out = PlaceScores()
    for doc_matches in matches:
        for m in doc_matches:
            g, p = m.gold, m.pred
            if p.place is None:
                out.n_unresolved += 1
                out.errors.append(EARTH_HALF_KM)  # unresolved counts as the worst error, as in the literature
                continue
            out.errors.append(haversine_km(g["lat"], g["lon"], p.place.latitude, p.place.longitude))
            if g.get("geonameid"):
                out.id_total += 1
                out.id_hits += int(p.place.geonameid == int(g["geonameid"]))
            gold_cc = finder.country(g["lat"], g["lon"], g.get("geonameid"))
            out.country_hits += int(bool(gold_cc) and gold_cc == p.place.country_code)
    return out


def iter_errors(
    docs: list[dict], nlp: Any, geocoder: Any, gazetteer: Gazetteer, gold_spans: bool = True
) -> Iterator[tuple[dict, Toponym | None, float]]:
    """Every scored gold toponym with its prediction and error (for error analysis)."""
    for doc_json, preds in zip(docs, predict_toponyms(docs, nlp, geocoder, gazetteer, gold_spans), strict=True):
        for m in match_spans(doc_json["toponyms"], preds, exact=False):
            p = m.pred.place
            err = haversine_km(m.gold["lat"], m.gold["lon"], p.latitude, p.longitude) if p else EARTH_HALF_KM
            yield m.gold, m.pred, err


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
    from dashboard.events.where import choose_event_location

    hits = 0
    t0 = time.perf_counter()
    for rec, doc in zip(
        records,
        pipe_docs(
            nlp, (r["text"] for r in records), len(records), batch_size=64, disable=components_off(nlp, switches)
        ),
        strict=True,
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
        chosen = choose_event_location(sent, ev["start"], tops, switches) if sent is not None else None
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
