"""What a name is, before any document: the word lists (labels, state nouns, compass, generic and
administrative words) and the predicates on a name and a gazetteer place that both recognition and
resolution ask (is it generic, is it a place's own name, is its bearer well known, which known place
does a longer name hold). Imports nothing else of the geoparser, so the modules above it have no cycle.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from dashboard.geo.gazetteer import Gazetteer, Place, fold, name_variants, without_article
from dashboard.wordlists import word_set

WORDS = Path(__file__).with_name("words.toml")

PLACE_LABELS = {"GPE", "LOC", "FAC"}


MAYBE_LABELS = {"ORG", "NORP", "PERSON", "LANGUAGE"}  # the small model tags "Aleppo" LANGUAGE


# Entities whose names often hold a place name ("Kentucky State Police", "Toronto General Hospital").
EMBEDDING_LABELS = {"ORG", "FAC"}


# The word lists; why each exists is written above it in words.toml.
SPEECH_VERBS = word_set(WORDS, "speech_verbs")
STATE_NOUNS = word_set(WORDS, "state_nouns")
COMPASS_WORDS = word_set(WORDS, "compass_words")
FACILITY_WORDS = word_set(WORDS, "facility_words")
GENERIC_WORDS = FACILITY_WORDS | word_set(WORDS, "generic_words")
ADMIN_WORDS = word_set(WORDS, "admin_words")
# The words a description is made of (is_generic_name), joined once: not again for each word asked.
_DESCRIPTIVE_WORDS = GENERIC_WORDS | COMPASS_WORDS | ADMIN_WORDS


WIDE_CODES = {"PCLI", "CONT", "RGN", "OCN", "SEA", "GULF"}


# "the province of Idlib", "the governorate of Hama", "rural Idlib": the
# province is meant, as in "Idlib province".
_ADMIN_BEFORE = re.compile(
    r"\b(?:(?:province|governorate|provinces|governorates|oblast|prefecture)\s+of\s+(?:the\s+)?|rural\s+)$",
    re.I,
)


def admin_before(text: str | None, start: int) -> bool:
    """Whether an administrative word and "of" ("the province of Idlib"), or "rural", stand just before a name."""
    return bool(text) and bool(_ADMIN_BEFORE.search(text[max(0, start - 30) : start]))  # type: ignore[index]


# "Raqqa and Hama provinces", "Idlib, Hama and Homs governorates": a plural administrative word after
# a list of names is said of each name of the list. A name: capitalised words, glued particles allowed.
_NAME = r"[A-Z][\w'’]*(?:[ -](?:[a-z]{1,3}-)?[A-Z][\w'’]*)*"
_LISTED_ADMIN = re.compile(rf"(?:,\s*{_NAME})*,?\s+and\s+{_NAME}\s+(\w+)")


_NEXT_WORD = re.compile(r"\s*(\w+)")


def admin_after(text: str | None, end: int) -> bool:
    """Whether an administrative word follows the name ("Idlib province", "Hama countryside")."""
    # The next word, whatever follows it ("Kent County's", "Punjab province)").
    nxt = _NEXT_WORD.match(text, end, end + 20) if text else None
    return nxt is not None and nxt.group(1).lower() in ADMIN_WORDS


_CITY_BEFORE = re.compile(r"\b(?:city|town)\s+of\s+(?:the\s+)?$", re.I)


def city_around(text: str | None, start: int, end: int) -> bool:
    """Whether the text calls the name a city or a town: "Hama city", "the city of Hama", "the central
    city of Hama", "the town of Daraa", "Daraa town" (a town, not the province named after it)."""
    if not text:
        return False
    nxt = _NEXT_WORD.match(text, end, end + 20)
    return (
        nxt is not None
        and nxt.group(1).lower() in ("city", "town")
        or bool(_CITY_BEFORE.search(text[max(0, start - 20) : start]))
    )


def admin_after_list(text: str | None, end: int) -> bool:
    """Whether the name opens or stands in a list that a plural administrative word closes."""
    listed = _LISTED_ADMIN.match(text, end, end + 120) if text else None
    plural = listed.group(1).lower() if listed is not None else ""
    return plural.endswith("s") and plural in ADMIN_WORDS


def is_generic_name(key: str) -> bool:
    """A name made only of generic, compass and administrative words ("city", "east", "northern
    province"): a description, not a place's name."""
    words = key.split()
    return bool(words) and all(w in _DESCRIPTIVE_WORDS for w in words)


def self_key(key: str) -> str:
    """A folded name without its Arabic article: "al-Karima" and "Karima" are one name, so neither
    is evidence for the other (their one namesake abroad, Kuraymah in Sudan, would confirm itself)."""
    return without_article(key)


def own_name(place: Place, key: str, exact: bool = False) -> bool:
    """The place's own name, its first words ("Clacton" for Clacton-on-Sea), or, unless `exact`, its
    own name spelled one letter apart (Raqqa for Ar Raqqah): not a translation."""
    return _own_name(fold(place.name), key, exact)


@lru_cache(maxsize=65_536)
def _own_name(name: str, key: str, exact: bool = False) -> bool:
    # Cached by the two folded names: the trust tests ask it for each candidate of each name, the
    # same pairs in every article that names the same places (37 µs a call uncached).
    names = name_variants(name)
    return any(
        n == v or n.startswith(v + " ") or not exact and _one_edit(n, v) for v in name_variants(key) for n in names
    )


def _one_edit(a: str, b: str) -> bool:
    """Whether two names of four letters or more differ by one letter added, dropped or changed."""
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def starts_alike(place: Place, key: str) -> bool:
    """Whether a place's name and a folded name share their first three letters, Arabic article aside,
    a doubled vowel read as one: GeoNames writes the ʿayn its press spelling drops ("Maʿarrat", folded
    "maarrat", is the press's "Marat" and "Maarat")."""
    starts = {_single_vowels(k)[:3] for k in name_variants(key)}
    return any(_single_vowels(n)[:3] in starts for n in name_variants(fold(place.name)))


_DOUBLE_VOWEL = re.compile(r"([aeiou])\1+")


def _single_vowels(name: str) -> str:
    return _DOUBLE_VOWEL.sub(r"\1", name)


def well_known(places: list[Place], min_population: int, text: str = "") -> bool:
    """Whether a name's best-known bearer is famous enough to be meant wherever it appears. Places
    that bear the name as their own outrank those that have it only as a translation ("White House"
    is a town in Tennessee before it is Casablanca)."""
    key = fold(text)
    # "Kut" is Al-Kut's own name too: the Arabic article does not make it a translation.
    own = [p for p in places if key in name_variants(fold(p.name))] if text else []
    places = own or places
    if not places:
        return False
    best = max(places, key=lambda p: p.population)
    return best.population >= min_population or best.feature_code in ("PCLI", "ADM1", "RGN", "CONT")


# A capitalised plural ("Palestinians", "Syrians"), which `names_people` may find a demonym.
_PLURAL = re.compile(r"\b[A-Z][a-z]+s\b")


def people_countries(text: str, gazetteer: Gazetteer) -> Counter:
    """`resolution.people_countries`: each country whose people the text names by a plural demonym
    ("Israeli troops killed three Palestinians": the story is about Palestine too), once. The plural
    names people, not a place, so it is no toponym; it still says which country the story is about,
    as the singular adjective does ("Jenin" is then the West Bank town, not a Polish village)."""
    codes = {gazetteer.demonym_country(m.group()) for m in _PLURAL.finditer(text) if names_people(m.group(), gazetteer)}
    return Counter(code for code in codes if code)


def names_people(text: str, gazetteer: Gazetteer) -> bool:
    """A plural demonym ("Mexicans", "Turks") names people; the singular adjective stands for the country."""
    low = text.lower()
    if not low.endswith("s") or low.endswith(("ese", "ss")):
        return False
    return gazetteer.demonym_country(text) is not None and text not in gazetteer


def _prominence(places: list[Place]) -> tuple[int, int]:
    rank_of = {"PCLI": 3, "CONT": 3, "RGN": 2, "ADM1": 2}
    return max((rank_of.get(p.feature_code, 0), p.population) for p in places)


def without_kind(name: str, kinds: frozenset[str] = ADMIN_WORDS) -> str | None:
    """The name before its last word when that word is a kind of place ("Karak district" → "Karak",
    "Ghazni province" → "Ghazni"); None when it ends with none."""
    words = name.split()
    if len(words) > 1 and words[-1].lower().strip(".") in kinds:
        return " ".join(words[:-1])
    return None


def contained_name(text: str, gazetteer: Gazetteer) -> str | None:
    """For a name the gazetteer lacks, the known place it is in or named after: "Karak district"
    → Karak, "Vancouver Art Gallery" → Vancouver, "North London" → London, "European Commission"
    → European (Europe), "Mexican Senate" → Mexico. The longest run of words, leftmost first, that
    names a country, a continent, a province or a town of 5,000 people or more."""
    words = text.split()
    if len(words) < 2:
        return None
    stem = without_kind(text, ADMIN_WORDS | {"co", "city", "area"})
    if stem is not None and stem in gazetteer:
        return stem
    for n in range(len(words) - 1, 0, -1):
        found = [f for i in range(len(words) - n + 1) if (f := _known_run(words[i : i + n], gazetteer)) is not None]
        if found:
            # "Republic of Armenia" → Armenia, not Republic (Missouri): the best-known name wins.
            return max(found)[1]
    return _state_institution(words, gazetteer)


def _known_run(run: list[str], gazetteer: Gazetteer) -> tuple[tuple[int, int], str] | None:
    """(prominence, name) when a run of words, capitalised at both ends, names a country, a continent,
    a province or a town of 5,000 people or more; else None."""
    if not (run[0][:1].isupper() and run[-1][:1].isupper()) or run[0].lower() in ("the", "st", "st."):
        return None
    name = " ".join(run).strip(",.;:'’")
    if name.lower() in COMPASS_WORDS | GENERIC_WORDS or len(name) < 3 and not name.isupper():
        return None
    found_places = gazetteer.lookup(name)
    # By its own name, or a country's or a continent's other name ("U.S.", "US", "European");
    # not a translation ("Art").
    places = [p for p in found_places if fold(p.name) == fold(name)] or [
        p for p in found_places if p.feature_code in ("PCLI", "CONT", "RGN")
    ]
    if len(name) < 3:
        places = [p for p in found_places if p.feature_code == "PCLI"]  # "US", not the village Us
    return (_prominence(places), name) if places and well_known(places, 5000, name) else None


# Words after a demonym that make a name one of the state's institutions ("Mexican Senate").
INSTITUTION_WORDS = STATE_NOUNS | {"senate", "embassy", "consulate", "ministry", "cabinet", "congress"}


def _state_institution(words: list[str], gazetteer: Gazetteer) -> str | None:
    """The country of a state institution named by its demonym ("Mexican Senate", "British Embassy"
    → Mexico, United Kingdom), for a name that holds no place name. Not "French Quarter" or
    "Frenchmen Street": the demonym must open the name and an institution's word follow it."""
    if len(words) < 2 or words[1].lower() not in INSTITUTION_WORDS:
        return None
    country = gazetteer.country(gazetteer.demonym_country(words[0]) or "")
    return None if country is None or names_people(words[0], gazetteer) else country.name
