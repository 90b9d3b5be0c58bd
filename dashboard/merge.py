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
