"""The map's hover texts fit a phone (map_hover.HOVER_CHARS a line): plotly sets a label beside
its point and never wraps it, so a long line was cut at both edges of a 390 px screen."""

from __future__ import annotations

import html
import re

import pandas as pd

from dashboard.app.map_hover import HOVER_CHARS, cluster_hover, lead_bold, lines_of, place_hover, wrapped
from dashboard.app.stacks import STACK_EVENTS, STACK_PLACES


def _lines(hover: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", line)).replace("\u00a0", " ") for line in hover.split("<br>")]


def _fits(hover: str) -> bool:
    return all(len(line) <= HOVER_CHARS or " " not in line for line in _lines(hover))


def test_a_busy_place_of_many_types_reads_in_lines_a_phone_shows_whole() -> None:
    places = pd.DataFrame(
        {
            "location": ["Kafr Nabudah & al-Hamamiyat", "Tell Rifaat"],
            "country": ["Democratic Republic of the Congo", "Syria"],
            "n_events": [1234, 3],
            "fatalities": [30, 0],
            "fatalities_high": [45, 0],
            "tolled": [8, 0],
            "first": [pd.Timestamp("2021-01-02"), pd.Timestamp("2022-05-01")],
            "last": [pd.Timestamp("2023-11-30"), pd.Timestamp("2022-05-01")],
            "geo_precision": [1, 2],
            "type_mix": ["Explosions/Remote violence:5|Battles:3|Violence against civilians:2|Protests:1", None],
            "main_type": ["Explosions/Remote violence", "Battles"],
            STACK_PLACES: [22, 0],
            STACK_EVENTS: [1_260, 0],
        }
    )
    busy, quiet = place_hover(places)
    assert _fits(busy), _lines(busy)
    read = " ".join(_lines(busy))
    for said in (
        "Kafr Nabudah & al-Hamamiyat (Democratic Republic of the Congo)",
        "1234 event(s), 30–45 killed (toll known for 8 of 1,234 events)",
        "reports by type: Explosions/Remote violence 45% · Battles 27% · Violence against civilians 18% · Protests 9%",
        "2021-01-02 – 2023-11-30",
        "+ 22 more places at this point (1,260 events): select to list",
    ):
        assert said in read, (said, read)
    assert not [line for line in _lines(busy) if line.startswith("·")], "a type's share ends its line, not a dot"
    assert busy.startswith("<b>Kafr Nabudah &amp; al-Hamamiyat</b>"), "the name in bold, escaped"
    assert "<i>+ 22 more places" in busy and busy.count("<i>") == busy.count("</i>") > 1, "each line's style closed"
    assert _fits(quiet) and quiet.startswith("<b>Tell Rifaat</b> (Syria)<br>3 event(s), toll unknown<br>")


def test_a_cluster_reads_in_lines_a_phone_shows_whole() -> None:
    clusters = pd.DataFrame(
        {"n_events": [12_345], "n_places": [40], "fatalities": [300], "tolled": [200], "top": [[("Deir ez-Zor", 9000)]]}
    )
    (hover,) = cluster_hover(clusters)
    assert _fits(hover), _lines(hover)
    assert hover.startswith("<b>12,345 events</b> in 40 places,")
    assert "in 40 places, 300 killed (toll known for 200 of 12,345 events)" in " ".join(_lines(hover))


def test_lines_break_at_spaces_and_count_an_entity_as_one_character() -> None:
    # "a & b a &" is 9 characters on screen (17 as written): the tenth and eleventh go on.
    assert lines_of("a &amp; b a &amp; b a &amp; b", 10) == ["a &amp; b a &amp;", "b a &amp; b"]
    assert lines_of("Explosions/Remote-violence-of-many-words here", 10) == [
        "Explosions/Remote-violence-of-many-words",
        "here",
    ], "a longer word keeps a line of its own"
    assert wrapped("one two three", "i") == "<i>one two three</i>"
    assert lead_bold("Idlib", "") == "<b>Idlib</b>"
