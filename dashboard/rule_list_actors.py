"""The actor rules added since the event rules' list filled its module (`actors.*`), one entry each, in
the registry's format (`dashboard.rule_list`): who acted and who was hit, read from the act's noun, a
crowd, a government's forces, a side's own forces and a country's possessive."""

from __future__ import annotations

from dashboard.rule_list import RuleInfo

ACTOR_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "actors.names_the_act",
        "actors",
        "a name whose phrase holds the act's own noun ('Russian air strikes', 'government shelling') is the "
        "act's author wherever the phrase stands ('killed in Russian air strikes', 'reported X on rebel positions')",
    ),
    RuleInfo(
        "actors.crowd",
        "actors",
        "a protest with no named author is by 'Protesters (country)', a riot by 'Rioters (country)'; the "
        "people, residents or students the parse read as a protest's target are its crowd",
    ),
    RuleInfo(
        "actors.civilian_target",
        "actors",
        "violence against civilians whose reports name no target is against 'Civilians (country)', code 7, "
        "as ACLED codes every such event ('gunmen attacked a village': the villagers)",
    ),
    RuleInfo(
        "actors.inside_name",
        "actors",
        "a generic word written as a part of another name names no side: the 'Army' of the 'Arakan Army' (rebels) "
        "is not the state's army, the 'People' of the 'People's Defence Force' not civilians; not after a country's "
        "name or demonym ('Somali National Army') or a state corps' word ('Federal Police'), nor in a title-case line",
    ),
    RuleInfo(
        "actors.any_state",
        "actors",
        "any country's demonym or name before a military noun names that country's forces ('Rwandan troops', "
        "'Kenya's army'), at home (1) or abroad (external forces, 8), for every country of the demonyms table, "
        "not only the dictionary's states; before, a foreign army the dictionary did not list took the host's name",
    ),
    RuleInfo(
        "actors.government_noun",
        "actors",
        "a government named before a military noun ('government shelling', 'the government's jets') is the "
        "forces of the state where the event happened, and after a state's name that state's ('Turkish "
        "government jets'); not 'pro-government' or 'anti-government' sides",
    ),
    RuleInfo(
        "actors.own_forces",
        "actors",
        "a side that speaks of its own forces names their author: in 'the army said its troops repelled the "
        "assault' the troops are the army's (the possessive's antecedent is the name nearest before it)",
    ),
    RuleInfo(
        "actors.speaker_pronoun",
        "actors",
        "a side that speaks of its own act names its doer: in 'the army said it had killed 14 militants' the "
        "army killed them ('it' or 'they' before an active verb of the reported clause, with no other name "
        "between; not 'they were killed', whose subject is as often the dead)",
    ),
    RuleInfo(
        "actors.anti_side",
        "actors",
        "a name with 'anti-' written onto it names a side opposed to that actor ('an anti-ISIS monitoring "
        "group', 'anti-regime factions'): no mention of it; before an act's noun ('an anti-ISIS "
        "offensive') it is the act's target and stays one",
    ),
    RuleInfo(
        "actors.place_possessor",
        "actors",
        "a country whose possessive names a place ('Syria's Hama province', 'Egypt's North Sinai') says where, "
        "not who: it is no party of the sentence (its government was one)",
    ),
    RuleInfo(
        "actors.not_the_dateline",
        "actors",
        "the place and agency of a wire dateline ('KYIV, May 3 (Agency) -', 'KABUL, Afghanistan (Agency) "
        "—') name no actor: a capital there is where the story was filed, not its government acting, "
        "and the parse that makes it the subject of the first sentence's verb is wrong",
    ),
    RuleInfo(
        "actors.sole_protest",
        "actors",
        "a peaceful protest is its crowd's alone (ACLED's interaction 60): the government or the rule it "
        "protests against ('protests against the regime', 'demanding an end to military rule') is no actor2",
    ),
)
