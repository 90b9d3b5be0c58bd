"""The rules that type an event and count its dead (`types.*`, `tolls.*`), one entry each, in the
registry's format (`dashboard.rule_list`): kept apart so that neither list outgrows a module."""

from __future__ import annotations

from dashboard.rule_list import RuleInfo

TYPE_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        "types.support_phrase",
        "types",
        "the means a support phrase names ('backed by air strikes', 'under the cover of artillery fire') "
        "does not type the event: the sentence's own action does ('troops backed by jets retook X')",
    ),
    RuleInfo(
        "types.first_means",
        "types",
        "a sentence that names two means of remote violence together ('shelling and air strikes') is "
        "typed by the first it names, the head of the coordination, not by the lexicon's order",
    ),
    RuleInfo(
        "types.time_reference",
        "types",
        "an event named only to say when the sentence's act happened ('days after a chemical attack, a woman was "
        "killed') is not that act's means: the sentence is typed by its own words",
    ),
    RuleInfo(
        "actors.time_reference",
        "actors",
        "the names in a phrase that names another event only to say when the sentence's act happened ('hours "
        "after a regime air strike, a car bomb killed six') are not that act's actors",
    ),
    RuleInfo(
        "types.aim",
        "types",
        "what an undertaking aims at ('launched an offensive to retake X', 'announced an operation to recapture "
        "X') is not what happened: the sentence is typed by its other words (the offensive: a battle), or is a "
        "mention when they name no event",
    ),
    RuleInfo(
        "tolls.own_clause",
        "tolls",
        "of the death counts of a sentence, those in the trigger's clause are the event's: a count the "
        "parse puts in another clause ('shelled the city, killing four, a day after troops killed 80') "
        "is another event's",
    ),
    RuleInfo(
        "tolls.named_victim",
        "tolls",
        "a killing told by its victims' names and no count ('gunmen shot dead Ali Hassan, a councillor', 'the "
        "activist Lina Haddad was assassinated') has a toll of one per person the verb of killing names "
        "(its object, or its passive's subject), as ACLED counts them",
    ),
    RuleInfo(
        "tolls.campaign_total",
        "tolls",
        "a toll told in the perfect of a fight for a place, a front or a siege ('the battle for the city has killed "
        "300', 'fighters had been killed in the fight for the town', 'the fighting on that front has left 40 dead') "
        "sums the days it lasted: no event's toll, unless the sentence names a day",
    ),
    RuleInfo(
        "types.civilian_target",
        "types",
        "deaths told in general terms ('the group killed 30 men') whose target is civilians are violence "
        "against civilians, not an armed clash: ACLED's battles are between armed, organised sides",
    ),
    RuleInfo(
        "types.armed_target",
        "types",
        "an attack told by the place it hit ('gunmen attacked a village', the lexicon's armed_target rule) whose "
        "target (actor2) is an armed side, state forces, rebels or militias, is an armed clash, and deaths of a "
        "side's men take no neighbouring sentence's violence against civilians; a massacre or an execution keeps "
        "its type whoever its victims were",
    ),
    RuleInfo(
        "types.excessive_force",
        "types",
        "protesters killed by a state's forces ('security forces killed three protesters', 'police shot dead two "
        "demonstrators') are ACLED's 'Excessive force against protesters', by the crowd, the force actor2; by "
        "anyone else violence against civilians, not an armed clash (a crowd is no armed side)",
    ),
    RuleInfo(
        "types.crowd_clash",
        "types",
        "a crowd that fights ('protesters clashed with police', 'demonstrators attacked the riot police') riots: "
        "ACLED's 'Violent demonstration' by 'Rioters (country)', not an armed clash, which is between armed, "
        "organised sides; so is a clash told from the other side ('police clashed with protesters') where nobody died",
    ),
    RuleInfo(
        "types.civilian_clash",
        "types",
        "civilians who clash with a state's forces or with each other ('police clashed with students', 'traders "
        "clashed with riot police') riot: 'Rioters (country)' in a 'Violent demonstration' where a report tells a "
        "protest, else 'Mob violence'; not an armed clash, and not against rebels or militias",
    ),
    RuleInfo(
        "types.territory_by_side",
        "types",
        "ground taken by state forces is 'Government regains territory', by rebels or militias 'Non-state "
        "actor overtakes territory', whatever the verb ('captured', 'retook')",
    ),
    RuleInfo(
        "types.protest_intervention",
        "types",
        "a protest its reports tell was met with force short of killing (tear gas, water cannon, rubber "
        "bullets, dispersal, arrests of protesters) is ACLED's 'Protest with intervention', by its crowd, "
        "with the state's force that met it as actor2",
    ),
    RuleInfo(
        "types.detention_by_side",
        "types",
        "people detained by a rebel group or militia the text names are abducted (violence against civilians, "
        "'Abduction/forced disappearance'); ACLED's 'Arrests' are the state's",
    ),
)
