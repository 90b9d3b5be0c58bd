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

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from dashboard.geo.gazetteer import ARTICLE_WORDS, fold, skeleton, without_article
from dashboard.geo.names import ADMIN_WORDS, WORDS, is_generic_name
from dashboard.wordlists import word_set

# A province named by its direction has it as a noun or an adjective: GeoNames files Kadugli's towns
# under "Southern Kordofan", its province list says "South Kordofan" (either form is the province's).
_DIRECTION_FORMS = {"north": "northern", "south": "southern", "east": "eastern", "west": "western"}
_DIRECTION_FORMS |= {v: k for k, v in _DIRECTION_FORMS.items()}
CLOSE_MIN = 4  # letters of a name (or of its skeleton) that a province's may start with
_LEADING = word_set(WORDS, "admin1_leading_words")
_TRAILING = ADMIN_WORDS | word_set(WORDS, "admin1_trailing_words")
_LOOSE_LETTERS = str.maketrans({"q": "k", "c": "k", "v": "w", "j": "g"})


def one_admin1_name(b: Any, aliases: list[dict[str, str]]) -> None:
    """Each place's province under the name its province bears (builder `b`; `aliases`, the
    project's admin1_aliases.tsv rows): a city's province name matched folded and without its Arabic
    article, by the other form of its direction, or by an alias; else, `_close_province`, by the one
    province of the country whose name, or spelling-blind skeleton, starts with it; else,
    `_far_provinces`, by its name without the words that say it is a division, or its looser
    spelling, where the province is where the towns are. The city table's name becomes that
    province's other name, unless it is of compass and administrative words only, "Northwestern", or
    a town bears it besides its own name (`_town_otherwise_named`). Names no province of the country
    bears in any of these ways (an older region) are left as they are."""
    cols = b.cols
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, a1 in enumerate(cols["admin1"]):
        if a1:
            groups[(cols["country_code"][i], a1)].append(i)
    found, guessed, unmatched = _named_provinces(groups, _admin1_names_by_key(cols, aliases))
    far = _far_provinces(cols, {k: groups[k] for k in unmatched}, found, groups)
    found |= far
    guessed |= far
    for key, name in found.items():
        for i in groups[key]:
            cols["admin1"][i] = name
    provinces = {
        (cols["country_code"][i], cols["name"][i]): i for i, c in enumerate(cols["feature_code"]) if c == "ADM1"
    }
    for (cc, a1), name in sorted(guessed.items()):
        if not is_generic_name(fold(a1)) and not _town_otherwise_named(b, cc, a1):
            b.alias(provinces[(cc, name)], a1)
    _admin1_population(cols)


def _named_provinces(
    groups: dict[tuple[str, str], list[int]], by_key: dict[str, dict[str, set[str]]]
) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str], list[tuple[str, str]]]:
    """Each (country, city-table name)'s province by its name, its direction's other form, an alias
    or `_close_province` (`found`; those matched otherwise than as they are, to alias, in `guessed`),
    and those no province bears in these ways (`unmatched`; two provinces it could be: neither)."""
    found: dict[tuple[str, str], str] = {}
    guessed: dict[tuple[str, str], str] = {}
    unmatched = []
    for cc, a1 in groups:
        names = by_key.get(cc, {}).get(without_article(fold(a1)), set())
        if not names:
            guess = _close_province(by_key.get(cc, {}), a1)
            names = {guess} if guess is not None else set()
            if guess is not None:
                guessed[(cc, a1)] = guess
        if len(names) == 1:
            found[(cc, a1)] = next(iter(names))
        elif not names:
            unmatched.append((cc, a1))
    return found, guessed, unmatched


def _far_provinces(
    cols: dict[str, list],
    unmatched: dict[tuple[str, str], list[int]],
    found: dict[tuple[str, str], str],
    groups: dict[tuple[str, str], list[int]],
) -> dict[tuple[str, str], str]:
    """The province of each name in `unmatched` (country and city-table name → its places' rows)
    that no stage before found: the one province of the country, holding no town yet, whose name is
    it without the words that say a division (`_bare`: "Muhafazat Kirkuk", "Basra Governorate",
    "Mayorality of Baghdad"), else whose looser spelling (`_loose`: "Ninawa" and "Nineveh", "Arbil"
    and "Erbil", "Qahirah" and "Cairo") is it or starts with it ("Sumy" and "Sumska"); and only where
    the province's point is the nearest province's to one of those towns at least (a spelling alone
    is too weak a match for names of two or three consonants), the one so spelled and so placed."""
    points = _province_points(cols)
    held = {(key[0], name) for key, name in found.items() if _has_town(cols, groups[key])}
    out: dict[tuple[str, str], str] = {}
    left = sorted(
        (k for k in unmatched if k[0] in points and _has_town(cols, unmatched[k])),
        key=lambda k: (-len(unmatched[k]), k),
    )
    # Each way of matching over every name before the next ("Kyiv City" is the city's province by
    # its bare name before "Kiev" could be it by spelling); the first way that finds a free province
    # for a name decides it.
    for fits in (_same_bare, _same_loose, _loose_prefix):
        for key in list(left):
            near = _placed(
                cols,
                key,
                unmatched[key],
                [n for n in points[key[0]][0] if (key[0], n) not in held],
                fits,
                points[key[0]],
            )
            if near is None:
                continue
            left.remove(key)
            if len(near) == 1:  # "Al Jufrah" is spelled as "Jufra" and "Jafara": where its towns are
                out[key] = near[0]
                held.add((key[0], near[0]))
    return out


def _placed(
    cols: dict[str, list], key: tuple[str, str], rows: list[int], free: list[str], fits: Callable, points: tuple
) -> list[str] | None:
    """Of the provinces `free` that `fits` the city table's name in `key`, those whose point is the
    nearest province's (of the country's `points`) to one of its towns (`rows`); None when none fits."""
    hits = [n for n in free if fits(key[1], n)]
    if not hits:
        return None
    names, lat, lon = points
    nearest = _nearest(cols, [i for i in rows if cols["feature_class"][i] == "P"], names, lat, lon)
    return [n for n in hits if n in nearest]


def _same_bare(a1: str, name: str) -> bool:
    return _bare(name) == _bare(a1)


def _same_loose(a1: str, name: str) -> bool:
    return _loose(_bare(name)) == _loose(_bare(a1))


def _loose_prefix(a1: str, name: str) -> bool:
    """The province's looser spelling starts with the name's, of two letters at least ("Sumy" and
    "Sumska")."""
    loose = _loose(_bare(a1))
    return len(loose) >= 2 and _loose(_bare(name)).startswith(loose)


def _has_town(cols: dict[str, list], rows: list[int]) -> bool:
    return any(cols["feature_class"][i] == "P" for i in rows)


def _province_points(cols: dict[str, list]) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
    """Country → its provinces' names and their points' latitudes and longitudes."""
    by_cc: dict[str, list[int]] = defaultdict(list)
    for i, code in enumerate(cols["feature_code"]):
        if code == "ADM1":
            by_cc[cols["country_code"][i]].append(i)
    return {
        cc: (
            [cols["name"][i] for i in rows],
            np.array([float(cols["latitude"][i]) for i in rows]),
            np.array([float(cols["longitude"][i]) for i in rows]),
        )
        for cc, rows in by_cc.items()
    }


def _nearest(cols: dict[str, list], towns: list[int], names: list[str], lat: np.ndarray, lon: np.ndarray) -> set[str]:
    """The provinces whose point is the nearest (of `names`, at `lat`, `lon`) to one of `towns`."""
    t_lat = np.array([float(cols["latitude"][i]) for i in towns])[:, None]
    t_lon = np.array([float(cols["longitude"][i]) for i in towns])[:, None]
    d = (lat[None, :] - t_lat) ** 2 + ((lon[None, :] - t_lon) * np.cos(np.radians(t_lat))) ** 2
    return {names[j] for j in np.argmin(d, axis=1)}


def _bare(name: str) -> str:
    """A province's folded name without its Arabic article and the words that say it is a division
    (words.toml admin1_leading_words before it, admin_words and admin1_trailing_words after)."""
    words = fold(name).split()
    while len(words) > 1 and words[0] in _LEADING:
        words = words[1:]
    while len(words) > 1 and words[-1] in _TRAILING:
        words = words[:-1]
    return without_article(" ".join(words))


def _loose(key: str) -> str:
    """A looser skeleton than the gazetteer's, for province names of two sources only: the Arabic
    articles out, "q" and "c" as "k", "v" as "w" and "j" as "g" (Egypt's "Jizah" is "Giza"), the
    vowels and "w", "y", "h" after the first letter dropped, a first vowel written "a", doubled
    letters once: "Ninawa" and "Nineveh" are "nn", "Dahuk" and "Dohuk" "dk", "Arbil" and "Erbil" "arbl"."""
    k = "".join(ARTICLE_WORDS.sub(" ", key).split())
    if not k:
        return ""
    k = k.replace("ph", "f").translate(_LOOSE_LETTERS)
    first = "a" if k[0] in "aeiouy" else k[0]
    return first + re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouywh]", "", k[1:]))


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
