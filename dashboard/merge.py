"""One event, many reports: rows of different articles about the same event share a cluster."""

from __future__ import annotations

import hashlib

import pandas as pd

from dashboard import schema as S

WINDOW_DAYS = 1  # reports of the same event disagree by a day (time zones, "yesterday")


def merge_reports(events: pd.DataFrame) -> pd.DataFrame:
    """Set cluster_id, n_sources and fatalities_low/high over the whole table.

    Rows are the same event when they have the same event type and sub-type, the same resolved
    place, and dates within WINDOW_DAYS of each other (chained), and the event is not "Other".
    Statements and undated rows are never merged: two statements in one place are two events.
    Conflicting death counts are kept side by side as the cluster's low and high.
    """
    df = events.copy()
    df[S.CLUSTER_ID] = df[S.EVENT_ID]
    mergeable = df[S.EVENT_DATE].notna() & ~df[S.SUB_EVENT_TYPE].isin(["Other", "Statement"])
    key = df[S.EVENT_TYPE].astype(str) + "|" + df[S.SUB_EVENT_TYPE].astype(str) + "|" + S.place_keys(df)
    sub = df[mergeable].assign(_key=key[mergeable]).sort_values(["_key", S.EVENT_DATE])
    if not sub.empty:
        gap = sub[S.EVENT_DATE].diff().dt.days.fillna(WINDOW_DAYS + 1)
        new_group = (sub["_key"] != sub["_key"].shift()) | (gap > WINDOW_DAYS)
        group = new_group.cumsum()
        first_ids = sub.groupby(group)[S.EVENT_ID].transform("min")
        cid = first_ids.map(lambda i: hashlib.sha1(f"cluster|{i}".encode()).hexdigest()[:16])
        df.loc[sub.index, S.CLUSTER_ID] = cid
    source = df[S.SOURCE].fillna("").astype(str)
    outlet = source.where(source != "", df[S.ARTICLE_ID].astype(str))
    g = df.assign(_outlet=outlet).groupby(S.CLUSTER_ID)
    df[S.N_SOURCES] = g["_outlet"].transform("nunique").astype("Int64")
    df[S.FATALITIES_LOW] = g[S.FATALITIES].transform("min").astype("Int64")
    df[S.FATALITIES_HIGH] = g[S.FATALITIES].transform("max").astype("Int64")
    return df


def remerge_moved(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """merge_reports(after) when `after` is `before` (already merged) with some rows moved to other
    places: only the places those rows left or joined can gain or lose a report, so only their rows
    are merged again. The result equals merge_reports(after); on a million rows it is a small part
    of the cost (a correction moves the rows of one toponym)."""
    if len(before) != len(after) or not before.index.equals(after.index):
        return merge_reports(after)
    cols = [S.LOCATION, S.LATITUDE, S.LONGITUDE]
    moved = pd.Series(False, index=after.index)
    for c in cols:
        a, b = before[c], after[c]
        moved |= ~((a == b).fillna(False).astype(bool) | (a.isna() & b.isna()))
    if not moved.any():
        return after
    keys = set(S.place_keys(before[moved])) | set(S.place_keys(after[moved]))
    names = {k.split("|", 1)[0] for k in keys}
    near = after[after[S.LOCATION].astype(str).isin(names)]
    affected = near.index[S.place_keys(near).isin(keys)]
    out = after.copy()
    merged = merge_reports(after.loc[affected])
    for c in (S.CLUSTER_ID, S.N_SOURCES, S.FATALITIES_LOW, S.FATALITIES_HIGH):
        out.loc[affected, c] = merged[c]
    return out
