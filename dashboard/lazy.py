"""A list worked out the first time it is read, for work an article may never need (the actor and
reporter names an article's sites are checked against: about half the articles offer no site)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Later(Generic[T]):
    """`make()`'s items, made once, when first iterated."""

    def __init__(self, make: Callable[[], list[T]]) -> None:
        self._make: Callable[[], list[T]] | None = make
        self._items: list[T] = []

    def __iter__(self) -> Iterator[T]:
        if self._make is not None:
            self._items, self._make = self._make(), None
        return iter(self._items)
