"""tellers.rctab's shape: a public API that resolves, no import circle, a light engine import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tellers.rctab

PACKAGE = Path(tellers.rctab.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["tellers", "rctab", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Return, for each module of tellers.rctab, the tellers.rctab modules it imports.

    Every import statement counts, including those inside functions: a circle closed only at
    run time is still a circle.  ``from . import name`` is an import of the package itself
    unless ``name`` is a submodule.
    """
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([node.module] if node.module else []))
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                    for a in node.names
                ]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def test_no_import_circle() -> None:
    """No module of tellers.rctab imports, directly or through others, itself."""
    graph = _imports()
    assert "tellers.rctab.cvr.collector" in graph["tellers.rctab.cvr.ess"]
    circles: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt in path:
                circles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in done:
                walk(nxt, [*path, nxt])
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            walk(start, [start])
    assert circles == []


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
