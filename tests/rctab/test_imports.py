"""tellers.rctab's shape: a public API that resolves and a light engine import.

That no module imports itself through others is tests/test_import_graph.py's, for the whole
package (the cvr circle this package once had included).
"""

from __future__ import annotations

import subprocess
import sys

import tellers.rctab


def test_public_api_resolves() -> None:
    """Every name in ``tellers.rctab.__all__`` resolves, the lazily imported ones included."""
    for name in tellers.rctab.__all__:
        assert getattr(tellers.rctab, name) is not None, name
    assert tellers.rctab.run_config.__module__ == "tellers.rctab.run"


def test_engine_import_leaves_the_config_layer_alone() -> None:
    """``import tellers`` loads RCTab's count for the registry, not its config and CVR readers."""
    code = (
        "import sys, tellers; "
        "print(sorted(m for m in sys.modules if m.startswith('tellers.rctab')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(
        ["tellers.rctab", "tellers.rctab._java", "tellers.rctab.options", "tellers.rctab.tabulator"]
    )
