"""The registry of extraction rules: every rule has an id, a family, a one-line description and a switch.

`conflictmap rules` lists them; every `eval` command takes `--disable RULE,...` (ids or whole
families) so that what each rule is worth can be measured by switching it off. The switches travel
with the pipeline as an immutable `Switches` value: nothing global changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.errors import ConflictMapError
from dashboard.rule_list import EVENT_RULES, RuleInfo
from dashboard.rule_list_actors import ACTOR_RULES
from dashboard.rule_list_assembly import ASSEMBLY_RULES
from dashboard.rule_list_geo import GEO_RULES, LOCATION_RULES, TEXT_RULES
from dashboard.rule_list_types import TYPE_RULES

__all__ = ["ALL_ON", "FAMILIES", "IDS", "REGISTRY", "RuleInfo", "Switches"]


REGISTRY: tuple[RuleInfo, ...] = (
    EVENT_RULES + ACTOR_RULES + TYPE_RULES + ASSEMBLY_RULES + LOCATION_RULES + GEO_RULES + TEXT_RULES
)
IDS = frozenset(r.id for r in REGISTRY)
FAMILIES = frozenset(r.family for r in REGISTRY)


@dataclass(frozen=True)
class Switches:
    """Which rules are off. `on(id)` is what code asks before applying a rule."""

    disabled: frozenset[str] = frozenset()

    def on(self, rule_id: str) -> bool:
        return rule_id not in self.disabled

    @classmethod
    def parse(cls, spec: str | None) -> Switches:
        """`--disable` text: comma-separated rule ids or families ('mention' switches off every mention rule)."""
        off: set[str] = set()
        for part in (p.strip() for p in (spec or "").split(",")):
            if not part:
                continue
            if part in FAMILIES:
                off |= {r.id for r in REGISTRY if r.family == part}
            elif part in IDS:
                off.add(part)
            else:
                raise ConflictMapError(f"--disable: unknown rule {part!r}; `conflictmap rules` lists them")
        return cls(frozenset(off))


ALL_ON = Switches()
