"""A small run of scripts/faults.py (the full one kills 50 times per phase, by hand): kill -9 during a
correction save and a compaction leaves the store readable, nothing lost, the override table in step
with the store and no process behind; and the checks do see a store that is not."""

from __future__ import annotations

import importlib.util
import random
import shutil
import sys
from pathlib import Path

import pytest

from dashboard import schema as S
from dashboard.corrections import Alternative
from dashboard.overrides import add_override
from dashboard.store import EventsStore
from dashboard.synth import write_synthetic_store

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "faults.py"


@pytest.fixture(scope="module")
def faults():
    spec = importlib.util.spec_from_file_location("conflictmap_faults_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """One synthetic store written once; each test works on its own copy."""
    root = tmp_path_factory.mktemp("faults") / "store"
    write_synthetic_store(root, 3000, 3)
    return root


@pytest.mark.parametrize("phase", ["correction", "compaction"])
def test_kill_9_during_a_write_leaves_a_consistent_store(faults, synthetic: Path, tmp_path: Path, phase: str) -> None:
    run = faults.correction_phase if phase == "correction" else faults.compaction_phase
    result = run(tmp_path, 2, random.Random(7), source=synthetic)
    assert result["kills_during_write"] == 2
    assert result["faults"] == {} and result["orphans"] == 0, result["examples"]


def test_the_checks_see_an_override_the_store_does_not_follow(faults, synthetic: Path, tmp_path: Path) -> None:
    root, gz = tmp_path / "store", tmp_path / "gz"
    shutil.copytree(synthetic, root)
    events = EventsStore(root).load_events()
    name = str(events[S.TOPONYM].value_counts().index[0])
    place = Alternative(name="Fault place 4", lat=10.2, lon=20.0, feature_code="PPL", country_code="SY")
    add_override(name, place.lat, place.lon, "SY", folder=gz)  # the table says moved, the store does not
    found = faults.correction_faults(root, gz, name, 4, len(events), {})
    assert any("disagree" in f for f in found)
    assert faults.correction_faults(root, gz, name, 4, len(events) + 1, {})[0].startswith("event count changed")


def test_the_checks_see_a_duplicate_and_a_lost_article(faults, synthetic: Path) -> None:
    state = faults.store_state(synthetic)
    assert faults.basic_faults(state) == []
    twice = {**state, "events": state["events"].iloc[[0, 0]]}
    assert "duplicated event ids" in faults.basic_faults(twice)
    stored = set(state["articles"])
    want = {a: faults.per_article(state["events"]).get(a, 0) for a in stored}
    assert faults.ingest_faults(synthetic, stored, stored | {"f" * 16}, want) == ["lost articles: 1"]
