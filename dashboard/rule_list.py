"""The rules of the extraction, one entry each: an id, a family and a one-line description.

`dashboard.rules` builds the switches (`--disable RULE,...`, `conflictmap rules`) from this list of the
event rules, the later actor rules (`dashboard.rule_list_actors`), the types and tolls
(`dashboard.rule_list_types`), the assembly's
(`dashboard.rule_list_assembly`) and the geoparser's (`dashboard.rule_list_geo`); the code that
applies a rule asks `switches.on(id)`. Kept apart so the lists can grow without the switches' module.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    id: str
    family: str
    description: str


EVENT_RULES: tuple[RuleInfo, ...] = (
    # -- mentions: sentences that name violence without reporting one event that happened --------
    RuleInfo(
        "mention.running_total",
        "mention",
        "a toll or campaign summed over weeks, months or the whole war ('since 2011', 'over the past "
        "few days', 'so far this year') is a mention, not an event",
    ),
    RuleInfo(
        "mention.named_agreement",
        "mention",
        "an agreement the sentence only refers to ('under a deal between X and Y', 'the truce appeared to hold', 'not "
        "party to the agreement') is a mention; one it says was signed, reached, brokered or declared is the event",
    ),
    RuleInfo(
        "mention.campaign",
        "mention",
        "a campaign or a pattern of attacks ('has been waging', 'stepped up its raids', 'a spate of', "
        "'repeated attacks', 'has since captured most of the province') is a mention, not one event",
    ),
    RuleInfo(
        "mention.talks_series",
        "mention",
        "talks told as a run of rounds or a series ('several rounds of talks have failed', 'a series of meetings') "
        "are the story's background, a mention, not one meeting; read only where the phrase holds the trigger",
    ),
    RuleInfo(
        "mention.hypothetical",
        "mention",
        "violence that is conditional, called for, threatened or debated ('would', 'could', 'calls for "
        "strikes', 'approval for military strikes'), or what an action aims at ('an offensive with the aim "
        "of retaking the town'), is a mention",
    ),
    RuleInfo(
        "mention.factual_clause",
        "mention",
        "an event in a 'since' or 'after' clause that every hypothetical cue precedes is a past fact, not a "
        "hypothesis ('it would be the deadliest attack since jets killed 40 in X')",
    ),
    RuleInfo(
        "mention.negated",
        "mention",
        "violence the sentence denies or negates ('no strikes hit', 'did not attack', 'denied shelling') is a mention",
    ),
    RuleInfo(
        "mention.footage",
        "mention",
        "fighting a video, footage or photos show ('a video released on Friday shows heavy fighting in X') is a "
        "report about media, dated by the video: a mention",
    ),
    RuleInfo(
        "mention.future",
        "mention",
        "violence told in the future ('the battle will continue', 'troops will storm the town') is a prediction or "
        "a vow, a mention",
    ),
    RuleInfo(
        "mention.scheduled",
        "mention",
        "an act told as scheduled ('a summit is set to open', 'talks are due to begin', 'the upcoming meeting', "
        "'a meeting to be held on Monday') is still to come, a mention",
    ),
    RuleInfo(
        "mention.asked_for",
        "mention",
        "an act told as the infinitive of a verb of asking, wanting or refusing ('urged the army to allow "
        "inspectors to visit', 'called on both sides to hold talks', 'refused to attend') is not done, a mention",
    ),
    RuleInfo(
        "mention.every_type",
        "mention",
        "the rules of what is not told as done (hypothetical, negated, future, scheduled, asked for) hold for "
        "talks, deals, protests and troop moves as for violence ('the ministers will meet on Sunday')",
    ),
    RuleInfo(
        "mention.boilerplate",
        "mention",
        "page furniture ('Related', 'Tags', 'Get short URL', a run of linked headlines after the story, "
        "a photo caption with its agency credit) is a mention",
    ),
    RuleInfo(
        "mention.before_dateline",
        "mention",
        "violence told before a wire dateline in the same run of text ('… Kill 40 in Hama Province "
        "WASHINGTON (Sputnik) The coalition…') is a headline or a related link glued to the story, a mention",
    ),
    RuleInfo(
        "mention.vague_date",
        "mention",
        "an event of any type dated only to a year (a battle, a protest or a deal 'in 2014') is background, "
        "not an event one can map to a day",
    ),
    RuleInfo(
        "mention.untyped",
        "mention",
        "a sentence that names a place but no event (no trigger word) is a mention of the place",
    ),
    RuleInfo("mention.statement", "mention", "a statement or speech is itself not an event (its words may report one)"),
    # -- actors ------------------------------------------------------------------------------------------
    RuleInfo(
        "actors.other_sense",
        "actors",
        "'the Coalition' of an article that names the Syrian National Coalition and no military coalition is that "
        "political body, not the US-led coalition (one sense per discourse)",
    ),
    RuleInfo(
        "actors.among_the_dead",
        "actors",
        "the subject of 'be among' ('two soldiers were among those killed') is a victim, not the author",
    ),
    RuleInfo(
        "actors.between_sides",
        "actors",
        "the last side of 'between A and B' is the other side also when the parse hangs it on a phrase "
        "inside A ('clashes between troops backed by tanks and Kurdish fighters': the fighters)",
    ),
    RuleInfo(
        "actors.victims_over_holder",
        "actors",
        "civilians the sentence names as hit are the target before a side named only as the holder of the "
        "place ('strikes on rebel-held Douma killed 12 civilians': the civilians, not the rebels)",
    ),
    RuleInfo(
        "actors.dictionary",
        "actors",
        "actor1/actor2 are canonical names from the actor dictionary with ACLED interaction codes, by "
        "their role in the sentence (agent, target)",
    ),
    RuleInfo(
        "actors.victims",
        "actors",
        "people killed or hurt without a named side ('12 people were killed') are the target "
        "'Civilians (country)', code 7",
    ),
    RuleInfo(
        "actors.air_power",
        "actors",
        "an air strike with no named author is by the air force the article names for its other air "
        "strikes, else by the state forces of the country hit (armed groups here fly no combat aircraft)",
    ),
    RuleInfo(
        "actors.no_ground_flyers",
        "actors",
        "an air strike is never by a rebel group or a militia, which fly no combat aircraft (drones excepted): a "
        "group read as its author is its target when none is named ('jets pounded IS-held villages'), and the "
        "author is the air force actors.air_power gives",
    ),
    RuleInfo(
        "actors.same_means",
        "actors",
        "an attack by a means few parties use (chemical weapons, a suicide bomber: the lexicon's "
        "`[distinctive_means]`) with no named author is by the one author the article names for that means",
    ),
    RuleInfo(
        "actors.named_parties",
        "actors",
        "a party to talks or a statement the actor dictionary lists takes its canonical name ('ISIL' -> 'Islamic "
        "State (ISIS)'); a monitor or an outlet, or a place the model tagged an organisation, is no party",
    ),
    RuleInfo(
        "actors.claimant",
        "actors",
        "a bomb or suicide attack with no named author is by the one armed group the article says claimed it "
        "('claimed responsibility', 'said one of its fighters blew himself up'), unless a report names one "
        "author for that means; applied with actors.same_means",
    ),
    RuleInfo(
        "actors.unidentified",
        "actors",
        "violence with no named author is by an 'Unidentified Armed Group (country)', code 3",
    ),
    RuleInfo(
        "actors.compound_head",
        "actors",
        "a name inside a noun compound takes its role from the compound's last noun: in 'the ISIS group "
        "stronghold' ISIS holds the stronghold (a target), though 'group' alone would make it the author",
    ),
    RuleInfo(
        "actors.of_phrase",
        "actors",
        "a noun that only completes another through 'of' takes that noun's role: in 'killed eleven members of the X "
        "group' the group is named by its members, who were hit",
    ),
    RuleInfo(
        "actors.acting_capital",
        "actors",
        "a foreign capital that acts ('Moscow launched strikes', 'Ankara shelled') names its state's forces as "
        "the author, like a bare country name (`capitals` in actors.toml); never as a target or a place",
    ),
    RuleInfo(
        "actors.object_control",
        "actors",
        "the object of a verb whose infinitive it carries out ('prompted X to strike', 'ordered X to shell') "
        "acts: it is the understood subject of that verb, so the author",
    ),
    RuleInfo(
        "actors.origin_word",
        "actors",
        "a country's word before fighters no state commands ('Syrian rebels', 'US-backed Syrian fighters') "
        "says where they come from: it does not make the state's forces an actor",
    ),
    RuleInfo(
        "actors.target_over_people",
        "actors",
        "dead named only as 'people' or 'persons' do not say who was hit: the side whose post, base, "
        "checkpoint or headquarters the attack hit ('near the police headquarters') is actor2 before them",
    ),
    RuleInfo(
        "actors.affiliation",
        "actors",
        "a generic word for armed men tied to a named group ('gunmen affiliated with X', 'militants "
        "belonging to X', 'fighters loyal to X') is that group",
    ),
    RuleInfo(
        "actors.described_name",
        "actors",
        "a generic word for armed men and a noun such as 'group' or 'faction' before a named group ('the "
        "rebel group X', 'the terrorist organization X') name that group, not the generic side",
    ),
    RuleInfo(
        "actors.source_phrase",
        "actors",
        "a name inside the phrase of a source that speaks ('a source at the police command said', "
        "'according to an official in the army') tells of the event and is none of its sides",
    ),
    RuleInfo(
        "actors.named_units",
        "actors",
        "an armed group the dictionary lacks, named the way Arabic names a fighting unit ('Liwa X', "
        "'Jaish X', 'Faylaq X'), is an actor by the name the text gives, a rebel group (code 2)",
    ),
    RuleInfo(
        "actors.named_over_generic",
        "actors",
        "an event told several times takes, for each side, the named group one report gives over a "
        "generic word of another ('terrorists' in the headline, the group's name in the body)",
    ),
    # -- location: where an event happened ------------------------------------------------------
    RuleInfo(
        "location.other_event_place",
        "location",
        "a place that only modifies another attack noun ('the X strike prompted missile strikes on an air base') "
        "gives the sentence's event its country, not the place of that other attack",
    ),
    RuleInfo(
        "location.dated_continuation",
        "location",
        "violence told right after a located act of violence, in its paragraph, naming no place of its own but a "
        "day, tells when that act happened: it takes that place",
    ),
    RuleInfo(
        "location.author_continuation",
        "location",
        "a sentence naming no place whose attack noun refers back with its agent ('the strike was carried out by "
        "Russian planes') continues the act just told: it takes its place, and its author completes the event",
    ),
    RuleInfo(
        "location.unlisted_site",
        "location",
        "a name the syntax calls a place ('the villages of X and Y', 'X city', 'in X in Idlib', listed "
        "with a known town) that the gazetteer lacks is a site, placed at the known place it is in or "
        "near with geo_precision 2, as ACLED places villages it cannot find",
    ),
    RuleInfo(
        "location.attacked_site",
        "location",
        "what an attack noun is aimed at ('the raid on X', 'strikes against X') is a site when the gazetteer lacks "
        "it, placed at the sentence's known place or the one before (an extension of location.unlisted_site)",
    ),
    RuleInfo(
        "location.appositive_site",
        "location",
        "an apposition that calls an unknown name a site and says where it is ('X, a village near Y', 'the "
        "village of X, part of Y') makes X a site placed at Y (an extension of location.unlisted_site)",
    ),
    RuleInfo(
        "location.located_site",
        "location",
        "a verb of location says an unknown name is a site and where ('X is located 14 km south of Y', 'X lies "
        "near Y', 'X, which is situated in Y'): a site placed at Y, wherever the article names it "
        "(`location.repeated_site`)",
    ),
    RuleInfo(
        "location.distance_bearing",
        "location",
        "a distance and a bearing from a known place ('X, 40 km (25 miles) south of Y') give a site the gazetteer "
        "lacks its own point, that far from Y on that bearing, and make it finer than a report placed only near Y "
        "('a town south of Y')",
    ),
    RuleInfo(
        "location.repeated_site",
        "location",
        "a name the article once calls a site ('the village of X') is that site wherever the article names it again "
        "and the geoparser could not place it ('air strikes hit X' in the lead): one sense per discourse",
    ),
    RuleInfo(
        "location.site_before_reporter",
        "location",
        "a site's name stops before the name of a reporter that follows it with no comma ('the village of X "
        "Amnesty International said' → X)",
    ),
    RuleInfo(
        "location.foreign_site",
        "location",
        "a name the text gives another country ('the nearby Turkish town of X') is no site of the Syrian town the "
        "sentence names: it is left unplaced rather than put across the border",
    ),
    RuleInfo(
        "location.named_village",
        "location",
        "a site the text calls a village or a town ('the village of X', 'X, a village near Y') is a settlement of its "
        "own, finer than the town it is placed at; a lone site such as a building is coded at its town",
    ),
    RuleInfo(
        "location.coordinated_sites",
        "location",
        "an attack on several listed sites ('shelled X, Y and Z') is one event per site; a toll given "
        "for all of them together goes on none (it is kept in fatalities_shared)",
    ),
    # -- types ---------------------------------------------------------------------------------------
    RuleInfo(
        "location.same_time_next",
        "location",
        "a report that names no finer place than a country takes one from the next sentences, but not "
        "from a sentence dated more than a month before the article (a past event it recalls)",
    ),
    RuleInfo(
        "location.separate_act",
        "location",
        "a sentence that sets its act apart from the one before ('in a separate attack', 'a different "
        "incident', 'Elsewhere, …') takes no place from the act told before it: a toll or an author told so is "
        "of a new event, placed only where its own words put it",
    ),
    RuleInfo(
        "mention.kind_of_act",
        "mention",
        "a trigger noun naming a kind of act ('has carried out similar bombings', 'such attacks') is no event",
    ),
    RuleInfo(
        "location.unpunctuated_list",
        "location",
        "a run of place names with no commas ('in Kafr Hamra Abu Zaid and Tell Sukkar', as scraped text "
        "often comes) is a list: cut before each word that opens an Arabic place name (Abu, Tell, Kafr, "
        "Deir…), and its names listed together",
    ),
    # -- dates -------------------------------------------------------------------------------------------
    RuleInfo(
        "dates.report_day",
        "dates",
        "a day a verb of saying governs ('…, the monitor said on Sunday') is the day the source spoke "
        "(date_source report): the row joins the one report of its event the text dates itself, from "
        "that day or the two before, with the same sub-type, author and toll",
    ),
    RuleInfo(
        "dates.dateline",
        "dates",
        "relative days resolve against the date the article's text opens with (its dateline), when it has one",
    ),
    RuleInfo(
        "dates.byline",
        "dates",
        "an agency byline with a date under the headline ('Four killed in Homs AFP Sunday 15 Oct 2017') "
        "is the article's dateline when the text does not open with one",
    ),
    RuleInfo(
        "dates.wire_dateline",
        "dates",
        "a wire dateline's day ('KABUL, May 3 (Agency) - Gunmen attacked a checkpoint on Tuesday') is the "
        "day the story was filed: the first sentence's event takes its own day ('on Tuesday', the Tuesday "
        "before), not the dateline's; a dateline day with its year is the article's dateline",
    ),
    RuleInfo(
        "dates.dateline_not_event",
        "dates",
        "the dateline dates the publication, not what the headline after it reports: a sentence that opens "
        "the article reads its event's date from the words after the dateline ('Published May 3 Shelling "
        "kills four on Monday' is Monday's)",
    ),
)
