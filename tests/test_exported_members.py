"""The public API changes only on purpose."""

from __future__ import annotations

import tellers

EXPECTED = [
    "Action",
    "Ballot",
    "Candidate",
    "Comparison",
    "ConfigurationError",
    "Decision",
    "Election",
    "FormatError",
    "InputError",
    "Outcome",
    "Result",
    "Round",
    "TellersError",
    "TieBreak",
    "TieMethod",
    "VerificationError",
    "__version__",
    "compare",
    "count",
    "read",
    "render_text",
    "to_csv",
    "to_json",
    "to_json_dict",
]


def test_public_names_are_exactly_these() -> None:
    """``tellers.__all__`` is the list above, sorted, and every name resolves."""
    assert sorted(tellers.__all__) == EXPECTED
    for name in tellers.__all__:
        assert getattr(tellers, name) is not None


def test_engine_imports_without_the_cli_or_django() -> None:
    """Importing the engine pulls in neither typer nor Django."""
    import subprocess
    import sys

    code = (
        "import sys, tellers; "
        "print(any(m.split('.')[0] in ('typer', 'django') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
