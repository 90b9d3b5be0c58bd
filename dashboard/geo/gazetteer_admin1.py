"""Each place filed under the name its first-level division bears (the gazetteer's build).

GeoNames' city table and its table of first-level divisions name some provinces differently: a
spelling ("Rif-dimashq" and "Rif Dimashq", "Ar-Raqqah" and "Al-Raqqah", "Sao Paulo" and "São
Paulo"), a direction as a noun or an adjective ("Southern Kordofan" and "South Kordofan"), a
transliteration ("Brjansk" and "Bryansk", "Sagain" and "Sagaing") or the English name of a province
the other table gives in its own language ("Kharkiv" and "Kharkivska", "Donetsk" and "Donetska").
A province must hold its towns by name (a town "in X province" is looked for there) and take its
population from them (a province with none ranked below its capital even with "province" beside
its name), and a text names it as the city table does ("the Kharkiv region").
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from dashboard.geo.gazetteer import fold, skeleton, without_article
from dashboard.geo.names import is_generic_name

# A province named by its direction has it as a noun or an adjective: GeoNames files Kadugli's towns
# under "Southern Kordofan", its province list says "South Kordofan" (either form is the province's).
_DIRECTION_FORMS = {"north": "northern", "south": "southern", "east": "eastern", "west": "western"}
_DIRECTION_FORMS |= {v: k for k, v in _DIRECTION_FORMS.items()}
CLOSE_MIN = 4  # letters of a name (or of its skeleton) that a province's may start with


def one_admin1_name(b: Any, aliases: list[dict[str, str]]) -> None:
    """Each place's province under the name its province bears (builder `b`; `aliases`, the
    project's admin1_aliases.tsv rows): a city's province name matched folded and without its Arabic
    article, by the other form of its direction, or by an alias; else, `_close_province`, by the one
    province of the country whose name, or spelling-blind skeleton, starts with it (and the city
    table's name becomes that province's other name, unless it is of compass and administrative words
    only, "Northwestern", or a town bears it besides its own name, `_town_otherwise_named`). Names no
    province of the country bears in any of these ways (an older region) are left as they are."""
    cols = b.cols
    by_key = _admin1_names_by_key(cols, aliases)
    close: dict[tuple[str, str], str | None] = {}
    for i, a1 in enumerate(cols["admin1"]):
        if not a1:
            continue
        cc = cols["country_code"][i]
        names = by_key.get(cc, {}).get(without_article(fold(a1)), set())
        if not names:
            if (cc, a1) not in close:
                close[(cc, a1)] = _close_province(by_key.get(cc, {}), a1)
            guess = close[(cc, a1)]
            names = {guess} if guess is not None else set()
        if len(names) == 1 and a1 not in names:
            cols["admin1"][i] = next(iter(names))
    provinces = {
        (cols["country_code"][i], cols["name"][i]): i for i, c in enumerate(cols["feature_code"]) if c == "ADM1"
    }
    for (cc, a1), name in sorted(close.items(), key=lambda kv: kv[0]):
        if name is not None and not is_generic_name(fold(a1)) and not _town_otherwise_named(b, cc, a1):
            b.alias(provinces[(cc, name)], a1)
    _admin1_population(cols)


def _town_otherwise_named(b: Any, cc: str, a1: str) -> bool:
    """Whether a town of country `cc` bears the name `a1` as another name than its own (GeoNames'
    "Mykolayiv" is also "Mykolaiv"): the province given that name too would outrank its own capital
    wherever a text names the town alone, both matched by a name not their own. A town whose own
    name it is ("Kharkiv") keeps it: a bare name is the town's by the own name's weight."""
    cols, key = b.cols, fold(a1)
    return any(
        cols["country_code"][i] == cc and cols["feature_class"][i] == "P" and fold(cols["name"][i]) != key
        for i in b.names.get(key, ())
    )


def _skeleton(key: str) -> str:
    """The gazetteer's spelling-blind skeleton with "j" read as "y" (the city table's romanization of
    Russian writes "Brjansk" where the province table writes "Bryansk")."""
    return skeleton(key.replace("j", "y"))


def _close_province(keys: dict[str, set[str]], a1: str) -> str | None:
    """The one province of `keys` (folded name → province names) whose folded name, or skeleton,
    starts with the folded name `a1`, or its skeleton (CLOSE_MIN letters at least); None for none or
    several."""
    key = without_article(fold(a1))
    sk = _skeleton(key)
    found = {
        name
        for k, names in keys.items()
        for name in names
        if (len(key) >= CLOSE_MIN and k.startswith(key)) or (sk and _skeleton(k).startswith(sk))
    }
    return next(iter(found)) if len(found) == 1 else None


def _admin1_names_by_key(cols: dict[str, list], aliases: list[dict[str, str]]) -> dict[str, dict[str, set[str]]]:
    """Country → folded name without article (the province's own, its direction's other form, or an
    alias) → province names."""
    by_key: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for i, code in enumerate(cols["feature_code"]):
        if code == "ADM1":
            key = without_article(fold(cols["name"][i]))
            by_key[cols["country_code"][i]][key].add(cols["name"][i])
            first, _, rest = key.partition(" ")
            if rest and first in _DIRECTION_FORMS:
                by_key[cols["country_code"][i]][f"{_DIRECTION_FORMS[first]} {rest}"].add(cols["name"][i])
    for row in aliases:
        cc = row["country_code"].strip()
        if any(row["admin1"] in names for names in by_key[cc].values()):
            by_key[cc][without_article(fold(row["alias"]))].add(row["admin1"])
    return by_key


def _admin1_population(cols: dict[str, list]) -> None:
    """A province whose towns were filed under another spelling got no population from them: it
    gets the sum of its towns'."""
    pops: dict[tuple[str, str], int] = defaultdict(int)
    for i, cls in enumerate(cols["feature_class"]):
        if cls == "P":
            pops[(cols["country_code"][i], cols["admin1"][i])] += int(cols["population"][i] or 0)
    for i, code in enumerate(cols["feature_code"]):
        if code == "ADM1" and not cols["population"][i]:
            cols["population"][i] = pops.get((cols["country_code"][i], cols["name"][i]), 0)
