"""The sentence list as the JSON Dash receives: flat (few components per sentence, since dash-renderer's
cost is per component), text kept as text, the trigger marked where the pipeline found it, pages of 25."""

from __future__ import annotations

import query_oracle as O

from dashboard.app.excerpts import EXCERPT_LIMIT, excerpts_list, list_offset, list_page, page_token
from dashboard.app.filters import Filters
from dashboard.app.query import Selection


def components(value: object) -> list[dict]:
    """Every component (a dict with a type) in value, depth first; strings are not components."""
    if isinstance(value, list):
        return [c for v in value for c in components(v)]
    if isinstance(value, dict) and "type" in value:
        return [value, *components(value["props"].get("children"))]
    return []


def texts(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(texts(v) for v in value)
    return texts(value["props"].get("children")) if isinstance(value, dict) else ""


def sentence_row(i: int, **extra) -> dict:
    text = f"Gunmen <b>raided</b> a checkpoint near Kafr Zita, report {i}."
    return dict(
        event_id=f"e{i:03d}",
        article_id=f"a{i}",
        event_date=f"2021-05-{1 + i % 28:02d}",
        location="Kafr Zita",
        latitude=35.37,
        longitude=36.6,
        excerpt=text,
        excerpt_start=1000,
        excerpt_end=1000 + len(text),
        toponym="Kafr Zita",
        toponym_start=1000 + text.index("Kafr"),
        toponym_end=1000 + text.index(", report"),
        trigger="raided",
        trigger_start=1000 + text.index("raided"),
        trigger_end=1000 + text.index("</b>"),
        **extra,
    )


def articles(items: list) -> list[dict]:
    return [c for c in items if c.get("props", {}).get("className", "").startswith("excerpt")]


def test_a_listed_sentence_is_flat_escaped_and_marked(make_events) -> None:
    df = O.with_place_key(make_events(sentence_row(1, fatalities=3, title="<i>Report</i>", url="javascript:alert(1)")))
    items = excerpts_list(df, 1, Selection(event="e001"))
    (item,) = articles(items)
    # A bound, not a snapshot: at 25 sentences a page is ~300 components (it was ~17 per sentence).
    assert len(components(item)) <= 12, [c["type"] for c in components(item)]
    assert item["props"]["className"] == "excerpt selected"
    marks = {c["props"]["className"]: c["props"]["children"] for c in components(item) if c["type"] == "Mark"}
    assert marks == {"hl-trigger": "raided", "hl-place": "Kafr Zita"}
    # The markup in the sentence and the title is text Dash renders as text (no component parses it).
    sentence = next(c for c in components(item) if c["type"] == "Blockquote")
    assert texts(sentence) == "Gunmen <b>raided</b> a checkpoint near Kafr Zita, report 1."
    assert not [c for c in components(item) if c["type"] == "A"], "a javascript: URL was made a link"
    assert "<i>Report</i>" in texts(item)
    meta = next(c for c in components(item) if c["props"].get("className") == "meta")
    assert texts(meta) == "Armed clash2021-05-02 · 3 killed · Kafr Zita (town/village)", texts(meta)
    buttons = {c["props"]["data-action"]: c["props"] for c in components(item) if c["type"] == "Button"}
    assert set(buttons) == {"pick", "read", "correct"}
    assert buttons["pick"]["aria-pressed"] == "true" and buttons["read"]["data-article"] == "a1"
    assert all(b["data-event"] == "e001" for b in buttons.values())


def test_the_list_pages_by_25_past_50(make_events) -> None:
    assert EXCERPT_LIMIT == 25
    df = O.with_place_key(make_events(*(sentence_row(i) for i in range(60))))
    sel, token = Selection(), page_token(Selection(), Filters())
    third = excerpts_list(df.iloc[50:], 60, sel, offset=50, token=token)
    assert len(articles(third)) == 10
    assert "60 event(s), newest first; sentences 51–60" in texts(third)
    pagers = [c for c in third if c["type"] == "Nav"]
    assert [texts(b) for b in pagers[0]["props"]["children"]] == ["← newer 25"]
    assert pagers[0]["props"]["children"][0]["props"]["data-page"] == "1"
    first = excerpts_list(df, 60, sel, token=token)
    assert len(articles(first)) == 25
    assert [
        texts(b) for b in components(first) if b["type"] == "Button" and "pager-button" in b["props"]["className"]
    ] == ["older 25 →", "older 25 →"]


def test_selecting_an_event_keeps_the_page_and_a_new_list_starts_at_its_newest() -> None:
    f, sel = Filters(), Selection(place="Aleppo|36.2012|37.1612")
    token = page_token(sel, f)
    assert page_token(Selection(sel.start, sel.end, sel.place, "e7"), f) == token, "the event is no new list"
    assert page_token(Selection(place="Homs|34.73|36.71"), f) != token
    assert page_token(sel, Filters(event_types=("Battles",))) != token
    chosen = {"page": 1, "token": token}
    assert list_offset(chosen, token, 60) == 25
    assert list_offset(chosen, "another list", 60) == 0
    assert list_offset({"page": 3, "token": token}, token, 60) == 0, "past the end"
    assert list_offset({"page": "x", "token": token}, token, 60) == 0


def test_a_list_whose_page_was_not_chosen_opens_on_the_selected_events_page() -> None:
    f = Filters()
    sel = Selection(place="Aleppo|36.2012|37.1612", event="e40")
    token = page_token(sel, f)
    assert list_offset(None, token, 60, position=40) == 25
    assert list_offset(None, token, 60, position=24) == 0
    assert list_offset(None, token, 60, position=50) == 50
    assert list_offset(None, token, 60, position=None) == 0, "the event is not listed"
    assert list_offset({"page": 0, "token": token}, token, 60, position=40) == 0, "the user's page wins"
    asked: list[int] = []

    def position() -> int:
        asked.append(1)
        return 40

    assert list_page(sel, f, None, 60, position) == (token, 25)
    assert list_page(sel, f, {"page": 2, "token": token}, 60, position) == (token, 50)
    assert len(asked) == 1, "the position is asked only for a list whose page was not chosen"
    assert list_page(Selection(place=sel.place), f, None, 60, position) == (token, 0)
    assert len(asked) == 1, "nor without an event"


def test_the_searched_text_is_marked_where_each_sentence_holds_it(make_events) -> None:
    df = O.with_place_key(make_events(sentence_row(1), sentence_row(2)))
    items = excerpts_list(df, 2, Selection(), search="  CHECKPOINT ")
    for item in articles(items):
        marks = [(c["props"]["className"], c["props"]["children"]) for c in components(item) if c["type"] == "Mark"]
        assert ("hl-search", "checkpoint") in marks, marks
        assert ("hl-place", "Kafr Zita") in marks and ("hl-trigger", "raided") in marks
        sentence = next(c for c in components(item) if c["type"] == "Blockquote")
        assert texts(sentence).startswith("Gunmen <b>raided</b> a checkpoint"), "the text is unchanged"
    # Markup searched for is text, found as text; a search overlapping the place leaves the place's mark.
    (item,) = articles(excerpts_list(O.with_place_key(make_events(sentence_row(3))), 1, Selection(), search="<b>"))
    assert [c["props"]["children"] for c in components(item) if c["props"].get("className") == "hl-search"] == ["<b>"]
    (item,) = articles(
        excerpts_list(O.with_place_key(make_events(sentence_row(4))), 1, Selection(), search="near kafr")
    )
    marks = {c["props"]["className"]: c["props"]["children"] for c in components(item) if c["type"] == "Mark"}
    assert marks["hl-search"] == "near Kafr" and "hl-place" not in marks
    assert not [
        c
        for c in components(articles(excerpts_list(df, 2, Selection())))
        if c["type"] == "Mark" and "search" in c["props"]["className"]
    ]
