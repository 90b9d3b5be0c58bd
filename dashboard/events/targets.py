"""Which of a sentence's targets ACLED codes as actor2 when it names several: the side whose post was
hit before dead named only as "people" (`actors.target_over_people`), and civilians named as hit
before a side named only as the holder of the place (`actors.victims_over_holder`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dashboard.events.actor_roles import holds_the_noun
from dashboard.nlp import doc_text
from dashboard.rules import Switches
from dashboard.wordlists import word_set

if TYPE_CHECKING:
    from dashboard.events.actors import Actor, Mention

WORDS = Path(__file__).with_name("words.toml")  # the word lists, each with why it exists
GENERIC_DEAD = frozenset({"people", "persons", "person"})
POSTS = word_set(WORDS, "actors.post_nouns")


def order_targets(doc: Any, named: list[tuple[Mention, str]], targets: list[Actor], switches: Switches) -> list[Actor]:
    """The targets in the order actor2 is taken from them. `named`: each actor mention of the
    sentence with the canonical name it stands for."""
    if switches.on("actors.target_over_people"):
        # "killed two people near the police headquarters": "people" says someone died, not who; the
        # side whose post was hit is the target ACLED codes when the dead are not identified.
        posts = _hit_posts_of_unnamed_dead(doc, named)
        targets = sorted(targets, key=lambda t: t.name not in posts)
    if switches.on("actors.victims_over_holder"):
        targets = _victims_first(doc, named, targets)
    return targets


def _victims_first(doc: Any, named: list[tuple[Mention, str]], targets: list[Actor]) -> list[Actor]:
    """The targets with the civilians the sentence names before a side it names only as the holder of
    a place ("air strikes on rebel-held Douma killed 12 civilians": the dead are who was hit, as ACLED
    codes it; "rebel-held" says whose town it is). Without civilians named, the holder stays."""
    holders = {name for m, name in named if holds_the_noun(doc, m.end)}
    if not holders or not any(t.inter == 7 for t in targets):
        return targets
    return sorted(targets, key=lambda t: t.name in holders and t.inter != 7)


def _hit_posts_of_unnamed_dead(doc: Any, named: list[tuple[Mention, str]]) -> set[str]:
    """The actors the sentence names as owners of a post, a base or a headquarters ("the police
    headquarters", "an army checkpoint"), when some side is named only by a word for anyone
    ("people", "persons"); else none."""
    text = doc_text(doc)
    generic: dict[str, set[bool]] = {}
    posts = set()
    for m, name in named:
        said = text[m.start : m.end].lower()
        generic.setdefault(name, set()).add(said in GENERIC_DEAD)
        words = said.split() + text[m.end : m.end + 20].lower().split()[:1]
        if any(w.strip(".,;") in POSTS for w in words[1:]):
            posts.add(name)
    return posts if any(g == {True} for g in generic.values()) else set()
