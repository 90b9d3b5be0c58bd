"""The geoparser's rules (recognition and resolution), the event locator's and the sentence
splitter's, one entry each, in the registry's format (`dashboard.rule_list`): kept apart so that
neither list outgrows a module."""

from __future__ import annotations

from dashboard.rule_list import RuleInfo

GEO_RULES: tuple[RuleInfo, ...] = (
    # -- recognition: which spans are place names (dashboard/geo/recognition.py) -------------------------
    RuleInfo(
        "recognition.dateline",
        "recognition",
        "a line that opens with a known place name in capitals ('BEIRUT —', 'KYIV, May 2') names where the "
        "reporter files from, whatever the model tagged it",
    ),
    RuleInfo(
        "recognition.whole_name",
        "recognition",
        "a place entity the model cut inside a longer name ('Deir' of 'Deir ez-Zor', split at its glued "
        "article) grows to the whole name when the gazetteer knows it; so does a well-known place the model left "
        "untagged inside a name joined by a particle ('Praia' of 'Mocimboa da Praia')",
    ),
    RuleInfo(
        "recognition.province_word",
        "recognition",
        "a place entity the model cut before 'province' or 'governorate' ('Hasakeh' of 'Hasakeh province') grows "
        "over the word when the gazetteer spells the name only as a town's and knows the whole as a province",
    ),
    RuleInfo(
        "recognition.date_tail",
        "recognition",
        "a day or a month glued to a place in one entity where the text has no comma ('southern Hama Sunday') "
        "is cut off; the rest is the place when the gazetteer knows it well",
    ),
    RuleInfo(
        "recognition.capital_epithet",
        "recognition",
        "'the Syrian capital', 'Syria's capital' (no name after it, not a group's 'de facto capital', not in "
        "apposition to the name) stands for the country's capital; added for the event locator only, as the "
        "geoparse evaluations score names",
    ),
    RuleInfo(
        "recognition.untagged",
        "recognition",
        "a proper noun the model tagged as no entity is a place when it names a country, a province or a "
        "city of 100,000 by its own name and the article never writes it in lower case",
    ),
    RuleInfo(
        "recognition.locative",
        "recognition",
        "a name the model missed or mislabelled is a place when its phrase says so ('X village', 'the "
        "settlement of X', 'in X', a list after a place)",
    ),
    RuleInfo(
        "recognition.listed_sites",
        "recognition",
        "a plural kind-of-place noun after a list of names is said of each ('shells hit Karta and Bilal "
        "villages'): every name of the list is a site, not only the one next to the noun",
    ),
    RuleInfo(
        "recognition.home_town",
        "recognition",
        "a name the model tagged a person's or an organisation's, after a locative preposition or as the object of "
        "a verb of attack ('freed Palmyra'), is a place when a town of 20,000 or more of that name (its own or "
        "one it is known by) lies in a country the article names",
    ),
    RuleInfo(
        "recognition.embedded",
        "recognition",
        "a well-known place inside an organisation's or a building's name ('Texas' in 'Texas A&M "
        "University') is context for the other names (never an event's place)",
    ),
    # -- resolution: which place a name means (dashboard/geo/ranking.py, trust.py, resolution.py) -------
    RuleInfo(
        "resolution.admin_of",
        "resolution",
        "'the province of X', 'X province' or 'rural X' means the province, not the town of its name",
    ),
    RuleInfo(
        "resolution.listed_provinces",
        "resolution",
        "a plural administrative word after a list of names is said of each ('Raqqa and Hama provinces', "
        "'Idlib, Hama and Homs governorates'): each name is a province",
    ),
    RuleInfo(
        "resolution.stated_province",
        "resolution",
        "'X in Y province', 'X in rural Y': X lies in province Y, in every mention of it in the article; "
        "a namesake of X in another province is refused, even when it is the only one (X is left unresolved)",
    ),
    RuleInfo(
        "resolution.spelling_in_context",
        "resolution",
        "a name found only by its spelling variants (Raqa, Tabaqa, Maaret al-Nouman) is taken only in a "
        "country the article is about, not in any country it mentions (a 'UK-based' monitor does not "
        "make a Syrian village Aberdeen)",
    ),
    RuleInfo(
        "resolution.city_first",
        "resolution",
        "a province and its capital share a name (Idlib, Aleppo): without a word such as 'province' the city is meant",
    ),
    RuleInfo(
        "resolution.people_countries",
        "resolution",
        "a country whose people the text names by a plural demonym ('three Palestinians') counts among the "
        "story's countries, as its singular adjective does: 'Jenin' is then the West Bank town",
    ),
    RuleInfo(
        "resolution.region_of_city",
        "resolution",
        "'the Odesa region': a town the text calls a region or province, when no province bears its name, is "
        "its province if it is that province's centre (a third of its people or more), not the town",
    ),
    RuleInfo(
        "resolution.water_first",
        "resolution",
        "'the Red Sea', 'the Gulf of Aden': the water bearing the name, before a province named after it "
        "(Sudan's 'Red Sea' state) without a word such as 'state'",
    ),
    RuleInfo(
        "resolution.city_word",
        "resolution",
        "'Hama city', 'the city of Hama', 'the town of Daraa': the province's namesake town, however GeoNames "
        "spells the two ('Hama' the province, 'Ḩamāh' the city)",
    ),
    RuleInfo(
        "resolution.side_word",
        "resolution",
        "'the southern city of X', 'the north-western province of Y': a candidate on that side of its country "
        "(the third of its towns' span) ranks higher, one on the opposite side lower (Mykolaiv the southern city, "
        "not the town of the same English name in the Donetsk region that a story's other names pulled towards)",
    ),
    RuleInfo(
        "resolution.co_support",
        "resolution",
        "a candidate gains for each other name of the document that could lie within 100 km of it or "
        "is its province (small towns named together are neighbours)",
    ),
    RuleInfo(
        "resolution.containers",
        "resolution",
        "'Idlib, Syria', 'Atlanta, Georgia': the name after the comma holds the one before it, and "
        "narrows both names' candidates",
    ),
    RuleInfo(
        "resolution.untrusted",
        "resolution",
        "a best candidate matched only by an alternate name (a translation, an old name) or a generic "
        "one, in a country the document never names, leaves the name unresolved",
    ),
    RuleInfo(
        "resolution.own_name_runner_up",
        "resolution",
        "when the best candidate is refused as untrusted, the next one that bears the name as its own, "
        "in a country the document names, is taken ('Ras al-Ain' in a story on Syria)",
    ),
    RuleInfo(
        "resolution.foreign_village",
        "resolution",
        "a village abroad in a document about another country (one holding more than half of the "
        "evidence: not two named as often) is more likely a local place the gazetteer lacks: the name "
        "is left unresolved",
    ),
    RuleInfo(
        "resolution.minor_abroad",
        "resolution",
        "a name the text calls a village or a neighbourhood, known only as a town in a country the "
        "document never names, is left unresolved",
    ),
    RuleInfo(
        "resolution.person_abroad",
        "resolution",
        "a name the model tags as a person whose best place lies in a country the document never names is a "
        "person ('a witness named Ahmad' is not Al Ahmadi, Kuwait, in a report on Syria), left unresolved; not "
        "after a preposition of place or a verb of bombardment ('the shelling of X', 'jets pounded X')",
    ),
    RuleInfo(
        "resolution.town_abroad",
        "resolution",
        "a town under 100,000 people that bears the text's name only spelled one letter apart, in a country the "
        "document never names, is left unresolved (a local place the gazetteer lacks or spells otherwise, not a "
        "foreign namesake: Zafarana is not Zaafarana, Egypt, in a report on Syria)",
    ),
    RuleInfo(
        "resolution.one_sense",
        "resolution",
        "one sense per discourse: once the text says 'London, Ontario', a bare 'London' later in the "
        "article is that one too",
    ),
    RuleInfo(
        "resolution.districts",
        "resolution",
        "a neighbourhood or district of a named town ('the Ferdous district of Aleppo') is placed in "
        "that town or left unresolved",
    ),
    RuleInfo(
        "resolution.nearest_town",
        "resolution",
        "a name the gazetteer lacks is placed at the nearest town the text names, flagged `fallback` "
        "(never an event's place)",
    ),
)


# Rules of the `location` family that read where a sentence's own words put its event (a site's phrase,
# a bearing, a teller's place); kept here beside the geoparser's rules they build on.
LOCATION_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "location.dateline_city",
        "location",
        "'in the city', 'in the town', 'in the capital' (under a national capital's dateline) or 'here' in a "
        "sentence that names no place, before the text names any place but its dateline ('KABUL (Agency) - A "
        "bomber struck a mosque in the capital'), is the dateline's town: the only place the words can refer to; "
        "not words that place the tellers ('officials in the capital said', 'said here')",
    ),
    RuleInfo(
        "location.dropped_comma_part",
        "location",
        "'the village of X part of Y' written without the apposition's comma (the parse makes X a modifier of "
        "'part') is read as 'the village of X, part of Y': X a site placed at Y (an extension of "
        "location.appositive_site)",
    ),
    RuleInfo(
        "location.source_place",
        "location",
        "a place that only says where a teller of the news is ('according to a medical source in X') is not one a "
        "later toll naming no place of its own continues",
    ),
    RuleInfo(
        "location.container_after",
        "location",
        "a province or a country named right after a town that lies in it ('a cafe in the town of X, in Y province', "
        "'X, Y state') says where the town is: the town locates the event, however the parse hangs the province",
    ),
    RuleInfo(
        "location.bearing_landmark",
        "location",
        "a place that is only what a bearing is taken from ('the town of X south of Y') loses to a finer place the "
        "sentence puts at that bearing",
    ),
    RuleInfo(
        "location.bearing_subject",
        "location",
        "with location.bearing_landmark, the place whose name the bearing follows ('in X west of Y', 'X, south of "
        "Y') takes the event from Y even when it is no finer than Y: two towns, one placed by the other",
    ),
)

# Rules applied while the text is split into sentences (dashboard/nlp.py), before any parse.
TEXT_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "location.vicinity",
        "location",
        "a town the text puts the event near, not in ('near X', 'outside X', 'on the outskirts of X', 'a village "
        "south of X') gives geo_precision 2, ACLED's code for a place near a named one (not 'the south of X', a "
        "part of it)",
    ),
    RuleInfo(
        "location.same_country_next",
        "location",
        "a country-level report takes a town from the next sentences of its paragraph only until a sentence whose "
        "towns all lie in other countries: the story has moved on to other events, and a town named after it is theirs",
    ),
    RuleInfo(
        "location.unnamed_town_next",
        "location",
        "a report placed only at a province that tells of an unnamed town in it ('jets struck a town in Aleppo "
        "province') takes the first town of that province the next sentences of its paragraph name",
    ),
    RuleInfo(
        "location.province_town_next",
        "location",
        "a violent report of one act placed only at a province ('an air strike killed 9 in Hama province on Monday'; "
        "not 'air strikes', a province-wide tally) takes the first town of that province the next sentences of its "
        "paragraph name, until one dated to another day; none if that sentence tells an act of other means",
    ),
    RuleInfo(
        "location.same_day_next",
        "location",
        "a country-level report takes a town from the next sentences of its paragraph only until a sentence dated to "
        "another day than the report's own ('… struck an air base on Friday. Also on Saturday a bomb went off near "
        "X'): that sentence tells another event",
    ),
    RuleInfo(
        "mention.tag_list_cut",
        "mention",
        "a page's tag list glued between story sentences ('… on Monday. Tags Syria Aleppo airstrikes The "
        "strikes …') is a sentence of its own, cut from the sentence before it and from the story sentence "
        "after it at that sentence's first capitalised determiner, numeral or preposition",
    ),
    RuleInfo(
        "sentences.lowercase_continuation",
        "sentences",
        "a word in lower case right after another word or a comma continues its sentence: the parser may not start "
        "one there ('M23' cut from 'rebels seized the town' left the rebels no one's); after a full stop, a question "
        "or an exclamation mark, or at a line's start, it chooses as before",
    ),
)
