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
from dashboard.geo.gazetteer import Gazetteer, haversine_km
from dashboard.geo.toponyms import Toponym, recognize, resolve, spans_as_toponyms

ACC_KM = 161.0
EARTH_HALF_KM = 20039.0


def read_gold(path: str | Path, limit: int | None = None) -> list[dict]:
    """Gold documents: `{"text", "toponyms": [{"start", "end", "name", "lat", "lon", "geonameid"}]}` per line."""
    docs = []
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(str(path), f"cannot read gold file ({err})") from err
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{n}", f"malformed JSON ({err.msg})") from err
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str) or \
                not isinstance(doc.get("toponyms"), list):
            raise InputError(f"{path}:{n}", "expected an object with 'text' and 'toponyms'")
        docs.append(doc)
        if limit and len(docs) >= limit:
            break
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
            if (p.start == g["start"] and p.end == g["end"]) if exact else \
                    _overlaps(p.start, p.end, g["start"], g["end"]):
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


def evaluate_geoparse(docs: list[dict], nlp: Any, geocoder: Any, gazetteer: Gazetteer,
                      gold_spans: bool = False) -> dict:
    t0 = time.perf_counter()
    predictions: list[list[Toponym]] = []
    for doc_json, doc in zip(docs, nlp.pipe((d["text"] for d in docs), batch_size=16), strict=True):
        if gold_spans:
            tops = spans_as_toponyms(doc_json["text"], [(g["start"], g["end"]) for g in doc_json["toponyms"]])
        else:
            tops = recognize(doc, gazetteer)
        predictions.append(resolve(tops, geocoder, gazetteer, text=doc_json["text"]))
    elapsed = time.perf_counter() - t0

    finder = CountryFinder(gazetteer)
    n_gold = sum(len(d["toponyms"]) for d in docs)
    n_pred = sum(len(p) for p in predictions)
    exact = sum(len(match_spans(d["toponyms"], p, True)) for d, p in zip(docs, predictions, strict=True))
    errors: list[float] = []
    id_hits = id_total = country_hits = 0
    n_unresolved = 0
    for d, preds in zip(docs, predictions, strict=True):
        for m in match_spans(d["toponyms"], preds, exact=False):
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
    overlap = sum(len(match_spans(d["toponyms"], p, False)) for d, p in zip(docs, predictions, strict=True))
    p_o, r_o, f_o = prf(overlap, n_pred, n_gold)
    p_e, r_e, f_e = prf(exact, n_pred, n_gold)
    n_scored = len(errors)
    return {
        "mode": "gold-spans" if gold_spans else "end-to-end",
        "precision": round(p_o, 4), "recall": round(r_o, 4), "f1": round(f_o, 4),
        "precision_exact": round(p_e, 4), "recall_exact": round(r_e, 4), "f1_exact": round(f_e, 4),
        "acc161": round(sum(e <= ACC_KM for e in errors) / n_scored, 4) if n_scored else float("nan"),
        "mean_km": round(statistics.fmean(errors), 1) if errors else float("nan"),
        "median_km": round(statistics.median(errors), 1) if errors else float("nan"),
        "auc": round(auc_of_errors(errors), 4),
        "exact_id": round(id_hits / id_total, 4) if id_total else float("nan"),
        "country_acc": round(country_hits / n_scored, 4) if n_scored else float("nan"),
        "n_docs": len(docs), "n_gold": n_gold, "n_pred": n_pred, "n_scored": n_scored,
        "n_unresolved": n_unresolved,
        "docs_per_s": round(len(docs) / elapsed, 2) if elapsed else float("nan"),
    }


def iter_errors(docs: list[dict], nlp: Any, geocoder: Any, gazetteer: Gazetteer,
                gold_spans: bool = True) -> Iterator[tuple[dict, Toponym | None, float]]:
    """Every scored gold toponym with its prediction and error (for error analysis)."""
    for doc_json, doc in zip(docs, nlp.pipe(d["text"] for d in docs), strict=True):
        tops = spans_as_toponyms(doc_json["text"], [(g["start"], g["end"]) for g in doc_json["toponyms"]]) \
            if gold_spans else recognize(doc, gazetteer)
        preds = resolve(tops, geocoder, gazetteer, text=doc_json["text"])
        for m in match_spans(doc_json["toponyms"], preds, exact=False):
            p = m.pred.place
            err = haversine_km(m.gold["lat"], m.gold["lon"], p.latitude, p.longitude) if p else EARTH_HALF_KM
            yield m.gold, m.pred, err
