"""Synthetic stores as an ingest fills them: some events told by several articles, some mentions.

`synthetic.py` writes one report per event and no mentions, so every cluster has one row. A real
store has events reported by several outlets (one cluster, the reports' tolls differing, the type
sometimes differing within the violent class) and mentions (running totals, statements) that the
dashboard neither draws nor counts. `with_reports` adds both to a chunk of synthetic events and runs
the store's own merge over it, so the cluster columns are what an ingest would write for that chunk;
write_synthetic_store leaves the merge to synth_merge, which merges the rows of all chunks at once.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.merge import VIOLENT, merge_reports

VIOLENT_TYPES = sorted(VIOLENT)


def _ids(prefix: str, source: pd.Series, seed: int) -> list[str]:
    return [hashlib.sha1(f"{prefix}-{seed}-{e}".encode()).hexdigest()[:16] for e in source]


def with_reports(
    events: pd.DataFrame, seed: int = 0, report_share: float = 0.1, mention_share: float = 0.02, merge: bool = True
) -> pd.DataFrame:
    """The chunk's events, plus a second report (another article of the chunk, another toll, now
    and then another violent type) of about `report_share` of its violent events dated to the day,
    plus mentions (a copy with a larger toll and record_kind "mention") of about `mention_share`
    of its rows; merged as the store merges them (without `merge` they are left
    for the caller to merge over more rows than these: synth_merge)."""
    rng = np.random.default_rng([seed, 11])
    events = S.coerce_events(events).reset_index(drop=True)
    dated = (events[S.DATE_PRECISION].astype("string") == "day") & events[S.EVENT_DATE].notna()
    violent = events[S.EVENT_TYPE].astype("string").isin(VIOLENT).fillna(False)
    pool = np.flatnonzero((dated & violent).to_numpy(dtype=bool))
    picked = (
        rng.choice(pool, size=min(len(pool), int(len(events) * report_share)), replace=False)
        if len(pool)
        else np.zeros(0, dtype=np.int64)
    )
    reports = events.iloc[picked].copy()
    other = rng.integers(0, len(events), len(reports))
    for col in (S.ARTICLE_ID, S.SOURCE, S.TITLE, S.URL, S.PUBLISHED):
        reports[col] = events[col].to_numpy()[other]
    deaths = pd.to_numeric(reports[S.FATALITIES], errors="coerce")
    shift = rng.integers(-2, 4, len(reports))
    reports[S.FATALITIES] = pd.array(
        np.where(
            deaths.notna(),
            np.maximum(deaths.fillna(0) + shift, 0),
            np.where(rng.random(len(reports)) < 0.3, 1 + shift % 3, -1),
        ),
        dtype="Int64",
    )
    reports.loc[reports[S.FATALITIES] < 0, S.FATALITIES] = pd.NA
    retyped = rng.random(len(reports)) < 0.2
    reports.loc[retyped, S.EVENT_TYPE] = rng.choice(VIOLENT_TYPES, int(retyped.sum()))
    reports[S.EVENT_ID] = _ids("report", reports[S.EVENT_ID], seed)
    mentions = events.sample(n=int(len(events) * mention_share), random_state=seed + 7).copy()
    mentions[S.RECORD_KIND] = "mention"
    mentions[S.MENTION_REASON] = "mention.running_total"
    mentions[S.FATALITIES] = pd.array(rng.integers(100, 900, len(mentions)), dtype="Int64")
    mentions[S.EVENT_ID] = _ids("mention", mentions[S.EVENT_ID], seed)
    both = pd.concat([events, reports, mentions], ignore_index=True)
    return S.coerce_events(merge_reports(both) if merge else both)
