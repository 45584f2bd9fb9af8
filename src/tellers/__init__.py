"""tellers: exact counts for the elections of membership organisations.

The engine is importable without the service::

    import tellers
    election = tellers.read("ward.blt")
    result = tellers.count(election, "scottish-stv")
    print(tellers.render_text(result))

A method's options (``tellers methods METHOD`` lists them) go by name::

    tellers.count(election, "meek", options={"arithmetic": "rational", "ties": "listed"})
"""

from __future__ import annotations

from .compare import Comparison, compare
from .errors import ConfigurationError, FormatError, InputError, TellersError, VerificationError
from .formats import read
from .methods import count
from .model import (
    Action,
    Ballot,
    Candidate,
    Decision,
    Election,
    Outcome,
    Result,
    Round,
    TieBreak,
    TieMethod,
)
from .report import render_text, to_csv, to_json, to_json_dict

__version__ = "0.1.0"

__all__ = [
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
