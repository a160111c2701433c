"""Read the imports of server/ and loaders/ with ast; report import circles and imports that run up.

An import runs back up when a module inside a subpackage imports a module of an enclosing package
that itself imports into that subpackage (the subpackage then depends on its own user).
Run as `python tests/import_graph.py`; exits 1 and prints one line per finding if any.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"server": "accords.server", "loaders": "accords.loaders"}


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the checked packages, by its installed dotted name."""
    found = {}
    for folder, dotted in PACKAGES.items():
        for path in sorted((root / folder).rglob("*.py")):
            parts = list(path.relative_to(root / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([dotted, *parts])] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The checked modules that `name` imports (at any depth of the file, TYPE_CHECKING blocks too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                targets.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    resolved = set()
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module -> the checked modules it imports."""
    found = modules(root)
    known = set(found)
    return {name: imports(name, path, known) for name, path in found.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    for node in sorted(edges):
        if node not in index:
            connect(node)
    return sorted(groups)


def package_of(name: str, edges: dict[str, set[str]]) -> str:
    """The package a module belongs to (a package's __init__ belongs to itself)."""
    return name if any(other.startswith(name + ".") for other in edges) else name.rpartition(".")[0]


def upward(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports from inside a subpackage up to an enclosing package's module that imports back down."""
    found = []
    for source, targets in edges.items():
        inner = package_of(source, edges)
        for target in targets:
            outer = package_of(target, edges)
            if outer == inner or not inner.startswith(outer + "."):
                continue
            if any(reached.startswith(inner + ".") or reached == inner for reached in edges[target]):
                found.append((source, target))
    return sorted(found)


def findings(root: Path = ROOT) -> list[str]:
    """One readable line per import circle and per import that runs up."""
    edges = graph(root)
    lines = [f"import circle: {' <-> '.join(group)}" for group in circles(edges)]
    lines += [f"import runs up: {source} -> {target}" for source, target in upward(edges)]
    return lines


def main() -> int:
    lines = findings()
    for line in lines:
        print(line)
    return 1 if lines else 0


if __name__ == "__main__":
    raise SystemExit(main())
