"""Page furniture: what a web page wraps around a story — tag lists, "Related news" blocks, link
menus, photo captions, runs of headlines, a wire dateline that starts the story mid-line — which names
violence without reporting it (`mention.boilerplate`, `mention.before_dateline`). Used by
`dashboard.events.mentions` and `dashboard.events.extract`."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.regex_needs import finditer, search
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists
STORY_WORDS = word_set(WORDS, "mentions.story_words")

_BOILERPLATE_START = re.compile(
    r"^\W*(?:\d+\s+)?(?:related(?: news| articles| stories)?|tags?|get short url|read more|see also|also read|"
    r"more on this|follow us|share this|click here|subscribe|copyright|all rights reserved|comments?)\b",
    re.I,
)
# Page furniture inside a sentence: a "Related News" block or a menu of links the page separates with
# bars ("Video | Episode | Showcase"): no story sentence holds either. Case-sensitive: the words
# "related news" can be written in a story, capitalised as a heading they are the page's.
_FURNITURE_INSIDE = re.compile(r"\bRelated (?:News|Articles|Stories|Posts)\b|(?:\s\|\s.*){2}")
# A run of headlines: most words capitalised, with no sentence verb in lower case between them.
_CAPS_WORD = re.compile(r"\b[A-Z][\w'’-]*")
_WORD = re.compile(r"\b[\w'’-]+")
HEADLINE_RUN_WORDS = 14
HEADLINE_RUN_CAPS = 0.6
STORY_LEAD_CHARS = 300  # a title in capitals at the very top is the headline, not a list of links
# A photo agency's credit in brackets: "(Reuters)", "(AP Photo)", "(Reuters Photo)", "(AA photo)".
_CREDIT = r"\((?:reuters|afp|ap|getty images|epa|anadolu|aa)(?: photo)?\)"
# A caption's credit that the sentence splitter gave to the next sentence.
CREDIT_NEXT = re.compile(r"[ \t]*" + _CREDIT, re.I)


# A photo caption: it ends with the agency's credit ("… on Sunday. (Reuters)") or carries the
# photographer's ("REUTERS/Jane Doe", "AFP Photo/…"). It describes a picture, not the story's event.
_CAPTION = re.compile(
    _CREDIT + r"\s*$"
    r"|\b(?:REUTERS|AFP|AP Photo|AFP Photo)\s*/",
    re.I,
)


# A wire dateline inside a sentence ("… in Hama Province WASHINGTON (Sputnik) The coalition…"): the
# story starts there, and what comes before it on the same line of text is a headline or a related
# link's title the page glued to it, not the story.
_WIRE_DATELINE = re.compile(
    r"\b[A-Z][A-Z'’.-]{2,}(?:\s[A-Z][A-Z'’.-]{2,}){0,2}\s*\((?:AFP|Reuters|AP|Sputnik|Anadolu|SANA|Xinhua|TASS|UPI|dpa|"
    r"RIA Novosti|IRNA|ANI|PTI|AA)\)"
)


def before_wire_dateline(sentence: str, start: int, trigger_at: int) -> bool:
    """Whether the trigger stands before a wire dateline of its own sentence."""
    return trigger_at >= start and any(m.start() > trigger_at - start for m in finditer(_WIRE_DATELINE, sentence))


# The furniture at a sentence's start runs on through a list of tags or headlines (capitalised words
# and numbers) to the first word in lower case: the story the splitter glued to it starts there.
_FURNITURE_RUN = re.compile(r"(?:[\s\W]*(?:[A-Z0-9][\w'’.-]*|\d+))*")


def _furniture_start(sentence: str, trigger_at: int) -> bool:
    """Whether the sentence opens with page furniture ("Tags …", "Get short URL …", "Related …") that
    holds its event: the trigger stands in the run of tags or titles, not in the story sentence the
    page glued after it ("Get short URL 5401 According to media reports gunmen killed …")."""
    m = _BOILERPLATE_START.search(sentence)
    if m is None:
        return False
    if trigger_at < 0 or not any(w.lower() in STORY_WORDS for w in _WORD.findall(sentence, m.end())):
        return True  # no story word after "Tags": all of it is the list, lower-case tags too
    run = _FURNITURE_RUN.match(sentence, m.end())
    run_end = run.end() if run is not None else m.end()
    # The story starts at the run's last capitalised word when lower case follows it ("Daesh The
    # Islamic State launched": "The" opens it); a trigger after the run is the story's.
    return trigger_at < run_end


def is_boilerplate(sentence: str, start: int, trigger_at: int = -1) -> bool:
    """Whether the sentence is page furniture: a tag list, a link block, a caption, a run of headlines.
    `trigger_at` (an offset in the sentence, -1 for none) keeps a story sentence glued after a tag
    list or a short-URL line."""
    if (
        _furniture_start(sentence, trigger_at)
        or search(_CAPTION, sentence.strip())
        or search(_FURNITURE_INSIDE, sentence)
    ):
        return True
    words = _WORD.findall(sentence)
    if start < STORY_LEAD_CHARS or len(words) < HEADLINE_RUN_WORDS:
        return False
    caps = len(_CAPS_WORD.findall(sentence))
    return caps / len(words) >= HEADLINE_RUN_CAPS
