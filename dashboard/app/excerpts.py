"""The excerpts panel: the listed sentences with their highlights, citations and buttons, a page at
a time. Built as the JSON Dash sends (nodes.node()), not as Component objects: an answer lists ~300
of them, and building objects cost more than computing the views."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from dashboard import schema as S
from dashboard.app.figures import type_color
from dashboard.app.filters import Filters, parse_number
from dashboard.app.listing import EXCERPT_LIMIT, LISTED_COLUMNS  # noqa: F401 (LISTED_COLUMNS: the callers')
from dashboard.app.map_hover import precision_label
from dashboard.app.nodes import node
from dashboard.app.panels import excerpt_actions
from dashboard.app.query import Selection, excerpt_records, format_date, split_highlights

# The newest 25 sentences, each as 10-12 components: the browser's cost of a list is dash-renderer's
# work per component, ~3.8 CPU-s for 50 sentences of ~17 components at 100k events (a brush that
# fills the list), against ~0.4 s for the rest of the page's redraw. The panel says how many there
# are, and pages through the rest.


def _count(v: Any) -> int | None:  # a table cell: pandas scalars are untyped
    return None if v is None or pd.isna(v) else int(v)


def report_badges(r: dict) -> list[str]:
    """Injured and displaced counts, and what the other reports of the same event say."""
    out = []
    for col, word in ((S.INJURED, "injured"), (S.DISPLACED, "displaced")):
        n = _count(r.get(col))
        if n is not None:
            out.append(f"{n:,} {word}")
    sources = _count(r.get(S.N_SOURCES)) or 1
    low, high = _count(r.get(S.FATALITIES_LOW)), _count(r.get(S.FATALITIES_HIGH))
    if sources > 1:
        out.append(f"{sources} sources")
    if low is not None and high is not None and low != high:
        out.append(f"reports: {low}–{high} killed")
    return out


def is_web_link(url: object) -> bool:
    """Only http(s) article URLs become links; anything else (javascript:, data:) stays text."""
    return isinstance(url, str) and urlparse(url.strip()).scheme in ("http", "https")


def summary_text(events: pd.DataFrame, listed: pd.DataFrame, sel: Selection) -> str:
    """ "N of M events" for the listed selection, with its date range and place."""
    return summary_line(len(events), len(listed), sel)


def summary_line(n_events: int, n_listed: int, sel: Selection, place_name: str | None = None) -> str:
    """summary_text from the counts alone; `place_name` is the selected place's label."""
    if not n_events:
        return "No events in the store yet: run `conflictmap ingest PATH`."
    parts = [f"{n_listed:,} of {n_events:,} events"]
    if sel.start or sel.end:
        parts.append(f"{(sel.start or '…')[:10]} → {(sel.end or '…')[:10]}")
    if sel.place:
        parts.append(place_name or sel.place.split("|")[0])
    return " · ".join(parts)


def page_token(sel: Selection, f: Filters) -> str:
    """What a page of the list belongs to: a page chosen for one selection and filters is not carried
    over to the next (a new list starts at its newest sentences). The selected event is not part of
    it: selecting a sentence keeps the list on the page the sentence is on."""
    return hashlib.blake2b(repr((replace(sel, event=None), f)).encode(), digest_size=8).hexdigest()


def chosen_page(page: dict | None, token: str) -> int | None:
    """The page the user chose for this list (its token), or None when the page belongs to another list."""
    page = page or {}
    number = parse_number(page.get("page"), int) if page.get("token") == token else None
    return None if number is None else int(number)


def list_offset(
    page: dict | None, token: str, total: int | None, limit: int = EXCERPT_LIMIT, position: int | None = None
) -> int:
    """The first listed row of the chosen page; for a list whose page was not chosen, of the page that
    holds row `position` (the selected event's place in the list, newest first); else 0, and 0 when
    the page is past the end (`total` rows; None where their number is not known: the caller checks
    the page it reads, as listed_page does)."""
    number = chosen_page(page, token)
    if number is None and position is not None:
        number = position // limit
    offset = int(number or 0) * limit
    return offset if 0 <= offset and (total is None or offset < total) else 0


def older_rows(
    events: int, offset: int, shown: int, more: Callable[[], bool], limit: int = EXCERPT_LIMIT
) -> int | None:
    """How many sentences the list holds after a page of `shown` from row `offset` (at most `limit`
    counted), as far as it can say without counting them; None: some, how many unknown. The list
    has a row per report, so an event told by three articles is three sentences: its rows are at
    least its `events` (counting only events, its pages stopped at the events' count and the last
    reports of a long list were out of reach). Past that count, `more()` says whether a row follows
    (the caller reads one row more than the page: asked only for a full page there)."""
    if shown < limit:
        return 0
    after = events - offset - shown  # at least this many rows follow
    if after >= limit:
        return limit
    return None if after > 0 or more() else 0


def list_page(
    sel: Selection, f: Filters, page: dict | None, total: int | None, position: Callable[[], int | None]
) -> tuple[str, int]:
    """(token, offset) of the sentence list: the page chosen for it, else the page that holds the
    selected event (`position()`, asked only then: a link's event, or one selected elsewhere), else
    the first."""
    token = page_token(sel, f)
    at = position() if sel.event and chosen_page(page, token) is None else None
    return token, list_offset(page, token, total, position=at)


def listed_page(
    sel: Selection,
    f: Filters,
    page: dict | None,
    events: int,
    position: Callable[[], int | None],
    fetch: Callable[[int], Any],
    count: int | None = None,
) -> tuple[Any, int, str, int | None]:
    """The sentence list's page: (its rows, its offset, token, the rows after it), from `fetch(n)`,
    the newest n rows (a frame or positions), and `count`, the listed rows where the engine knows
    it, else older_rows (one row more than the page read only where the events' count cannot say
    whether the list goes on). A page asked for past the end (a link kept after the store
    changed) is the first."""
    token, offset = list_page(sel, f, page, count, position)
    rows = fetch(offset + EXCERPT_LIMIT)[offset:]
    if offset and not len(rows):
        offset, rows = 0, fetch(EXCERPT_LIMIT)
    if count is not None:
        return rows, offset, token, max(count - offset - len(rows), 0)
    more = lambda: len(fetch(offset + EXCERPT_LIMIT + 1)) > offset + EXCERPT_LIMIT  # noqa: E731
    return rows, offset, token, older_rows(events, offset, len(rows), more)


def pager(offset: int, token: str, older: int | None, limit: int = EXCERPT_LIMIT) -> dict:
    """Newer / older pages of the list (their clicks reach ids.EXCERPT_PAGE through assets/panels.js)
    from row `offset`, `older` rows after this page (None: some, how many unknown)."""
    page = offset // limit
    buttons = []
    if page > 0:
        buttons.append(
            node(
                "Button",
                f"← newer {limit}",
                className="button small pager-button",
                type="button",
                **{"data-action": "page", "data-page": str(page - 1), "data-token": token},
            )
        )
    if older != 0:
        buttons.append(
            node(
                "Button",
                "older →" if older is None else f"older {min(limit, older)} →",
                type="button",
                className="button small pager-button",
                **{"data-action": "page", "data-page": str(page + 1), "data-token": token},
            )
        )
    return node("Nav", buttons, className="pager", **{"aria-label": "pages of the list"})


def excerpts_list(
    df: pd.DataFrame | list[dict],
    total: int,
    sel: Selection,
    limit: int = EXCERPT_LIMIT,
    empty: str | None = None,
    place_name: str | None = None,
    offset: int = 0,
    token: str = "",
    search: str = "",
    older: int | None = -1,
) -> list:
    """The panel for `limit` rows of df (newest first; or their records, engine.row_records), from
    row `offset` of the sentences of `total` events, `older` rows after them (None: some, how many
    unknown; by default as many as the events after the page, for a list of one row per event);
    `empty` says why nothing matches (empty_reason), `place_name` is the selected place's label,
    `search` the excerpt search's text (marked where each sentence holds it)."""
    records = excerpt_records(df, limit)
    heading = f"Excerpts — {place_name or sel.place.split('|')[0]}" if sel.place else "Excerpts"
    if empty:
        return [
            node("H2", heading),
            node(
                "Div",
                [
                    node("Strong", empty),
                    node(
                        "Span",
                        "Filters, the time window and the selected place all narrow the list; "
                        "“Clear filters” and “Clear selection” let them go.",
                    ),
                ],
                className="empty-state",
                role="status",
            ),
        ]
    if not records:
        return [node("H2", heading), node("P", "Click a marker to read the sentences behind it.", className="hint")]
    older = max(total - offset - len(records), 0) if older == -1 else older
    paged = bool(offset or older != 0)
    shown = f"; sentences {offset + 1:,}–{offset + len(records):,}" if paged else ""
    hint = node("P", f"{total:,} event(s){', newest first' if total > 1 or paged else ''}" + shown, className="hint")
    pages = [pager(offset, token, older, limit)] if paged else []
    return [node("H2", heading), hint, *pages, *(excerpt_item(r, sel, search) for r in records), *pages]


def meta_text(r: dict) -> str:
    """The excerpt's facts after its type, as one line of text: date, deaths, the reports' badges,
    whether it is scheduled, and where."""
    parts = [format_date(r[S.EVENT_DATE], r[S.DATE_PRECISION])]
    deaths = r[S.FATALITIES]
    if deaths is not None and deaths == deaths:
        parts.append(f"{int(deaths)} killed")
    parts.extend(report_badges(r))
    if r[S.IS_FUTURE]:
        parts.append("scheduled")
    parts.append(f"{r[S.LOCATION]} ({precision_label(r[S.GEO_PRECISION])})")
    return " · ".join(parts)


def search_spans(text: str, search: str) -> list[tuple[int, int, str]]:
    """Where `text` holds the excerpt search's text, as the filter reads it (case-insensitive, literal)."""
    term = search.strip()
    if not term or not isinstance(text, str):
        return []
    return [(m.start(), m.end(), "search") for m in re.finditer(re.escape(term), text, re.IGNORECASE)]


def excerpt_item(r: dict, sel: Selection, search: str = "") -> dict:
    """One listed sentence, flat: facts, the sentence with its place, trigger and searched words
    marked, the citation and the buttons, ~11 components (plain strings cost dash-renderer nothing
    per piece). Where a searched word overlaps the place or the trigger, the earlier mark wins."""
    spans = [(*r["place_span"], "place"), *search_spans(r[S.EXCERPT], search)]
    if r["trigger_span"]:
        spans.append((*r["trigger_span"], "trigger"))
    sentence = [
        node("Mark", piece, className=f"hl-{kind}") if kind else piece
        for piece, kind in split_highlights(r[S.EXCERPT], spans)
    ]
    title = r[S.TITLE] or "(untitled)"
    pub = format_date(r[S.PUBLISHED], "day") + (" (inferred)" if r[S.PUBLISHED_INFERRED] else "")
    link = (
        node("A", title, href=r[S.URL], target="_blank", rel="noopener noreferrer") if is_web_link(r[S.URL]) else title
    )
    chosen = sel.event is not None and r[S.EVENT_ID] == sel.event
    return node(
        "Article",
        className="excerpt selected" if chosen else "excerpt",
        children=[
            node(
                "Div",
                [
                    node(
                        "Span",
                        r[S.SUB_EVENT_TYPE] or r[S.EVENT_TYPE],
                        className="etype",
                        style={"borderColor": type_color(r[S.EVENT_TYPE])},
                    ),
                    meta_text(r),
                ],
                className="meta",
            ),
            node("Blockquote", sentence, className="sentence"),
            node("Div", [link, f" — {r[S.SOURCE]}, published {pub}"], className="cite"),
            excerpt_actions(r[S.EVENT_ID], r[S.ARTICLE_ID], r[S.PLACE_KEY], chosen),
        ],
    )
