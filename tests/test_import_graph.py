"""The import graph of the whole ``tellers`` package has no circle (issue 16).

The graph is built statically: every module under ``src/tellers/`` is parsed with ``ast``,
relative imports are resolved against the module's package, and each import names the most
specific ``tellers`` module it reaches (``from tellers.methods import meek`` is an edge to
``tellers.methods.meek``; ``from tellers.methods import count`` is an edge to
``tellers.methods``).

What counts as an edge, and why:

- **Imports inside functions count.** A function-level import that is there only to dodge a
  circle at load time is still a circle for our purpose: the two modules still depend on each
  other, and neither can be understood, tested or moved without the other.
- **Imports under ``if TYPE_CHECKING:`` do not count.** They are read by the type checker only;
  nothing is loaded at run time, and an annotation naming another module's type is not a
  dependency of the behaviour.
- Importing ``a.b.c`` loads the packages ``a`` and ``a.b`` first, but that is not taken as an
  edge: otherwise every module under a package whose ``__init__`` re-exports its submodules
  would be in a circle with it, which is how a package's public API is meant to work.
"""

from __future__ import annotations

import ast
from pathlib import Path

import tellers

PACKAGE = Path(tellers.__file__).parent
"""``src/tellers``, found from the installed package so the test works from any directory."""


def _module_name(root: Path, path: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    """True for ``TYPE_CHECKING`` and ``typing.TYPE_CHECKING`` (and the ``t.`` alias)."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imports(tree: ast.AST, *, type_checking: bool) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement in ``tree`` (at any depth, functions included), except, unless
    ``type_checking``, those only reached under ``if TYPE_CHECKING:`` (its ``else:`` branch runs,
    so it is walked)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        if isinstance(node, ast.If) and _is_type_checking(node.test) and not type_checking:
            for branch in node.orelse:
                visit(branch)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph(root: Path = PACKAGE, *, type_checking: bool = False) -> dict[str, set[str]]:
    """Return, for each module of the package at ``root``, the package's modules it imports at
    run time (and under ``if TYPE_CHECKING:`` too if ``type_checking``)."""
    modules = {_module_name(root, p): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree, type_checking=type_checking):
            targets: list[str]
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    # ``from .. import x`` in tellers.a.b (a module) is relative to tellers.a's
                    # parent: one level is the module's own package, each further dot one up.
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                # ``from pkg import sub`` imports the submodule; ``from pkg import name`` the
                # package whose namespace holds the name.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted, with
    the components themselves sorted: every set of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def _a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete cycle through the component's first module, for the failure message."""
    members = set(component)
    start = component[0]
    # Breadth-first from the start's successors back to the start, inside the component.
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph[node] & members):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [*reversed(path), start]
                if nxt not in previous:
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"{component} is not a cycle")  # pragma: no cover


def test_the_builder_reads_every_kind_of_import(tmp_path: Path) -> None:
    """Relative imports resolve, submodules are named, function-level imports count and
    ``if TYPE_CHECKING:`` ones do not (unless asked for), on a package made for the test."""
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "from .a import f\n",
        "a.py": "import pkg.sub.c\ndef f():\n    from .sub import b\n",
        "sub/__init__.py": "",
        "sub/b.py": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from .d import h\nelse:\n    from .. import a\n"
        ),
        "sub/c.py": "from . import d\nfrom ..sub.b import g\nimport os\n",
        "sub/d.py": "from .. import f\n",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    assert import_graph(root) == {
        "pkg": {"pkg.a"},
        "pkg.a": {"pkg.sub.c", "pkg.sub.b"},
        "pkg.sub": set(),
        "pkg.sub.b": {"pkg.a"},
        "pkg.sub.c": {"pkg.sub.d", "pkg.sub.b"},
        "pkg.sub.d": {"pkg"},
    }
    assert import_graph(root, type_checking=True)["pkg.sub.b"] == {"pkg.a", "pkg.sub.d"}
    # pkg -> a -> c -> d -> pkg, and a -> b -> a (a's import of b is inside a function).
    assert circles(import_graph(root)) == [["pkg", "pkg.a", "pkg.sub.b", "pkg.sub.c", "pkg.sub.d"]]


def test_no_import_circle() -> None:
    """No module of ``tellers`` imports itself, directly or through others."""
    graph = import_graph()
    found = circles(graph)
    message = "\n".join(
        f"circle of {len(c)} modules: {' -> '.join(_a_cycle(graph, c))}"
        + (f"\n  (all of: {', '.join(c)})" if len(c) > 2 else "")
        for c in found
    )
    assert not found, "the import graph has circles:\n" + message


def test_circles_are_found() -> None:
    """The detector itself: a two-module circle and a longer one are reported, a chain is not."""
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c", "f"}, "f": set()}
    assert circles(graph) == [["a", "b"], ["c", "d", "e"]]
    assert _a_cycle(graph, ["c", "d", "e"]) == ["c", "d", "e", "c"]
    assert circles({"a": {"b"}, "b": set()}) == []
