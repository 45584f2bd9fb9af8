"""Key paths map back to the lines of the TOML text they were written on."""

from __future__ import annotations

from tellers.rules._toml_lines import KeyLines

TEXT = '''# a comment
title = "x"  # trailing
notes = """
several
lines
"""
[offices.leader]
name = "Leader"

[[stages]]
id = "a"
[[stages.routes]]
id = "r"
conditions = [
  { body = "clp", share = "5%" },
  { body = "aff", at_least = 3 },
]

[[stages]]
id = "b"
[[stages.routes]]
id = "s"
list = ["a", 'b', """c"""]
'''


def test_lines_of_keys_tables_and_inline_elements() -> None:
    """Headers, keys, array-of-table entries and inline table keys all have their lines."""
    k = KeyLines(TEXT)
    assert k.line_of(("title",)) == 2
    assert k.line_of(("offices", "leader")) == 7
    assert k.line_of(("offices", "leader", "name")) == 8
    assert k.line_of(("stages", 0, "routes", 0, "conditions", 1, "at_least")) == 16
    assert k.line_of(("stages", 0, "routes", 0, "conditions", 0)) == 15
    assert k.line_of(("stages", 1, "id")) == 20
    assert k.line_of(("stages", 1, "routes", 0, "list", 2)) == 23
    # An unwritten key falls back to its nearest written parent.
    assert k.line_of(("stages", 1, "routes", 0, "missing")) == 21
    assert k.line_of(("nowhere",)) == 1
