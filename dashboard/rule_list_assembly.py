"""The assembly's rules (one event, one row: `dashboard/events/assemble.py`), one entry each, in the
registry's format (`dashboard.rule_list`): kept apart so that neither list outgrows a module."""

from __future__ import annotations

from dashboard.rule_list import RuleInfo

ASSEMBLY_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "assemble.village_over_town",
        "assemble",
        "of one event's reports, a village the gazetteer lacks that the text makes a part of a town another report "
        "names ('the village of X, part of Y') is finer than that town: the event takes the village",
    ),
    RuleInfo(
        "assemble.site_over_town",
        "assemble",
        "of one event's reports, a site the gazetteer lacks, placed at a town another report names, is finer than "
        "that town when the text calls it a village and its own report counts the event's dead ('Jets hit Y, "
        "killing 12.' and 'the raid on the village of X near Y killed 12')",
    ),
    RuleInfo(
        "assemble.one_day",
        "assemble",
        "no chain of joins puts two days the text gives into one event: an undated row that joins Monday's strike "
        "by one rule and Tuesday's by another does not make them one",
    ),
    RuleInfo(
        "assemble.foreign_forces_apart",
        "assemble",
        "two external forces of different alliances (Russia's and the US-led coalition's) are two authors: their "
        "strikes on one place and day are two events; the coalition and a member state's jets can be one",
    ),
    RuleInfo(
        "assemble.same_place_day",
        "assemble",
        "rows of one article with the same kind of event, place and day are one event (headline, lead and body)",
    ),
    RuleInfo(
        "assemble.undated_repeat",
        "assemble",
        "a row the text does not date (headline, lead) joins the dated event of the same kind and place of its article",
    ),
    RuleInfo(
        "assemble.continued_sentence",
        "assemble",
        "an undated row that takes its place from the sentence before it (a toll after the act: 'On Tuesday rebels "
        "stormed a base near X. The fighting left 30 dead.') joins that sentence's event before any other of its "
        "kind and place (`assemble.undated_repeat`)",
    ),
    RuleInfo(
        "assemble.coarse_into_fine",
        "assemble",
        "a province- or country-level row joins a finer event of the same kind, day and province/country "
        "of its article (the most specific place the text gives)",
    ),
    RuleInfo(
        "assemble.summary_of_parts",
        "assemble",
        "an event row at an area (region, province, country) whose kind, day and sides the article's rows "
        "then tell at two or more finer places inside it is their sum, a mention: a total that spans several "
        "events is given to none of them, and the area is no event of its own",
    ),
    RuleInfo(
        "assemble.toll_of_parts",
        "assemble",
        "a death count the article then splits into parts is no one event's toll: the event takes its own part "
        "when its later count and the counts of the other events the total's sentence names add up to the total "
        "exactly ('nine killed in A and B' ... 'five in A' ... 'four in B'), or its own sentence's parts do; an "
        "event told beside others in the total's sentence takes what their own counts leave",
    ),
    RuleInfo(
        "assemble.headline_province",
        "assemble",
        'a headline placed at a town named like its province ("in Idlib") reads as the province for '
        "`assemble.coarse_into_fine`: it joins the one town of that province the story reports that day",
    ),
    RuleInfo(
        "assemble.distinct_weapons",
        "assemble",
        "rows whose trigger words name different means of attack (jets, shells, a car bomb: the lexicon's "
        "`[weapons]`) are different attacks and never one event, even at one place on one day",
    ),
    RuleInfo(
        "assemble.specific_type",
        "assemble",
        "an event told several times takes the most specific type any of its reports gives, in the "
        "lexicon's order (a chemical attack stays one when a later sentence only says 'died')",
    ),
    RuleInfo(
        "assemble.lead_toll",
        "assemble",
        "an event reported with several death counts takes the first count its reports give (news leads "
        "with the toll; later sentences give parts of it: 'among them five children'); off: the lowest",
    ),
    RuleInfo(
        "assemble.lowest_report",
        "assemble",
        "conflicting reports of one event's deaths (a lower firm count from another kind of teller: the "
        "monitor's 'at least five' against state television's 'four') give the lowest, as ACLED codes; "
        "parts, superseded tolls and bounds are not reports (the tellers are `[tellers]` in words.toml)",
    ),
    RuleInfo(
        "assemble.vague_toll",
        "assemble",
        "an event whose reports give deaths only in words for many ('dozens', 'hundreds') has no number in "
        "`fatalities`, as ACLED codes it; the words stay in `fatalities_text`",
    ),
)
