"""The groups of rows `assemble` joins into events: a union-find that also knows what a join must not mix."""

from __future__ import annotations


class Groups:
    """Union-find over row indices; each group also knows the means of attack its rows name and the
    days its text-dated rows give."""

    def __init__(self, means: list[frozenset[str]], days: list[frozenset]) -> None:
        self.parent = list(range(len(means)))
        self._means = list(means)
        self._days = list(days)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def means(self, i: int) -> frozenset[str]:
        return self._means[self.find(i)]

    def days(self, i: int) -> frozenset:
        return self._days[self.find(i)]

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
            self._means[min(ra, rb)] = self._means[ra] | self._means[rb]
            self._days[min(ra, rb)] = self._days[ra] | self._days[rb]


# The date sources that say the event's own day (a report's day may be later; the publication's says nothing).
TEXT_DAYS = frozenset({"sentence", "context"})
