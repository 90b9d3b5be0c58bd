"""The death toll of a sentence's event: the counts of its trigger's clause (`tolls.own_clause`), not
a fight's days (`tolls.campaign_total`), or the victims its verb names (`tolls.named_victim`)."""

from __future__ import annotations

from typing import Any

from dashboard.events.named_victims import named_victims
from dashboard.events.numbers import Count, fatalities, is_campaign_total
from dashboard.events.rows import ArticleContext, Sentence


def event_toll(ctx: ArticleContext, s: Sentence, verb: Any) -> Count | None:
    """The sentence's death toll for its event (`fatalities`, in the trigger's clause), or the
    victims its verb names (`tolls.named_victim`)."""
    own_clause = toll_clause(s, verb) if ctx.switches.on("tolls.own_clause") and s.at >= 0 else None
    killed = fatalities(s.own, own_clause)
    if killed is not None and ctx.switches.on("tolls.campaign_total") and is_campaign_total(s.own):
        killed = None  # the days of a fight for a place, not one event's
    if killed is None and ctx.switches.on("tolls.named_victim"):
        killed = named_victims(verb, s.s0)  # "gunmen shot dead Ali Hassan": one death, named
    return killed


def toll_clause(s: Sentence, verb: Any) -> tuple[int, int]:
    """`tolls.own_clause`: the trigger's clause (its verb's subtree), as offsets in the sentence's own
    text: a count of dead outside it tells of another event of the sentence."""
    a = verb.left_edge.idx - s.s0
    b = verb.right_edge.idx + len(verb.right_edge.text) - s.s0
    return max(a, 0), max(b, 0)
