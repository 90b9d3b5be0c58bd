"""Read in context: the whole article, every event extracted from it highlighted.

A highlighted place name is a button: choosing it selects that event (place and event in the
selection store), so the map and the timeline follow. The article text is always rendered as
text (Dash escapes strings), never as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dash
import pandas as pd
from dash import ALL, Input, Output, State, html

from dashboard import schema as S
from dashboard.app import ids
from dashboard.app.data import StoreView
from dashboard.app.nodes import dashed, node

if TYPE_CHECKING:
    from dash import NoUpdate  # dash.no_update's type; older Dash 2 releases keep it private


@dataclass(frozen=True)
class Piece:
    """A run of article text and the events that cover it: as excerpt, and as their place name."""

    text: str
    excerpt_of: tuple[str, ...] = ()
    place_of: tuple[str, ...] = ()


def _spans(events: pd.DataFrame, start: str, end: str, n: int) -> list[tuple[int, int, str]]:
    out = []
    for s, e, eid in zip(events[start], events[end], events[S.EVENT_ID], strict=True):
        if pd.isna(s) or pd.isna(e):
            continue
        s, e = int(s), int(e)
        # Offsets that do not fit the text (a corrupt row) are dropped rather than mis-drawn.
        if 0 <= s < e <= n:
            out.append((s, e, str(eid)))
    return out


def article_pieces(text: str, events: pd.DataFrame) -> list[Piece]:
    """Cut the article at every excerpt and toponym boundary of its events.

    Excerpts may overlap (a sentence continuing the place of the one before quotes both), so a
    piece lists every event covering it; events are ordered by where their excerpt starts.
    """
    if events.empty or not text:
        return [Piece(text)] if text else []
    events = events.sort_values([S.EXCERPT_START, S.TOPONYM_START], na_position="last")
    excerpts = _spans(events, S.EXCERPT_START, S.EXCERPT_END, len(text))
    places = _spans(events, S.TOPONYM_START, S.TOPONYM_END, len(text))
    cuts = sorted({0, len(text), *(x for s, e, _ in excerpts + places for x in (s, e))})
    return _cut(text, cuts, excerpts, places)


def _cut(
    text: str, cuts: list[int], excerpts: list[tuple[int, int, str]], places: list[tuple[int, int, str]]
) -> list[Piece]:
    """The pieces between consecutive cuts, each with the events whose excerpt and place cover it;
    neighbours of the same excerpts and no place run together."""
    pieces: list[Piece] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        cover = tuple(dict.fromkeys(eid for s, e, eid in excerpts if s <= a and b <= e))
        place = tuple(dict.fromkeys(eid for s, e, eid in places if s <= a and b <= e))
        if pieces and pieces[-1].excerpt_of == cover and pieces[-1].place_of == place and not place:
            pieces[-1] = Piece(pieces[-1].text + text[a:b], cover, place)
        else:
            pieces.append(Piece(text[a:b], cover, place))
    return pieces


def place_key_of(row: dict) -> str:
    """The marker key of one row (or of any {location, latitude, longitude})."""
    return str(S.place_keys(pd.DataFrame([row])).iloc[0])


def select_event(current: dict | None, event_id: str, place_key: str | None) -> dict:
    """The selection with this event and its place chosen; the date range and other keys kept."""
    return {**(current or {}), "place": place_key, "event": event_id}


def event_label(row: dict) -> str:
    kind = row.get(S.SUB_EVENT_TYPE) or row.get(S.EVENT_TYPE) or "event"
    return f"{kind} — {row.get(S.LOCATION) or row.get(S.TOPONYM)}"


def render_article(article: dict, pieces: list[Piece], labels: dict[str, str], current: str | None) -> list:
    """The reader's body: title, source line and the text with its highlights."""
    body: list[Any] = []  # text and components, in reading order
    for p in pieces:
        is_current = current is not None and (current in p.place_of or current in p.excerpt_of)
        if p.place_of:
            eid = current if current in p.place_of else p.place_of[0]
            names = "; ".join(labels.get(e, e) for e in p.place_of)
            body.append(
                html.Button(
                    p.text,
                    id={"type": ids.READER_HIGHLIGHT, "index": eid},
                    className="hl-event" + (" current" if is_current else ""),
                    title=f"select on the map: {names}",
                    n_clicks=0,
                )
            )
        elif p.excerpt_of:
            body.append(html.Mark(p.text, className="hl-excerpt" + (" current" if is_current else "")))
        else:
            body.append(p.text)
    published = article.get("published")
    when = f"{pd.Timestamp(published):%Y-%m-%d}" if published is not None and pd.notna(published) else "undated"
    return [
        html.H2(article.get("title") or "(untitled)", id=ids.READER_TITLE),
        html.P(
            f"{article.get('source') or ''} · published {when} · {len(labels)} event(s) highlighted", className="hint"
        ),
        html.Div(body, className="reader-text"),
    ]


def reader_fragment() -> html.Section:
    """The reader panel (hidden until an excerpt's "Read in context" is used) and its state."""
    return html.Section(
        id=ids.READER,
        className="reader",
        hidden=True,
        role="dialog",
        **dashed(aria_labelledby=ids.READER_TITLE),
        children=[
            dash.dcc.Store(id=ids.READER_STATE, data=None),
            html.Div(
                className="reader-bar",
                children=[
                    html.Span("Read in context", className="reader-kicker"),
                    html.Button(
                        "Close ✕",
                        id=ids.READER_CLOSE,
                        n_clicks=0,
                        className="button",
                        title="close the reader (Escape)",
                    ),
                ],
            ),
            html.Article(id=ids.READER_BODY, tabIndex="-1"),
        ],
    )


def read_button(event_id: str, article_id: str) -> dict:
    """The excerpt's "Read in context" button (as nodes.node), without an id (a callback on every button
    would be woken by each re-rendered list): assets/panels.js turns a click into ids.EXCERPT_ACTION."""
    return node(
        "Button",
        "Read in context",
        className="button small read",
        type="button",
        **{"data-action": "read", "data-event": event_id, "data-article": article_id},
    )


def event_row(view: StoreView, event_id: str | None) -> dict | None:
    """The stored row of one event, or None."""
    return view.views().event_row(event_id)


# Focus the article when the reader opens and bring the current highlight into view; on closing,
# give the focus back to the button that opened it (assets/panels.js remembers which).
FOCUS_JS = """
function(children, hidden) {
    if (hidden) {
        const ev = document.documentElement.dataset.readerOpener;
        const opener = ev === undefined ? null : document.querySelector(
            '#excerpts button[data-action="read"][data-event="' + CSS.escape(ev) + '"]');
        const active = document.activeElement;
        if (opener && (!active || active === document.body || active.closest('#reader'))) { opener.focus(); }
        return window.dash_clientside.no_update;
    }
    setTimeout(function () {
        const cur = document.querySelector('#reader .current');
        if (cur) { cur.scrollIntoView({block: 'center'}); }
        const body = document.getElementById('reader-body');
        if (body && !body.contains(document.activeElement)) { body.focus({preventScroll: true}); }
    }, 0);
    return window.dash_clientside.no_update;
}
"""


def clicked_event_selection(view: StoreView, current: dict | None) -> dict | NoUpdate:
    """The selection after a click on a pattern-matched button whose index is an event id (a reader
    highlight, an excerpt's "Other places"): that event and its place. New buttons also fire their
    callback (n_clicks None): only a real click selects."""
    trigger = dash.ctx.triggered_id
    if not isinstance(trigger, dict) or not dash.ctx.triggered[0]["value"]:
        return dash.no_update
    row = event_row(view, trigger["index"])
    if row is None:
        return dash.no_update
    return select_event(current, trigger["index"], place_key_of(row))


def register_callbacks(app: dash.Dash, view: StoreView) -> None:
    @app.callback(Output(ids.READER_STATE, "data"), Input(ids.READER_CLOSE, "n_clicks"), prevent_initial_call=True)
    def close(_close):
        return None  # opening is clientside.SELECT_JS, from an excerpt's "Read in context"

    @app.callback(
        Output(ids.READER_BODY, "children"),
        Output(ids.READER, "hidden"),
        Input(ids.READER_STATE, "data"),
        Input(ids.READER_EVENT, "data"),
        Input(ids.STORE_GENERATION, "data"),
        State(ids.SELECTION, "data"),
    )
    def show(state, _event, _generation, selection):
        if not state or not state.get("article"):
            return [], True
        article = view.store.load_article(state["article"])
        if article is None:
            return [html.P("This article is no longer in the store.", className="hint")], False
        mine = view.views().article_rows(state["article"])
        labels = {str(r[S.EVENT_ID]): event_label(r) for r in mine.to_dict("records")}
        selected = (selection or {}).get("event")
        current = selected if selected in labels else state.get("event")
        return render_article(article, article_pieces(article.get("text") or "", mine), labels, current), False

    # A place chosen in the reader selects its event and opens the correction panel on it (the panel
    # opens only from here and an excerpt's "Other places": clientside.GATES_JS).
    @app.callback(
        Output(ids.SELECTION, "data", allow_duplicate=True),
        Output(ids.CORRECT_EVENT, "data", allow_duplicate=True),
        Input({"type": ids.READER_HIGHLIGHT, "index": ALL}, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def select_highlight(_clicks, current):
        chosen = clicked_event_selection(view, current)
        return chosen, chosen["event"] if isinstance(chosen, dict) else dash.no_update

    app.clientside_callback(
        FOCUS_JS,
        Output(ids.READER_BODY, "className"),
        Input(ids.READER_BODY, "children"),
        State(ids.READER, "hidden"),
        prevent_initial_call=True,
    )
