"""The shape of the house: the pipeline never loads the web app's libraries, and the geoparser's
modules and functions stay small enough to read (the app's side of the first rule is in
test_upload.py: the app never loads spaCy or the pipeline)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "dashboard" / "geo"

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50
MAX_COMPLEXITY = 15
# Functions of geo/ still above MAX_COMPLEXITY (radon's cyclomatic complexity), with why. A function
# leaves this list when it is simplified; nothing new may join it without a reason written here.
COMPLEX_BY_NATURE = {
    # One pass over the parse with a branch per kind of locative phrase ("X village", "the town of X",
    # "in X", lists); splitting it would scatter one grammar over several functions.
    "locative_names",
    # The order of the tag, phrase and gazetteer tests is itself the rule (see its comments).
    "_locative_toponym",
    # Each test is one kind of name inside an organisation's name (country, province, county, city).
    "_embedded_place",
    "embedded_places",
    "_known_run",
    # Import of a user's GeoNames file: one check per column, each with its own message.
    "import_file",
    "apply_user_additions",
}


def test_pipeline_modules_never_import_the_web_app_libraries() -> None:
    """Every module outside dashboard/app is importable without Dash, Flask or Plotly loading: the
    pipeline, the store, the evaluation and the command line run on a machine with no web stack."""
    code = (
        "import importlib, pkgutil, sys, dashboard\n"
        "mods = [m.name for m in pkgutil.walk_packages(dashboard.__path__, 'dashboard.')"
        " if not m.name.startswith('dashboard.app')]\n"
        "for m in mods: importlib.import_module(m)\n"
        "print(len(mods), sorted(m for m in sys.modules if m.split('.')[0] in ('dash', 'flask', 'plotly')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    n_modules, loaded = out.stdout.strip().split(" ", 1)
    assert int(n_modules) > 30, "the walk found the package's modules"
    assert loaded == "[]", loaded


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


@pytest.mark.parametrize("path", sorted(GEO.glob("*.py")), ids=lambda p: p.name)
def test_geo_modules_and_functions_stay_small(path: Path) -> None:
    n_lines = len(path.read_text(encoding="utf-8").splitlines())
    assert n_lines <= MAX_MODULE_LINES, f"{path.name}: {n_lines} lines"
    long = [(f.name, f.end_lineno - f.lineno + 1) for f in _functions(path)
            if f.end_lineno - f.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{path.name}: functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_geo_functions_stay_below_the_complexity_limit() -> None:
    radon = pytest.importorskip("radon.complexity", reason="radon is a test extra")
    over = []
    for path in sorted(GEO.glob("*.py")):
        for block in radon.cc_visit(path.read_text(encoding="utf-8")):
            if block.complexity >= MAX_COMPLEXITY and block.name not in COMPLEX_BY_NATURE:
                over.append(f"{path.name}:{block.name} ({block.complexity})")
    assert not over, f"radon complexity {MAX_COMPLEXITY} or more: {over}"
