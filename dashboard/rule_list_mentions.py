"""The mention rules added since the event rules' list filled its module (`mention.*`), one entry
each, in the registry's format (`dashboard.rule_list`): what a sentence tells that is no event of
its own day — a kind of act, talks and deals of another time."""

from __future__ import annotations

from dashboard.rule_list import RuleInfo

MENTION_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "mention.kind_of_act",
        "mention",
        "a trigger noun naming a kind of act ('has carried out similar bombings', 'such attacks') is no event",
    ),
    RuleInfo(
        "mention.other_time",
        "mention",
        "talks, deals, protests and moves the sentence dates over a month before the article are background",
    ),
)
