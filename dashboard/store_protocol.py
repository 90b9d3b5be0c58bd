"""What the app and the pipeline need of an events store, as typing Protocols.

`EventsStore` (dashboard/store.py: Parquet generations behind a manifest) is the one implementation.
The code that uses a store names the protocol it needs instead of the class, so the seam is written
down and checked by mypy: the app's views read (`StoreReader`); the ingest use case, the upload
review and the corrections also write (`Store`). Only the places that open a store by its folder
(the app factory, the CLI, the ingest use case) import the implementation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd
import pyarrow as pa

from dashboard.ingest.article import Article


@runtime_checkable
class StoreReader(Protocol):
    """A store's current generation, read: what the query engines, the reader and the panels ask."""

    @property
    def root(self) -> Path:
        """The store's folder (the upload inbox and the correction log live beside its data)."""
        ...

    def manifest(self) -> dict:
        """The current generation's manifest: `generation`, `n_events`, `n_articles`, the files."""
        ...

    def current(self) -> dict:
        """The manifest for readers, shared between calls (never changed by them): read again only
        when the store wrote a new one."""
        ...

    def files(self, m: dict | None = None) -> tuple[list[str], list[str]]:
        """(base parts, overlays) of a generation, as paths: what DuckDB reads."""
        ...

    def load_events(self, columns: list[str] | None = None) -> pd.DataFrame:
        """The effective events (overlays applied) as a schema-typed DataFrame."""
        ...

    def load_events_table(self, dictionary: tuple[str, ...] = (), columns: list[str] | None = None) -> pa.Table | None:
        """The effective events as Arrow (None when empty), `dictionary` columns dictionary-encoded."""
        ...

    def load_article(self, article_id: str) -> dict | None:
        """One article's row (title, text, ...) or None."""
        ...

    def article_ids(self) -> set[str]:
        """The ids of the stored articles."""
        ...


@runtime_checkable
class Store(StoreReader, Protocol):
    """A store that is also written: an ingest appends, a correction patches rows as an overlay."""

    def append(self, events: pd.DataFrame, articles: Iterable[Article]) -> tuple[int, int]:
        """Add the articles not stored yet and their events; returns (articles, events) added."""
        ...

    def patch_events(
        self,
        condition: str,
        params: list,
        transform: Callable[[pd.DataFrame], pd.DataFrame],
        pending: dict | None = None,
        toponym: str | None = None,
        keep: Callable[[pd.DataFrame], pd.Series] | None = None,
    ) -> int:
        """Move the rows `condition` matches (all naming `toponym`, when given, and kept by `keep`)
        where transform(rows) puts them; returns the new generation."""
        ...

    def finish_pending(self, apply: Callable[[dict], None]) -> bool:
        """Run the work the last write recorded as pending; returns whether there was any."""
        ...
