"""The rule registry: ids, families, switches, and that every registered rule is asked for in the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.errors import ConflictMapError
from dashboard.rules import FAMILIES, IDS, REGISTRY, Switches

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"


def test_ids_are_unique_and_described() -> None:
    assert len(IDS) == len(REGISTRY)
    for r in REGISTRY:
        assert r.id.startswith(r.family + "."), r.id
        assert len(r.description) > 20


def test_every_rule_has_a_switch_in_the_code() -> None:
    """A rule listed but never asked for would be ablated for nothing."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py") if p.name != "rules.py")
    for r in REGISTRY:
        assert f'on("{r.id}")' in code, f"{r.id} is registered but no code asks switches.on for it"


def test_parse_ids_and_families() -> None:
    assert Switches.parse(None).disabled == frozenset()
    s = Switches.parse("mention.negated, assemble")
    assert not s.on("mention.negated")
    assert s.on("mention.boilerplate")
    assert all(not s.on(r.id) for r in REGISTRY if r.family == "assemble")
    assert "mention" in FAMILIES


def test_unknown_rule_is_refused_with_a_hint() -> None:
    with pytest.raises(ConflictMapError, match="conflictmap rules"):
        Switches.parse("mention.nonsense")
