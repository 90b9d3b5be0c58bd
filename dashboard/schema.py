"""The events table: column names, dtypes and meaning. The one source of truth.

Names follow ACLED where ACLED has the concept (event_date, event_type, sub_event_type,
actor1, actor2, location, latitude, longitude, geo_precision, fatalities, admin1, country);
the rest carry provenance back to the sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.extensions import ExtensionArray


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    doc: str


COLUMNS: tuple[Column, ...] = (
    Column("event_id", "string", "Stable id of the event row (hash of article, sentence and place)."),
    Column("article_id", "string", "Id of the source article (hash of its text); key into the articles table."),
    Column("event_date", "datetime64[ns]", "Date the event happened (or the first day of its month/year)."),
    Column("date_precision", "string", "How precise event_date is: day, month or year."),
    Column(
        "date_source",
        "string",
        "Where the date came from: sentence, context (a nearby sentence), report (the day a source spoke, "
        "'..., the monitor said on Sunday': the event's day or earlier) or published (the article's date).",
    ),
    Column(
        "is_future", "boolean", "True when the sentence announces a scheduled or expected event, not one that happened."
    ),
    Column("event_type", "string", "ACLED event type, or 'Diplomacy' / 'Statement' / 'Other' for non-violent events."),
    Column("sub_event_type", "string", "Finer type (ACLED sub-event type where one applies)."),
    Column("trigger", "string", "The words in the sentence that typed the event (empty when none matched)."),
    Column(
        "trigger_start", "Int64", "Character offset of the trigger in the article text (null when there is no trigger)."
    ),
    Column("trigger_end", "Int64", "End offset (exclusive) of the trigger in the article text."),
    Column(
        "actor1",
        "string",
        "Who acted (the agent of the event), as a canonical name of the actor dictionary "
        '("Islamic State (ISIS)", "Military Forces of Syria (2000-)"); empty when unknown.',
    ),
    Column(
        "inter1",
        "Int64",
        "ACLED interaction code of actor1: 1 state forces, 2 rebel groups, 3 political militias, 4 identity "
        "militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other forces.",
    ),
    Column("actor2", "string", "Who was hit (the target), canonical name; empty when the text names none."),
    Column("inter2", "Int64", "ACLED interaction code of actor2 (as inter1)."),
    Column(
        "interaction",
        "Int64",
        "ACLED interaction: the two inter codes, lower first (17 state forces against civilians); "
        "inter1 x 10 when there is no actor2.",
    ),
    Column("location", "string", "Resolved place name (GeoNames preferred name)."),
    Column("toponym", "string", "The place name as written in the article."),
    Column("toponym_start", "Int64", "Character offset of the toponym in the article text."),
    Column("toponym_end", "Int64", "End offset (exclusive) of the toponym in the article text."),
    Column("latitude", "float64", "Latitude of the resolved place (WGS84)."),
    Column("longitude", "float64", "Longitude of the resolved place (WGS84)."),
    Column("geonameid", "Int64", "GeoNames id of the resolved place, when known."),
    Column("feature_code", "string", "GeoNames feature code (PPL, PPLC, ADM1, PCLI, CONT, ...)."),
    Column("country", "string", "Country name of the resolved place."),
    Column("country_code", "string", "ISO 3166-1 alpha-2 country code."),
    Column("admin1", "string", "First-level administrative division (province, governorate, state)."),
    Column("geo_precision", "Int64", "1 town/village, 2 district (admin2), 3 province (admin1), 4 country or wider."),
    Column(
        "alternatives",
        "string",
        "Ranked candidate places for the toponym, as JSON: a list of {name, lat, lon, geonameid, feature_code, "
        "country_code, country, admin1, geo_precision, score}, best first.",
    ),
    Column("fatalities", "Int64", "Deaths reported in the sentence (null when none are reported)."),
    Column("fatalities_text", "string", 'The words that report the deaths ("killed 36 troops").'),
    Column(
        "fatalities_shared",
        "Int64",
        'Deaths the text gives for this event together with other sites listed with it ("four killed in '
        'shelling on X and Y"): attributable to no one site, so not in `fatalities` (null otherwise).',
    ),
    Column("injured", "Int64", "Injured reported in the sentence (null when none are reported)."),
    Column("injured_text", "string", "The words that report the injured."),
    Column("displaced", "Int64", "People displaced reported in the sentence (null when none are reported)."),
    Column("displaced_text", "string", "The words that report the displacement."),
    Column(
        "cluster_id",
        "string",
        "Id shared by the rows that report the same event (same type, place and date window) in different articles.",
    ),
    Column("n_sources", "Int64", "Number of distinct sources (outlets, else articles) reporting the event."),
    Column("fatalities_low", "Int64", "Lowest death count among the reports of the event."),
    Column("fatalities_high", "Int64", "Highest death count among the reports of the event."),
    Column(
        "record_kind",
        "string",
        "Either event (a specific occurrence at a place and time) or mention (a total, campaign, threat, "
        "denial, statement, boilerplate or a place named without an event); the dashboard draws and counts "
        "events.",
    ),
    Column("mention_reason", "string", "For a mention: the id of the rule that made it one (`conflictmap rules`)."),
    Column(
        "evidence",
        "string",
        "Every span of the article that reports this event, as JSON [[start, end], ...] (headline, lead, "
        "later toll); `excerpt` is the one that says most.",
    ),
    Column("excerpt", "string", "The sentence that says most about the event, verbatim."),
    Column("excerpt_start", "Int64", "Character offset of the excerpt in the article text."),
    Column("excerpt_end", "Int64", "End offset (exclusive) of the excerpt in the article text."),
    Column("title", "string", "Title of the source article."),
    Column("source", "string", "Outlet or file the article came from."),
    Column("url", "string", "Link to the article, when known."),
    Column("published", "datetime64[ns]", "Publication date of the article."),
    Column("published_inferred", "boolean", "True when the publication date was inferred from the text."),
    Column(
        "dateline",
        "datetime64[ns]",
        "The date the article's text opens with (its dateline), when it has one; relative days (\"on "
        'Tuesday") resolve against it. Differs from `published` when the supplied date disagrees.',
    ),
    Column("confidence", "float64", "0-1 score from the cues that produced the row (place, type, date)."),
)

NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
DTYPES: dict[str, str] = {c.name: c.dtype for c in COLUMNS}
# Each dtype's SQL type (DuckDB's), for a column written as typed NULLs.
SQL_TYPES = {
    "string": "VARCHAR",
    "datetime64[ns]": "TIMESTAMP_NS",
    "Int64": "BIGINT",
    "float64": "DOUBLE",
    "boolean": "BOOLEAN",
}

# Plain constants so callers use names, not string literals scattered around.
EVENT_ID = "event_id"
ARTICLE_ID = "article_id"
EVENT_DATE = "event_date"
DATE_PRECISION = "date_precision"
DATE_SOURCE = "date_source"
IS_FUTURE = "is_future"
EVENT_TYPE = "event_type"
SUB_EVENT_TYPE = "sub_event_type"
TRIGGER = "trigger"
TRIGGER_START = "trigger_start"
TRIGGER_END = "trigger_end"
ACTOR1 = "actor1"
ACTOR2 = "actor2"
INTER1 = "inter1"
INTER2 = "inter2"
INTERACTION = "interaction"
RECORD_KIND = "record_kind"
MENTION_REASON = "mention_reason"
EVIDENCE = "evidence"
DATELINE = "dateline"
RECORD_KINDS: tuple[str, ...] = ("event", "mention")
LOCATION = "location"
TOPONYM = "toponym"
TOPONYM_START = "toponym_start"
TOPONYM_END = "toponym_end"
LATITUDE = "latitude"
LONGITUDE = "longitude"
GEONAMEID = "geonameid"
FEATURE_CODE = "feature_code"
COUNTRY = "country"
COUNTRY_CODE = "country_code"
ADMIN1 = "admin1"
GEO_PRECISION = "geo_precision"
ALTERNATIVES = "alternatives"
FATALITIES = "fatalities"
FATALITIES_TEXT = "fatalities_text"
FATALITIES_SHARED = "fatalities_shared"
INJURED = "injured"
INJURED_TEXT = "injured_text"
DISPLACED = "displaced"
DISPLACED_TEXT = "displaced_text"
CLUSTER_ID = "cluster_id"
N_SOURCES = "n_sources"
FATALITIES_LOW = "fatalities_low"
FATALITIES_HIGH = "fatalities_high"
EXCERPT = "excerpt"
EXCERPT_START = "excerpt_start"
EXCERPT_END = "excerpt_end"
TITLE = "title"
SOURCE = "source"
URL = "url"
PUBLISHED = "published"
PUBLISHED_INFERRED = "published_inferred"
CONFIDENCE = "confidence"

# The columns that say where an event happened, moved together.
PLACE_COLUMNS: tuple[str, ...] = (
    LOCATION,
    TOPONYM,
    TOPONYM_START,
    TOPONYM_END,
    LATITUDE,
    LONGITUDE,
    GEONAMEID,
    FEATURE_CODE,
    COUNTRY,
    COUNTRY_CODE,
    ADMIN1,
    GEO_PRECISION,
    ALTERNATIVES,
)

# The columns a correction of a place sets: the resolved place, not the toponym read in the text nor
# the geoparser's ranked alternatives.
CORRECTED_PLACE_COLUMNS: tuple[str, ...] = tuple(
    c for c in PLACE_COLUMNS if c not in (TOPONYM, TOPONYM_START, TOPONYM_END, ALTERNATIVES)
)

# The trigger and where it is, moved together (an event that takes another report's type takes its words).
TRIGGER_COLUMNS: tuple[str, ...] = (TRIGGER, TRIGGER_START, TRIGGER_END)

# Derived on load for the app: a key identifying one marker (one resolved place).
PLACE_KEY = "place_key"

# The articles table stored beside the events (full text for "read in context" and offsets).
ARTICLE_COLUMNS: tuple[str, ...] = (
    "article_id",
    "title",
    "text",
    "published",
    "published_inferred",
    "source",
    "url",
    "path",
    "extra",
)


def isin(values: pd.Series, among: Iterable[object]) -> np.ndarray:
    """values.astype(str).isin(among) as booleans (a missing value is among nothing), for text
    such as event ids or merge keys. By Arrow: pandas' isin over str data makes an Arrow scalar of
    each of `among` (40 ms for 10,000 ids, several times in a correction's write)."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    texts = pa.array(values.astype("string"), from_pandas=True)
    if not (pa.types.is_string(texts.type) or pa.types.is_large_string(texts.type)):
        texts = texts.cast(pa.string())
    if isinstance(among, pd.Index | pd.Series):  # converted whole: iterating one calls Arrow per value
        wanted = pa.array(pd.Series(among).astype("string"), from_pandas=True).drop_null().cast(texts.type)
    else:
        texts_of = [str(x) for x in among if x is not None and not (isinstance(x, float) and x != x)]
        wanted = pa.array(texts_of, texts.type)
    return pc.fill_null(pc.is_in(texts, value_set=wanted), False).to_numpy(zero_copy_only=False)


def place_keys(df: pd.DataFrame) -> pd.Series:
    """One key per resolved place (name and coordinates): a marker on the map, a place for merging.
    pandas' text dtype whose missing value is NaN (a missing name or coordinate), as pandas' sums of
    the texts gave it."""
    joined = pc.binary_join_element_wise(*place_key_parts(df), "|")
    return pd.Series(pd.array(joined, dtype=pd.StringDtype(na_value=np.nan)), index=df.index)


def place_key_parts(df: pd.DataFrame) -> list[pa.Array]:
    """The three texts a place key joins (`place_keys`; merge.merge_keys joins them after the class
    and day), as Arrow strings, each null where the key is missing (a missing name or coordinate):
    joined by Arrow, where pandas' sums of text columns go through Python's strings row by row."""
    location = df[LOCATION]
    # A text column's missing values are missing keys; another column is formatted by str() (None
    # as "None"), as the keys always formatted it.
    names = location if isinstance(location.dtype, pd.StringDtype) else location.astype(str)
    return [
        pa.array(names, from_pandas=True).cast(pa.string()),
        *(coded(*_float_codes(df[c])) for c in (LATITUDE, LONGITUDE)),
    ]


def coded(codes: np.ndarray, texts: np.ndarray) -> pa.Array:
    """The texts of these codes (-1 and a missing text: null) as Arrow strings."""
    return pa.array(texts, pa.string(), from_pandas=True).take(pa.array(codes, mask=codes < 0))


def _float_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(each value's code, each code's text) of values.round(4).astype(str), each distinct value
    formatted once: str() of every float was most of place_keys' time (the merge keys of a
    correction's 20,000 rows). Matched by their bits, so -0.0 and each NaN keep their own text (a
    missing one: NaN)."""
    if values.dtype != "float64":  # not the schema's dtype: formatted as it is
        codes, texts = pd.factorize(values.round(4).astype(str).to_numpy(object), use_na_sentinel=False)
        return codes, np.asarray(texts, dtype=object)
    codes, bits = pd.factorize(values.round(4).to_numpy("float64").view("int64"))
    return codes, pd.Series(bits.view("float64")).astype(str).to_numpy(object)


def empty_events() -> pd.DataFrame:
    """An events table with no rows, the schema's columns and dtypes (a fresh copy each call)."""
    return _empty_events().copy()


@lru_cache(maxsize=1)
def _empty_events() -> pd.DataFrame:
    # Built once: coercing 53 empty columns costs ~10 ms, and stores and views ask for it often.
    # Never handed out itself, only copied.
    return coerce_events(pd.DataFrame({name: [] for name in NAMES}))


def coerce_events(df: pd.DataFrame, names: tuple[str, ...] = NAMES) -> pd.DataFrame:
    """Return df with exactly the schema's columns, in order, with the schema's dtypes; with `names`
    (schema columns), only those, in that order (a view that reads a few columns of its rows)."""
    # Each column converted as an array and the frame built once: converting Series and assigning them
    # one by one into a copied frame cost ~6 ms a call whatever its rows (53 columns), and the views
    # coerce a few dozen rows many times per answer (DuckDB's newest rows, the excerpt list).
    return pd.DataFrame(
        {name: _schema_array(df[name] if name in df.columns else None, DTYPES[name], len(df)) for name in names},
        index=pd.RangeIndex(len(df)),
    )


def _missing(dtype: str, rows: int) -> ExtensionArray | None:
    """A column of `rows` missing values in the schema's dtype, built as such (None: a dtype not
    handled here). Converting a list of None took ~18 ms per text column of 20,000 rows: a store's
    write coerces the merge's rows (26 of the 53 columns) several times."""
    if dtype == "string":
        return pd.array(pa.nulls(rows, pa.large_string()), dtype="string")
    if dtype == "float64":
        return pd.array(np.full(rows, np.nan), dtype="float64")
    if dtype == "Int64":
        return pd.arrays.IntegerArray(np.zeros(rows, dtype="int64"), np.ones(rows, dtype=bool))
    if dtype == "boolean":
        return pd.arrays.BooleanArray(np.zeros(rows, dtype=bool), np.ones(rows, dtype=bool))
    if dtype == "datetime64[ns]":
        return pd.array(np.full(rows, np.datetime64("NaT"), dtype="datetime64[ns]"))
    return None


def _schema_array(column: pd.Series | None, dtype: str, rows: int) -> ExtensionArray:
    """One column's values in the schema's dtype (a missing column: all missing)."""
    if column is None:
        missing = _missing(dtype, rows)
        if missing is not None:
            return missing
        column = pd.Series([None] * rows, dtype="object")
    if str(column.dtype) == dtype:
        return column.array  # already the schema's: the frame built from it copies it
    if dtype.startswith("datetime64"):
        return pd.to_datetime(column, errors="coerce").astype("datetime64[ns]").array
    if dtype == "float64":
        return pd.to_numeric(column, errors="coerce").astype("float64").array
    return column.array.astype(dtype)
