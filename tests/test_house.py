"""The shape of the house: the pipeline never loads the web app's libraries, and the package's
modules and functions stay small enough to read (the app's side of the first rule is in
test_upload.py: the app never loads spaCy or the pipeline).

Sizes are measured on the package as `ruff format` writes it (a copy, formatted), so they hold the
same before and after the tree is formatted. `python scripts/house_figures.py --list` prints the
same measures."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "dashboard"
MODULES = [p.relative_to(PACKAGE).as_posix() for p in sorted(PACKAGE.rglob("*.py"))]

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50
MAX_COMPLEXITY = 15

# Functions above MAX_COMPLEXITY (radon's cyclomatic complexity) or MAX_FUNCTION_LINES by nature,
# with why. Nothing joins these lists without a reason written here; no module is over its bound.
COMPLEX_BY_NATURE = {
    # One pass over the parse with a branch per kind of locative phrase ("X village", "the town of X",
    # "in X", lists); splitting it would scatter one grammar over several functions.
    "geo/locative.py:locative_names",
    # The order of the tag, phrase and gazetteer tests is itself the rule (see its comments).
    "geo/recognition.py:_locative_toponym",
    # Each test is one kind of name inside an organisation's name (country, province, county, city).
    "geo/entities.py:_embedded_place",
    "geo/entities.py:embedded_places",
    "geo/names.py:_known_run",
    # Import of a user's GeoNames file: one check per column, each with its own message.
    "geo/imports.py:import_file",
}
LONG_BY_NATURE: set[str] = set()


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


@pytest.fixture(scope="module")
def formatted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package as `ruff format` (a test extra) writes it, with the project's settings."""
    root = tmp_path_factory.mktemp("formatted")
    shutil.copytree(PACKAGE, root / "dashboard", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--quiet", "."], cwd=root, capture_output=True, text=True
    )
    if "No module named ruff" in done.stderr:
        pytest.skip("ruff is a test extra")
    assert done.returncode == 0, done.stderr
    return root / "dashboard"


def _long_functions(package: Path, module: str) -> dict[str, int]:
    """Functions (methods and nested functions each on their own) over MAX_FUNCTION_LINES, from the
    `def` line to the body's last line."""
    tree = ast.parse((package / module).read_text(encoding="utf-8"))
    functions = [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)]
    lengths = {f"{module}:{f.name}": (f.end_lineno or f.lineno) - f.lineno + 1 for f in functions}
    return {k: n for k, n in lengths.items() if n > MAX_FUNCTION_LINES}


def _complex_functions(package: Path, module: str) -> dict[str, int]:
    """Functions and methods of radon complexity MAX_COMPLEXITY or more. radon leaves a closure's
    branches out of the function around it, so a closure (a callback inside register_callbacks)
    is measured on its own, named after its parent."""
    radon = pytest.importorskip("radon.complexity", reason="radon is a test extra")
    blocks = radon.cc_visit((package / module).read_text(encoding="utf-8"))
    todo = [(b, b.name) for b in blocks if not hasattr(b, "methods")]  # functions and methods, not classes
    over = {}
    while todo:
        block, name = todo.pop()
        if block.complexity >= MAX_COMPLEXITY:
            over[f"{module}:{name}"] = block.complexity
        todo += [(c, f"{name}.{c.name}") for c in block.closures]
    return over


def _n_lines(package: Path, module: str) -> int:
    return len((package / module).read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("module", MODULES)
def test_modules_and_functions_stay_small(formatted: Path, module: str) -> None:
    n_lines = _n_lines(formatted, module)
    assert n_lines <= MAX_MODULE_LINES, f"{module}: {n_lines} lines"
    long = {k: n for k, n in _long_functions(formatted, module).items() if k not in LONG_BY_NATURE}
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_functions_stay_below_the_complexity_limit(formatted: Path) -> None:
    over = {k: n for m in MODULES for k, n in _complex_functions(formatted, m).items() if k not in COMPLEX_BY_NATURE}
    assert not over, f"radon complexity {MAX_COMPLEXITY} or more: {over}"


def test_the_exceptions_by_nature_are_still_over(formatted: Path) -> None:
    """An exception that meets its bound (or no longer exists) leaves its list: the lists only shrink."""
    long = {k for m in MODULES for k in _long_functions(formatted, m)}
    complex_ = {k for m in MODULES for k in _complex_functions(formatted, m)}
    assert LONG_BY_NATURE - long == set()
    assert COMPLEX_BY_NATURE - complex_ == set()
