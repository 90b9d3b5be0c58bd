"""The house's size figures: modules over 400 lines, functions over 50 lines, functions of radon
cyclomatic complexity 15 or more, across a package (issue 15's bounds; tests/test_house.py holds
them for the parts that meet them).

    python scripts/house_figures.py [PACKAGE_DIR] [--list] [--as-is]

Measured, as tests/test_house.py measures them, on a copy of the package as `ruff format` writes
it (with the pyproject.toml above the package), so the figures do not change when the tree is
formatted; --as-is measures the files as they are. Function lengths count from the `def` line
(decorators excluded) to the last line of the body; nested functions and methods count on their
own. Complexity is radon's (`radon cc --show-closures`), a closure on its own. The summary names,
per folder, how many of each; --list names every offender.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50
MAX_COMPLEXITY = 15


def long_functions(tree: ast.AST) -> list[tuple[str, int, int]]:
    """(name, first line, length) of every function longer than MAX_FUNCTION_LINES."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                out.append((node.name, node.lineno, length))
    return out


def complex_functions(code: str) -> list[tuple[str, int, int]]:
    """(name, first line, complexity) of every function of radon complexity MAX_COMPLEXITY or more."""
    from radon.complexity import cc_visit  # a test extra

    # Functions and methods as `radon cc --show-closures` lists them (classes left out): radon does
    # not count a closure's branches in the function around it, so a closure (a Dash callback inside
    # register_callbacks) is measured on its own, named after its parent.
    out = []
    todo = [(b, b.name) for b in cc_visit(code) if not hasattr(b, "methods")]
    while todo:
        block, name = todo.pop()
        if block.complexity >= MAX_COMPLEXITY:
            out.append((name, block.lineno, block.complexity))
        todo += [(c, f"{name}.{c.name}") for c in block.closures]
    return out


def figures(package: Path) -> dict[str, list[tuple[str, str, int, int]]]:
    found: dict[str, list[tuple[str, str, int, int]]] = {"modules": [], "functions": [], "complexity": []}
    for path in sorted(package.rglob("*.py")):
        rel = str(path.relative_to(package.parent))
        code = path.read_text(encoding="utf-8")
        n_lines = len(code.splitlines())
        if n_lines > MAX_MODULE_LINES:
            found["modules"].append((rel, "", 0, n_lines))
        found["functions"] += [(rel, name, line, n) for name, line, n in long_functions(ast.parse(code))]
        found["complexity"] += [(rel, name, line, cc) for name, line, cc in complex_functions(code)]
    return found


def formatted_copy(package: Path, into: Path) -> Path:
    """A copy of `package` under `into`, formatted by `ruff format` with the project's settings."""
    shutil.copytree(package, into / package.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if (package.parent / "pyproject.toml").exists():
        shutil.copy(package.parent / "pyproject.toml", into / "pyproject.toml")
    subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", "."], cwd=into, check=True)
    return into / package.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("package", nargs="?", default=str(Path(__file__).resolve().parents[1] / "dashboard"))
    parser.add_argument("--list", action="store_true", help="name every offender")
    parser.add_argument("--as-is", action="store_true", help="measure the files as they are, not as formatted")
    args = parser.parse_args(argv)
    package = Path(args.package).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        found = figures(package if args.as_is else formatted_copy(package, Path(tmp)))
    n_modules = sum(1 for _ in package.rglob("*.py"))
    print(f"{package}: {n_modules} modules" + (" (as they are)" if args.as_is else " (as ruff format writes them)"))
    bounds = {
        "modules": f"over {MAX_MODULE_LINES} lines",
        "functions": f"over {MAX_FUNCTION_LINES} lines",
        "complexity": f"radon complexity {MAX_COMPLEXITY}+",
    }
    for kind, rows in found.items():
        by_folder = Counter(str(Path(r[0]).parent) for r in rows)
        print(f"{kind} {bounds[kind]}: {len(rows)}  " + ", ".join(f"{k} {v}" for k, v in sorted(by_folder.items())))
        if args.list:
            for rel, name, line, n in sorted(rows, key=lambda r: -r[3]):
                print(f"    {n:5d}  {rel}" + (f":{line} {name}" if name else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
