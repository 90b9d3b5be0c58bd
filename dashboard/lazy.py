"""Work done once, when first needed: a list worked out the first time it is read, for work an article
may never need (the actor and reporter names an article's sites are checked against: about half the
articles offer no site), and answers kept per key (`Kept`: the gazetteer's lookups)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class Later(Generic[T]):
    """`make()`'s items, made once, when first iterated."""

    def __init__(self, make: Callable[[], list[T]]) -> None:
        self._make: Callable[[], list[T]] | None = make
        self._items: list[T] = []

    def __iter__(self) -> Iterator[T]:
        if self._make is not None:
            self._items, self._make = self._make(), None
        return iter(self._items)


class Kept(Generic[K, T]):
    """Answers worked out once per key and kept, up to `most` keys (then all are forgotten at once);
    the owner calls `clear` whenever what they were worked out from changes."""

    def __init__(self, most: int) -> None:
        self._most = most
        self._answers: dict[K, T] = {}

    def get(self, key: K, make: Callable[[], T]) -> T:
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= self._most:
                self._answers.clear()
            found = self._answers[key] = make()
        return found

    def clear(self) -> None:
        self._answers.clear()
