"""`assemble.summary_of_parts`: a report placed at an area (a region, a province, the country) that
sums what the article then tells town by town is no event of its own.

"Shelling of the enclave killed ten on Friday. Seven died in Town A … another child in Town B": an
analyst codes the towns, one record each, and the enclave's ten on none of them, since a total that
spans several events belongs to no one of them (the coding guidelines of ACLED-style records). The
area's row stays as a mention with its evidence, so the total is still read, not counted.
"""

from __future__ import annotations

from collections.abc import Callable

from dashboard import schema as S
from dashboard.events.kinds import weapon
from dashboard.events.place_joins import place_key
from dashboard.geo.gazetteer import UNLISTED_CODES

Pairwise = Callable[[dict, dict], bool]

SUMMARY_RULE = "assemble.summary_of_parts"
AREA_CODES = frozenset({"AREA", "RGN", "ADM1", "ADM2", "ADM3", "PCLI", "PCL", "PCLD", "PCLS"})


def is_area(row: dict) -> bool:
    """A row placed at a province or country, or a named area (not a village the gazetteer lacks)."""
    code = str(row.get(S.FEATURE_CODE) or "")
    return code not in UNLISTED_CODES and (int(row[S.GEO_PRECISION] or 4) >= 3 or code in AREA_CODES)


def mark_summaries(
    events: list[dict], contains: Pairwise, same_event_type: Pairwise, same_sides: Pairwise, same_day: Pairwise
) -> None:
    """Make a mention of each event row at an area that the article's other event rows of its type,
    day (an undated part: a recent one), sides and means place at two or more distinct finer places
    inside it (a missile strike on a province and air raids on three of its villages are four events,
    not a sum and its parts)."""

    def part_of(o: dict, row: dict) -> bool:
        return (
            o is not row
            and o.get(S.RECORD_KIND, "event") == "event"
            and int(o[S.GEO_PRECISION] or 4) < int(row[S.GEO_PRECISION] or 4)
            and all(test(row, o) for test in (same_event_type, same_day, contains, same_sides, _same_means))
        )

    for row in events:
        if row.get(S.RECORD_KIND, "event") != "event" or not is_area(row):
            continue
        parts = {place_key(o) for o in events if part_of(o, row)}
        if len(parts) >= 2:
            row[S.RECORD_KIND], row[S.MENTION_REASON] = "mention", SUMMARY_RULE


def _same_means(a: dict, b: dict) -> bool:
    """No two different means of attack named (a missile strike is no sum of air raids)."""
    return weapon(a) == weapon(b) or not weapon(a) or not weapon(b)
