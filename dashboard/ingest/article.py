"""The Article value type."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import date


def article_id_for(text: str) -> str:
    """Id from the text alone, so the same article read twice (any format) is stored once."""
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    text: str
    title: str = ""
    published: date | None = None
    published_inferred: bool = False
    source: str = ""
    url: str = ""
    path: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    article_id: str = ""

    def __post_init__(self) -> None:
        if not self.article_id:
            object.__setattr__(self, "article_id", article_id_for(self.text))

    @property
    def n_words(self) -> int:
        return len(self.text.split())
