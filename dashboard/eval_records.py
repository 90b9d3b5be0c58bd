"""`conflictmap eval records`: the events table scored row by row against hand-coded event records.

The gold format and the scoring are those of the project's records dev set (ACLED-style records, one
per real event, with evidence spans). The scoring here is the reference scorer's, written once:

- a *claim* is a row whose `event_type` is one of ACLED's six types;
- a claim and a gold event are *compatible* when both are violent (or share the type), the place agrees
  at province level at least (same admin1, or within 25 km; same country for a country-level gold
  event) and the dates are within two days (same month for coarser gold dates);
- pairs are matched one to one, best first (exact place, exact date, same type); a claim compatible
  only with gold events already matched is a *duplicate*, one compatible with none a *false event*;
- on matched pairs each field is checked strictly.

The articles are ingested into a temporary store and the table is read back from the store's CSV
export, so the figures are those of what a user exports (`--export FILE` keeps that CSV).
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard.errors import InputError

VIOLENT = frozenset({"Battles", "Explosions/Remote violence", "Violence against civilians"})
ACLED_TYPES = VIOLENT | {"Protests", "Riots", "Strategic developments"}
FIELDS = ("place_exact", "date_exact", "type", "sub_type", "fatalities", "actor1_inter", "actor2_inter")
NEAR_KM = 25.0
DATE_SLACK_DAYS = 2

_GOVERNORATE_KEYS = {
    "rifdimashq": "rifdimashq",
    "dimashq": "damascus",
    "halab": "aleppo",
    "hims": "homs",
    "idleb": "idlib",
    "hamah": "hama",
    "ladhiqiyah": "latakia",
    "lattakia": "latakia",
    "tartous": "tartus",
    "tartu": "tartus",
    "dara": "daraa",
    "deraa": "daraa",
    "sweida": "suwayda",
    "qunaytirah": "quneitra",
    "dayrazzawr": "deirezzor",
    "deirazzor": "deirezzor",
    "raqqah": "raqqa",
    "hasaka": "hasakah",
    "hassakeh": "hasakah",
}


def name_key(value: object) -> str:
    """A place or province name folded for comparison: no accents, case, punctuation, 'governorate'
    or leading Arabic article, and the usual spellings of the Syrian governorates made one."""
    s = unicodedata.normalize("NFKD", str(value or ""))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    for word in ("governorate", "province", "muhafazat", "mohafazat"):
        s = s.replace(word, "")
    s = s.replace("rural damascus", "rif dimashq").replace("reef damascus", "rif dimashq")
    s = "".join(c for c in s if c.isalnum())
    for art in ("al", "ar", "as", "ad", "ash", "at", "az", "el", "an"):
        if s.startswith(art) and len(s) > len(art) + 3:
            s = s[len(art) :]
            break
    return _GOVERNORATE_KEYS.get(s, s)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (la1, lo1), (la2, lo2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(min(1.0, h)))


def _num(value: object) -> float | None:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def place_agrees(gold: dict, row: dict) -> tuple[bool, bool]:
    """(compatible at province level, exact at the gold's precision) for a gold event and a row."""
    loc = gold["location"]
    d = _distance_km(loc, row)
    same_adm = name_key(loc.get("admin1")) != "" and name_key(loc.get("admin1")) == name_key(row.get("admin1"))
    same_cc = str(loc.get("country_code") or "").upper() == str(row.get("country_code") or "").upper()
    gp, pp = int(loc.get("geo_precision") or 1), int(_num(row.get("geo_precision")) or 4)
    if gp == 4:
        return same_cc, same_cc and pp == 4
    compatible = same_adm or (d is not None and d <= NEAR_KM)
    if gp == 3:
        return compatible, same_adm and pp == 3
    return compatible, _town_exact(loc, row, d, same_adm, pp)


def _distance_km(loc: dict, row: dict) -> float | None:
    gll = (loc.get("lat"), loc.get("lon"))
    pll = (_num(row.get("latitude")), _num(row.get("longitude")))
    return km(gll, pll) if None not in gll and None not in pll else None  # type: ignore[arg-type]


def _town_exact(loc: dict, row: dict, d: float | None, same_adm: bool, pp: int) -> bool:
    """Whether a row places a town-precise gold event exactly: near it, or named as it in its province."""
    if d is not None:
        return d <= NEAR_KM and pp <= 2
    # A village GeoNames lacks: the name and the province must agree.
    named = name_key(loc.get("name")) in (name_key(row.get("location")), name_key(row.get("toponym")))
    return same_adm and pp <= 2 and named


def _day(value: object) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(str(value)[:10])
    except (ValueError, TypeError):
        return None


def date_agrees(gold: dict, row: dict) -> tuple[bool, bool]:
    """(within two days, or the same month for a month-precise gold date; exactly the same)."""
    gd, rd = _day(gold.get("date")), _day(row.get("event_date"))
    if gd is None or rd is None or pd.isna(gd) or pd.isna(rd):
        return False, False
    if gold.get("date_precision") in ("month", "year"):
        same = gd.year == rd.year and (gold["date_precision"] == "year" or gd.month == rd.month)
        return same, same and row.get("date_precision") == gold["date_precision"]
    delta = abs((gd - rd).days)
    return delta <= DATE_SLACK_DAYS, delta == 0


def kind_agrees(gold: dict, row: dict) -> bool:
    gt, rt = gold["event_type"], row.get("event_type")
    return (gt in VIOLENT and rt in VIOLENT) or gt == rt


def field_checks(gold: dict, row: dict, place_exact: bool, date_exact: bool) -> dict[str, bool]:
    """The strict field checks of a matched pair."""
    gf, rf = gold.get("fatalities"), _num(row.get("fatalities"))
    checks = {
        "place_exact": place_exact,
        "date_exact": date_exact,
        "type": gold["event_type"] == row.get("event_type"),
        "sub_type": name_key(gold.get("sub_event_type")) == name_key(row.get("sub_event_type")),
        "fatalities": (gf is None and rf is None) or (gf is not None and rf is not None and int(rf) == gf),
    }
    for k in ("actor1", "actor2"):
        ga = (gold.get(k) or {}).get("inter")
        ra = _num(row.get(f"inter{k[-1]}"))
        checks[f"{k}_inter"] = (ga is None and ra is None) or (ga is not None and ra is not None and int(ra) == int(ga))
    return checks


@dataclass
class ArticleScore:
    """The outcome for one article: matched (gold index, row index, checks), duplicates, false rows, misses."""

    matched: list[tuple[int, int, dict[str, bool]]] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    false_rows: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)


def score_article(gold_events: list[dict], rows: list[dict]) -> ArticleScore:
    pairs = []
    for i, g in enumerate(gold_events):
        for j, r in enumerate(rows):
            pc, pe = place_agrees(g, r)
            dc, de = date_agrees(g, r)
            if kind_agrees(g, r) and pc and dc:
                pairs.append((-(pe + de + (g["event_type"] == r.get("event_type"))), i, j, pe, de))
    pairs.sort()
    out = ArticleScore()
    used_g: set[int] = set()
    used_r: set[int] = set()
    for _, i, j, pe, de in pairs:
        if i in used_g or j in used_r:
            continue
        used_g.add(i)
        used_r.add(j)
        out.matched.append((i, j, field_checks(gold_events[i], rows[j], bool(pe), bool(de))))
    candidates = {j for _, _, j, _, _ in pairs}
    out.duplicates = sorted(candidates - used_r)
    out.false_rows = sorted(set(range(len(rows))) - candidates)
    out.missed = sorted(set(range(len(gold_events))) - used_g)
    return out


def gold_id(url: object) -> str:
    return str(url or "").removeprefix("gold:")


def score_table(gold: dict[str, dict], table: pd.DataFrame) -> tuple[dict, dict[str, ArticleScore]]:
    """The figures for an exported events table (strings, as read from its CSV), and each article's score."""
    df = table[table["url"].map(gold_id).isin(gold)] if len(table) else table
    claims = df[df["event_type"].isin(ACLED_TYPES)] if len(df) else df
    by_gid = {k: g for k, g in claims.groupby(claims["url"].map(gold_id))} if len(claims) else {}
    per_article = {
        gid: score_article(rec["events"], by_gid[gid].to_dict("records") if gid in by_gid else [])
        for gid, rec in gold.items()
    }
    n_gold = sum(len(r["events"]) for r in gold.values())
    return _figures(len(gold), n_gold, len(df), len(claims), list(per_article.values())), per_article


def _figures(n_articles: int, n_gold: int, n_rows: int, n_claims: int, scores: list[ArticleScore]) -> dict:
    matched = sum(len(s.matched) for s in scores)
    dups = sum(len(s.duplicates) for s in scores)
    prec = matched / n_claims if n_claims else 0.0
    rec_ = matched / n_gold if n_gold else 0.0
    figures: dict[str, Any] = {
        "articles": n_articles,
        "gold_events": n_gold,
        "claims": n_claims,
        "matched": matched,
        "precision": round(prec, 3),
        "recall": round(rec_, 3),
        "f1": round(2 * prec * rec_ / (prec + rec_), 3) if prec + rec_ else 0.0,
        "duplicate_share": round(dups / n_claims, 3) if n_claims else 0.0,
        "non_acled_rows": int(n_rows - n_claims),
    }
    figures.update({k: round(a / n, 3) if n else None for k, (a, n) in _field_totals(scores).items()})
    return figures


def _field_totals(scores: list[ArticleScore]) -> dict[str, list[int]]:
    """Per field check: [passed, checked] over the matched pairs."""
    totals = {k: [0, 0] for k in FIELDS}
    for s in scores:
        for _, _, checks in s.matched:
            for k, ok in checks.items():
                totals[k][0] += int(ok)
                totals[k][1] += 1
    return totals


def read_records(path: str | Path, limit: int | None = None) -> dict[str, dict]:
    """Gold articles with their event records, by id; every malformed line is named."""
    from dashboard.evaluate import read_jsonl

    out: dict[str, dict] = {}
    for n, rec in enumerate(read_jsonl(path, limit), start=1):
        events = rec.get("events")
        if not isinstance(events, list) or not rec.get("id"):
            raise InputError(f"{path}:{n}", "expected an object with 'id', 'text' and 'events'")
        for e in events:
            if not isinstance(e, dict) or "event_type" not in e or not isinstance(e.get("location"), dict):
                raise InputError(f"{path}:{n}", "an event lacks 'event_type' or 'location'")
        out[str(rec["id"])] = rec
    return out


def _snippet(text: str, start: object, end: object, width: int = 400) -> str:
    s, e = _num(start), _num(end)
    if s is None or e is None:
        return ""
    return " ".join(text[int(s) : int(e)].split())[:width]


def _row_brief(row: dict) -> dict:
    keys = (
        "event_type",
        "sub_event_type",
        "event_date",
        "date_source",
        "location",
        "admin1",
        "geo_precision",
        "fatalities",
        "actor1",
        "inter1",
        "actor2",
        "inter2",
        "trigger",
    )
    return {k: row.get(k) for k in keys}


def _gold_brief(g: dict, text: str) -> dict:
    loc = g["location"]
    ev = [" ".join(text[s["start"] : s["end"]].split()) for s in g.get("evidence", [])[:2]]
    return {
        "event_type": g["event_type"],
        "sub_event_type": g.get("sub_event_type"),
        "date": g.get("date"),
        "location": loc.get("name"),
        "admin1": loc.get("admin1"),
        "geo_precision": loc.get("geo_precision"),
        "fatalities": g.get("fatalities"),
        "actor1": (g.get("actor1") or {}).get("name"),
        "inter1": (g.get("actor1") or {}).get("inter"),
        "actor2": (g.get("actor2") or {}).get("name"),
        "inter2": (g.get("actor2") or {}).get("inter"),
        "evidence": ev,
    }


def error_lines(gold: dict[str, dict], table: pd.DataFrame, scores: dict[str, ArticleScore]) -> Iterable[dict]:
    """Every false event, missed gold event, duplicate and field error, with its sentence: one JSON object each."""
    claims = table[table["event_type"].isin(ACLED_TYPES)] if len(table) else table
    by_gid = {k: g.to_dict("records") for k, g in claims.groupby(claims["url"].map(gold_id))} if len(claims) else {}
    for gid, s in scores.items():
        rec, rows = gold[gid], by_gid.get(gid, [])
        text = rec["text"]
        for j in s.false_rows:
            r = rows[j]
            yield {
                "kind": "false_event",
                "article": gid,
                "row": _row_brief(r),
                "sentence": _snippet(text, r.get("excerpt_start"), r.get("excerpt_end")),
            }
        for j in s.duplicates:
            r = rows[j]
            yield {
                "kind": "duplicate",
                "article": gid,
                "row": _row_brief(r),
                "sentence": _snippet(text, r.get("excerpt_start"), r.get("excerpt_end")),
            }
        for i in s.missed:
            yield {"kind": "missed", "article": gid, "gold": _gold_brief(rec["events"][i], text)}
        for i, j, checks in s.matched:
            wrong = [k for k, ok in checks.items() if not ok]
            if wrong:
                r = rows[j]
                yield {
                    "kind": "field_error",
                    "article": gid,
                    "fields": wrong,
                    "row": _row_brief(r),
                    "gold": _gold_brief(rec["events"][i], text),
                    "sentence": _snippet(text, r.get("excerpt_start"), r.get("excerpt_end")),
                }


def read_export(path: str | Path) -> pd.DataFrame:
    """An exported events CSV read as the reference scorer reads it: every cell a string, '' for none."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def evaluate_records(
    gold: dict[str, dict], pipeline: Any, workdir: str | Path, errors_path: str | Path | None = None
) -> dict:
    """Ingest the gold articles into a temporary store under `workdir`, export its CSV and score it."""
    import time

    from dashboard.export import select_kind, write_events
    from dashboard.ingest.readers import record_to_article
    from dashboard.store import EventsStore

    workdir = Path(workdir)
    articles = [record_to_article({**rec, "url": f"gold:{gid}"}, f"gold:{gid}") for gid, rec in gold.items()]
    t0 = time.perf_counter()
    result = pipeline.run(articles)
    elapsed = time.perf_counter() - t0
    store = EventsStore(workdir / "store")
    store.append(result.events, result.articles)
    csv_path = workdir / "events.csv"
    write_events(select_kind(store.load_events(), "event"), "csv", csv_path)
    table = read_export(csv_path)
    figures, scores = score_table(gold, table)
    figures["articles_per_s"] = round(len(articles) / elapsed, 2) if elapsed else float("nan")
    if errors_path is not None:
        with open(errors_path, "w", encoding="utf-8") as out:
            for line in error_lines(gold, table, scores):
                out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
    return figures
