"""Read in context: cutting an article at its events' excerpts and place names."""

from __future__ import annotations

import pandas as pd

from dashboard import schema as S
from dashboard.app.reader import Piece, article_pieces, render_article, select_event

TEXT = "Shelling hit Idlib on Monday. Two died there. Talks in Moscow went on."


def events(*rows: tuple[str, int, int, int, int]) -> pd.DataFrame:
    return S.coerce_events(
        pd.DataFrame(
            [
                {
                    S.EVENT_ID: eid,
                    S.EXCERPT_START: es,
                    S.EXCERPT_END: ee,
                    S.TOPONYM_START: ts,
                    S.TOPONYM_END: te,
                    S.LOCATION: TEXT[ts:te],
                    S.EVENT_TYPE: "Battles",
                }
                for eid, es, ee, ts, te in rows
            ]
        )
    )


def test_pieces_cover_the_text_and_mark_excerpts_and_places() -> None:
    idlib = TEXT.index("Idlib")
    moscow = TEXT.index("Moscow")
    talks = TEXT.index("Talks")
    df = events(("a", 0, 29, idlib, idlib + 5), ("b", talks, len(TEXT), moscow, moscow + 6))
    pieces = article_pieces(TEXT, df)
    assert "".join(p.text for p in pieces) == TEXT
    assert [p.text for p in pieces if p.place_of] == ["Idlib", "Moscow"]
    assert next(p for p in pieces if p.text == "Idlib").place_of == ("a",)
    assert Piece("Shelling hit ", ("a",)) in pieces
    assert Piece(" Two died there. ") in pieces, "text outside every excerpt is plain"


def test_overlapping_excerpts_list_every_event_covering_a_piece() -> None:
    # "Two died there." continues the place of the sentence before: its excerpt quotes both.
    idlib = TEXT.index("Idlib")
    two_end = TEXT.index("there.") + 6
    df = events(("a", 0, 29, idlib, idlib + 5), ("b", 0, two_end, idlib, idlib + 5))
    pieces = article_pieces(TEXT, df)
    assert next(p for p in pieces if p.text == "Idlib").place_of == ("a", "b")
    assert next(p for p in pieces if p.text.startswith(" Two")).excerpt_of == ("b",)
    assert "".join(p.text for p in pieces) == TEXT


def test_offsets_outside_the_text_are_ignored() -> None:
    pieces = article_pieces(TEXT, events(("a", 0, 500, 490, 495)))
    assert pieces == [Piece(TEXT)]


def test_markup_in_the_article_stays_text() -> None:
    text = "<script>alert(1)</script> in Idlib"
    df = events(("a", 0, len(text), text.index("Idlib"), len(text)))
    body = render_article({"title": "<b>t</b>", "published": None}, article_pieces(text, df), {"a": "x"}, "a")
    html_text = body[2].children
    assert html_text[0].children == "<script>alert(1)</script> in "
    assert html_text[1].children == "Idlib" and "current" in html_text[1].className
    assert body[0].children == "<b>t</b>"


def test_selecting_an_event_keeps_the_date_range() -> None:
    cur = {"start": "2020-01-01", "end": "2020-02-01", "place": None, "extra": 1}
    assert select_event(cur, "e1", "Idlib|1|2") == {
        "start": "2020-01-01",
        "end": "2020-02-01",
        "place": "Idlib|1|2",
        "event": "e1",
        "extra": 1,
    }


def test_store_loads_one_article_by_id(tmp_path, make_events) -> None:
    from datetime import date

    from dashboard.ingest.article import Article
    from dashboard.store import EventsStore

    store = EventsStore(tmp_path / "store")
    assert store.load_article("nope") is None, "an empty store has no article"
    a = Article(
        text="Turkish troops clashed in Idlib.", title="<i>Clashes</i>", published=date(2020, 3, 4), source="a.txt"
    )
    b = Article(text="Russian jets struck Saraqib.", title="Strike", published=date(2020, 3, 5), source="b.txt")
    store.append(make_events(dict(event_id="e", article_id=a.article_id)), [a, b])
    got = store.load_article(b.article_id)
    assert (got["title"], got["text"]) == ("Strike", b.text)
    assert store.load_article(a.article_id)["title"] == "<i>Clashes</i>"
    assert store.load_article("nope") is None


def test_place_key_of_one_row_matches_the_tables() -> None:
    from dashboard.app.reader import place_key_of

    df = events(("a", 0, 29, 13, 18)).assign(**{S.LATITUDE: 35.930621, S.LONGITUDE: 36.63393})
    assert place_key_of(df.iloc[0].to_dict()) == S.place_keys(df).iloc[0] == "Idlib|35.9306|36.6339"
