"""Renderings of a :class:`tellers.Result`: the council stage table, JSON, CSV and HTML."""

from __future__ import annotations

from .csv import to_csv
from .html import render_count, render_count_fragment
from .json import to_json, to_json_dict
from .results import render_results
from .text import render_comparison, render_text, stage_table

__all__ = [
    "render_comparison",
    "render_count",
    "render_count_fragment",
    "render_results",
    "render_text",
    "stage_table",
    "to_csv",
    "to_json",
    "to_json_dict",
]
