"""`dates.report_day`: a row dated only by the day its source spoke ("jets killed 12, the monitor said
on Wednesday", date_source "report") tells an event of that day or before. It joins the report of its
event that the text dates itself ("Tuesday's raids on the town"): the same place and kind, no
sub-type of its own that differs, the same author and toll, from the report's day or the two before.
The event takes the text's own day. Each dated report takes at most one such row, so that two reports
whose tolls differ are never bridged through it."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from dashboard import schema as S

REPORT = "report"  # the date_source of a row dated by the day its source spoke
REPORT_DAYS = 2  # a report tells the news of its day or the two before


def days_before(later: dict, earlier: dict) -> int | None:
    """Days from one row's date back to another's (None when either has no date)."""
    try:
        return (pd.Timestamp(later[S.EVENT_DATE]) - pd.Timestamp(earlier[S.EVENT_DATE])).days
    except (TypeError, ValueError):
        return None


def _absent(value: object) -> bool:
    return bool(pd.isna(value)) or value == ""


def _same(report: dict, dated: dict, column: str) -> bool:
    a, b = report.get(column), dated.get(column)
    return _absent(a) or _absent(b) or a == b


def tells_the_same(report: dict, dated: dict) -> bool:
    """Whether a report-dated row can be the dated row's event: on its day or the two after it, and
    no author or toll that differs (the caller checks place, kind and sub-type)."""
    before = days_before(report, dated)
    return (
        dated[S.DATE_SOURCE] == "sentence"
        and before is not None
        and 0 <= before <= REPORT_DAYS
        and all(_same(report, dated, c) for c in (S.ACTOR1, S.FATALITIES))
    )


def join_reports(
    rows: list[dict],
    idx: list[int],
    same_event: Callable[[dict, dict], bool],
    fits: Callable[[int, int], bool],
    join: Callable[[int, int], None],
) -> None:
    """Join each report-dated row to the one dated report of its event (see the module's doc)."""
    taken: set[int] = set()
    for i in idx:
        if rows[i][S.DATE_SOURCE] != REPORT:
            continue
        dated = [
            j
            for j in idx
            if j not in taken and same_event(rows[i], rows[j]) and tells_the_same(rows[i], rows[j]) and fits(j, i)
        ]
        if len(dated) == 1:
            taken.add(dated[0])
            join(dated[0], i)


def continues(undated: dict, dated: dict) -> bool:
    """Whether the undated row took its place from the dated row's sentence: its excerpt opens with
    that sentence ("On Tuesday rebels stormed a base near X. The fighting left 30 dead.": the toll
    tells Tuesday's fighting, not another event at X that week)."""
    return undated[S.EXCERPT_START] == dated[S.EXCERPT_START] and undated[S.EXCERPT_END] > dated[S.EXCERPT_END]
