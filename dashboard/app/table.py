"""The selection as a table: one row per event (reports of one event count once), sortable by any of
its main columns and paged on the server, so a million selected events send one page of rows.

Built as the JSON Dash sends (excerpts.node), like the sentence list beside it; every cell is a
string child, so article text (actors, sources, places) reaches the page as text, never as markup.
A row's button carries its event and place in data-* attributes (assets/panels.js hands its click
to clientside.SELECT_JS as ids.EXCERPT_ACTION): choosing a row selects its event and place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.app import duck_table as DT
from dashboard.app import engine as E
from dashboard.app import listing as RL
from dashboard.app.event_index import EventIndex
from dashboard.app.excerpts import (
    EXCERPT_LIMIT,
    LISTED_COLUMNS,
    excerpts_list,
    list_offset,
    listed_page,
    node,
    page_token,
    pager,
)
from dashboard.app.figures import type_color
from dashboard.app.filters import Filters
from dashboard.app.query import Selection, format_date
from dashboard.app.views import DuckViews, MemoryViews, select_masks

TABLE_LIMIT = 25  # rows per page: a screenful beside the map
# Sort key -> column heading; the table's columns in this order.
COLUMNS = {"date": "Date", "place": "Place", "type": "Type", "actors": "Actors", "deaths": "Deaths", "source": "Source"}
DEFAULT_SORT = ("date", True)  # newest first, as the sentence list


def sort_state(state: dict | None) -> tuple[str, bool]:
    """(column, descending) of the table's state store; the default for anything unknown."""
    state = state or {}
    column = state.get("sort")
    if column not in COLUMNS:
        return DEFAULT_SORT
    return str(column), bool(state.get("desc"))


def _rank(values: tuple[str, ...], codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Alphabetical rank (case folded) of each row's value, and whether it has none."""
    order = (
        np.argsort(np.array([v.casefold() for v in values], dtype=object), kind="stable")
        if values
        else np.zeros(0, np.int64)
    )
    rank = np.empty(len(values) + 1, dtype=np.int64)
    rank[order] = np.arange(len(values))
    rank[-1] = 0
    return rank[codes], (codes < 0) | np.isin(codes, [i for i, v in enumerate(values) if not v.strip()])


def sort_keys(ix: EventIndex, rows: np.ndarray, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(key, missing) of each row for a sort by `column`: a number that orders it, and whether the
    row has no value (those go last whichever way the column is sorted)."""
    if column == "date":
        return ix.date_ns[rows], ~ix.dated[rows]
    if column == "deaths":
        return E.event_deaths(ix, rows) * 1_000_000 + E.event_deaths(ix, rows, high=True), np.zeros(rows.size, bool)
    if column == "place":
        labels = tuple(str(v) for v in ix.places["label"])
        return _rank(labels, ix.place[rows].astype(np.int64))
    col = {"type": S.SUB_EVENT_TYPE, "actors": S.ACTOR1, "source": S.SOURCE}[column]
    return _rank(ix.values[col], ix.codes[col][rows].astype(np.int64))


def sorted_events(ix: EventIndex, listed: np.ndarray, column: str, desc: bool) -> np.ndarray:
    """Row positions of the listed events (one per event), in the table's order; ties newest first."""
    rows = np.flatnonzero(E.counted_rows(ix, listed))
    if not rows.size:
        return rows
    key, missing = sort_keys(ix, rows, column)
    newest = np.where(ix.dated[rows], -ix.date_ns[rows], np.iinfo(np.int64).max)
    # np.lexsort: the last key is the primary one.
    return rows[np.lexsort((newest, -key if desc else key, missing))]


def table_frame(ix: EventIndex, rows: np.ndarray) -> pd.DataFrame:
    """The rows a page shows, with each event's lowest and highest toll and its number of reports."""
    df = RL.rows_frame(ix, rows)
    reports = (
        np.bincount(ix.cluster, minlength=int(ix.cluster.max()) + 1)[ix.cluster[rows]]
        if ix.cluster.size == ix.n and rows.size
        else np.ones(rows.size, np.int64)
    )
    return df.assign(
        deaths_low=E.event_deaths(ix, rows), deaths_high=E.event_deaths(ix, rows, high=True), reports=reports
    )


def deaths_cell(own: object, low: int, high: int) -> str:
    if (own is None or pd.isna(own)) and low == high == 0:
        return "—"  # no report gives a toll
    return f"{low:,}" if low == high else f"{low:,}–{high:,}"


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def cells(r: dict, place_label: str) -> list[dict]:
    actors = " — ".join(a for a in (_text(r[S.ACTOR1]), _text(r[S.ACTOR2])) if a) or "—"
    kind = _text(r[S.SUB_EVENT_TYPE])
    source = _text(r[S.SOURCE]) or "—"
    more = int(r["reports"]) - 1
    return [
        node("Td", format_date(r[S.EVENT_DATE], r[S.DATE_PRECISION]), className="date"),
        node(
            "Td",
            node(
                "Button",
                place_label,
                type="button",
                className="row-pick linkish",
                title="select this event: the map goes to its place (Ctrl or Shift: fit the map to several rows)",
                **{"data-action": "row", "data-event": r[S.EVENT_ID], "data-place": r[S.PLACE_KEY]},
            ),
        ),
        # The sub-type names the event; its type is the colour bar (the map's colour) and the tooltip.
        node(
            "Td",
            node(
                "Span",
                kind or _text(r[S.EVENT_TYPE]) or "—",
                className="etype",
                style={"borderColor": type_color(_text(r[S.EVENT_TYPE]))},
            ),
            title=_text(r[S.EVENT_TYPE]),
        ),
        node("Td", actors),
        node("Td", deaths_cell(r[S.FATALITIES], int(r["deaths_low"]), int(r["deaths_high"])), className="num"),
        node(
            "Td",
            source + (f" +{more}" if more > 0 else ""),
            **({"title": f"{more + 1} reports of this event"} if more > 0 else {}),
        ),
    ]


def header(column: str, desc: bool) -> dict:
    heads = []
    for key, label in COLUMNS.items():
        on = key == column
        arrow = (" ▼" if desc else " ▲") if on else ""
        # A click on the sorted column turns its order around; on another, sorts by it (dates and
        # deaths start with the largest, words with A).
        nxt = (not desc) if on else key in ("date", "deaths")
        heads.append(
            node(
                "Th",
                node(
                    "Button",
                    label + arrow,
                    type="button",
                    className="sort linkish",
                    title=f"sort by {label.lower()}",
                    **{"data-action": "sort", "data-sort": key, "data-desc": "1" if nxt else "0"},
                ),
                scope="col",
                **{"aria-sort": ("descending" if desc else "ascending") if on else "none"},
            )
        )
    return node("Thead", node("Tr", heads))


def events_table(
    df: pd.DataFrame,
    labels: list[str],
    total: int,
    offset: int,
    token: str,
    column: str,
    desc: bool,
    selected_event: str | None,
    limit: int = TABLE_LIMIT,
) -> list:
    """The table panel's body: a count line, pages, and the rows of df (labels: each row's place name)."""
    shown = f"; showing {offset + 1:,}–{offset + len(df):,}" if total > limit else ""
    out = [
        node("P", f"{total:,} event(s), one row each{shown}", className="hint"),
        node("P", "Hold Ctrl or Shift while choosing places to fit the map to several rows.", className="hint small"),
    ]
    # The same pages above and below the rows.
    pages = [pager(offset, token, max(total - offset - limit, 0), limit)] if total > limit else []
    out += pages
    rows = []
    for r, label in zip(df.to_dict("records"), labels, strict=True):
        chosen = selected_event is not None and r[S.EVENT_ID] == selected_event
        rows.append(
            node(
                "Tr",
                cells(r, label),
                className="selected" if chosen else "",
                **{"aria-selected": "true" if chosen else "false"},
            )
        )
    out.append(
        node(
            "Div",
            node("Table", [header(column, desc), node("Tbody", rows)], className="events-table"),
            className="table-wrap",
        )
    )
    return out + pages


def table_panel(
    ix: EventIndex,
    listed: np.ndarray,
    total: int,
    state: dict | None,
    page_offset: int,
    token: str,
    selected_event: str | None,
) -> list:
    """The page of the sorted table the state and page ask for (the caller checked the offset)."""
    column, desc = sort_state(state)
    order = sorted_events(ix, listed, column, desc)
    rows = order[page_offset : page_offset + TABLE_LIMIT]
    df = table_frame(ix, rows)
    labels = [RL.place_label(ix, k) or "" for k in df[S.PLACE_KEY]]
    return events_table(df, labels, total, page_offset, token, column, desc, selected_event)


VIEWS = {"list": "Sentences", "table": "Table"}


def view_of(state: dict | None) -> str:
    view = (state or {}).get("view")
    return view if view in VIEWS else "list"


def view_tabs(view: str) -> dict:
    """Sentences or table: two buttons over the panel (their clicks reach ids.TABLE_STATE)."""
    return node(
        "Div",
        [
            node(
                "Button",
                label,
                type="button",
                className="button small view-tab" + (" active" if key == view else ""),
                **{"data-action": "view", "data-view": key, "aria-pressed": str(key == view).lower()},
            )
            for key, label in VIEWS.items()
        ],
        className="view-tabs",
        role="group",
        **{"aria-label": "show the selection as"},
    )


def side_panel(
    ix: EventIndex,
    listed: np.ndarray,
    total: int,
    sel: Selection,
    f: Filters,
    page: dict | None,
    state: dict | None,
    empty: str | None,
    place_name: str | None,
) -> list:
    """The panel beside the map: the switch, then the sentences or the table of the selection."""
    view = view_of(state)
    if view == "list" or empty or not total:
        position = lambda: RL.event_position(ix, listed, str(sel.event))  # noqa: E731
        fetch = lambda n: RL.newest_rows(ix, listed, n)  # noqa: E731
        rows, offset, token, older = listed_page(sel, f, page, total, position, fetch, int(listed.sum()))
        return _sentences(view, RL.row_records(ix, rows), total, sel, f, empty, place_name, (offset, token, older))
    _, _, token, offset = table_page_of(sel, f, state, page, total)
    return [view_tabs(view), heading(sel, place_name), *table_panel(ix, listed, total, state, offset, token, sel.event)]


def table_page_of(sel: Selection, f: Filters, state: dict | None, page: dict | None, total: int) -> tuple:
    """(column, descending, page token, offset) of the table's page: its sort, and the page asked for
    while the selection, filters and sort stay the same (else the first)."""
    column, desc = sort_state(state)
    token = page_token(sel, f) + f"|{column}|{int(desc)}"
    return column, desc, token, list_offset(page, token, total, TABLE_LIMIT)


def heading(sel: Selection, place_name: str | None) -> dict:
    return node("H2", f"Events — {place_name or sel.place.split('|')[0]}" if sel.place else "Events")


def views_panel(
    v: MemoryViews | DuckViews,
    f: Filters,
    sel: Selection,
    total: int,
    page: dict | None,
    state: dict | None,
    empty: str | None,
    place_name: str | None,
) -> list:
    """The side panel from the dashboard's views: the in-memory index sorts the table itself; a store
    past the in-memory size (answered by DuckDB) sorts and pages it in SQL (duck_table)."""
    if isinstance(v, MemoryViews):
        return side_panel(v.ix, select_masks(v.ix, f, sel)[2], total, sel, f, page, state, empty, place_name)
    view = view_of(state)
    if view == "table" and not empty and total:
        column, desc, token, offset = table_page_of(sel, f, state, page, total)
        df = DT.page(v.db, f, sel, column, desc, offset, TABLE_LIMIT)
        labels = [str(x) if isinstance(x, str) else "" for x in df[S.LOCATION]]
        table = events_table(df, labels, total, offset, token, column, desc, sel.event)
        return [view_tabs(view), heading(sel, place_name), *table]
    rows, offset, token, older = listed_page(
        sel, f, page, total, lambda: listed_position(v, f, sel), lambda n: v.newest(f, sel, n, LISTED_COLUMNS)
    )
    return _sentences(view, rows, total, sel, f, empty, place_name, (offset, token, older))


def _sentences(
    view: str,
    rows: pd.DataFrame | list[dict],
    total: int,
    sel: Selection,
    f: Filters,
    empty: str | None,
    place_name: str | None,
    page: tuple[int, str, int | None],
) -> list:
    """The switch and a page of the sentence list (`rows`: the page's rows, `page`: its offset, token
    and the rows after it, excerpts.older_rows)."""
    offset, token, older = page
    listed = excerpts_list(
        rows, total, sel, empty=empty, place_name=place_name, offset=offset, token=token, search=f.text, older=older
    )
    return [view_tabs(view), *listed]


def listed_position(v: DuckViews, f: Filters, sel: Selection) -> int | None:
    """The selected event's place in the list: from its first page (which the panel reads anyway, and
    the views memoise) when it is there, as when "select" is pressed on a list never paged; else
    duck_position's (its id looked up over every part the selection's dates leave: ~60 ms at a
    million synthetic events, where the count after it takes ~8)."""
    first = v.newest(f, sel, EXCERPT_LIMIT, LISTED_COLUMNS)[S.EVENT_ID].tolist()
    return first.index(sel.event) if sel.event in first else v.position(f, sel)
