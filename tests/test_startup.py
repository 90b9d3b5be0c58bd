"""A server process's start-up: Dash imported without its notebook support (IPython), which stays
importable after."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_server_imports_dash_without_ipython_and_ipython_still_imports() -> None:
    code = (
        "import importlib.util, sys\n"
        "from dashboard.app import import_dash_for_serving\n"
        "import_dash_for_serving()\n"
        "import dash\n"
        "from dashboard.app.app import create_app\n"
        "print('dash' in sys.modules, 'IPython' in sys.modules, end=' ')\n"
        "if importlib.util.find_spec('IPython') is not None:\n"
        "    import IPython\n"
        "print('IPython' in sys.modules or importlib.util.find_spec('IPython') is None)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["True", "False", "True"], out.stdout + out.stderr
