"""Results as ``tellers count`` prints them: one renderer, shared by the CLI and :mod:`.batch`.

``text`` gives each result's stage table, a blank line between results; ``csv`` each result's
CSV, likewise; ``json`` one indented document for one file and, for several, one compact
document a line (JSON lines), each with a ``source`` key naming its file when ``sources`` are
given, so that a line can be told from the others whatever order it is read in.  Several files
stay JSON lines when only one of them could be counted (``several``), so that what reads the
output need not guess its shape from how many files failed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..model import Result
from .csv import to_csv
from .json import to_json, to_json_dict
from .text import render_text

__all__ = ["RESULT_FORMATS", "render_results"]

#: The formats :func:`render_results` writes (the CLI adds HTML, PDF and RCTab's JSON).
RESULT_FORMATS = ("text", "json", "csv")


def render_results(
    results: Sequence[Result],
    output: str,
    *,
    width: int = 120,
    color: bool = False,
    sources: Sequence[str] | None = None,
    several: bool | None = None,
) -> str:
    """Render results as text stage tables, JSON (lines, for several) or CSV.

    ``sources`` names each result's file (same length as ``results``); ``several`` says
    whether several files were given (default: whether there are several results); ``color``
    asks for the terminal's colours in the text tables.
    """
    if sources is not None and len(sources) != len(results):
        raise ValueError(f"{len(sources)} sources given for {len(results)} results")
    if output == "json":
        if not (len(results) > 1 if several is None else several):
            return "".join(to_json(r) + "\n" for r in results)
        if sources is None:
            return "".join(to_json(r, indent=None) + "\n" for r in results)
        return "".join(
            json.dumps({"source": name, **to_json_dict(r)}, ensure_ascii=False) + "\n"
            for name, r in zip(sources, results, strict=True)
        )
    if output == "csv":
        return "\n".join(to_csv(r) for r in results)
    if output == "text":
        return "\n".join(render_text(r, width=width, color=color) for r in results)
    raise ValueError(f"unknown result format {output!r} (known: {', '.join(RESULT_FORMATS)})")
