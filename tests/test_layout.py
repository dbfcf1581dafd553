"""The code's layout holds: small modules, imports that point down, no cycle.

The imports are read from the source (every `import`, in functions too, but for those
under `if TYPE_CHECKING:`), so that the rules hold for the code as written, not only
for the modules a test happened to load.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"
MAX_LINES = 400


def modules() -> dict[str, Path]:
    """Every module of the `myphoto` package by its dotted name (migrations aside)."""
    found = {}
    for path in sorted((SOURCE / "myphoto").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = modules()


def _outside_type_checking(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []  # walked after: its imports are for the type checker alone
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def imports_of(name: str) -> set[str]:
    """The modules of `myphoto` that module `name` imports."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in _outside_type_checking(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, *([base] if base else [])])
        for alias in node.names:
            # `from package import module` imports the module; `from module import name`,
            # the module.
            found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {module for module in found if module in MODULES}


GRAPH = {name: imports_of(name) for name in MODULES}


def test_no_module_is_over_400_lines():
    sources = [
        *(path for path in MODULES.values()),
        *(ROOT / "tests").rglob("*.py"),
        *(ROOT / "bench").glob("*.py"),
        *(SOURCE / "myphoto").rglob("*.js"),
    ]
    long = {
        str(path.relative_to(ROOT)): count
        for path in sources
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_common_imports_nothing_of_django_or_of_the_server():
    """`myphoto.common` is what the server and the client share: plain Python and the
    media libraries, with the server's settings passed in."""
    offending = {}
    for name, path in MODULES.items():
        if not name.startswith("myphoto.common"):
            continue
        tree = ast.parse(path.read_text(), str(path))
        named = {
            alias.name if isinstance(node, ast.Import) else node.module or ""
            for node in _outside_type_checking(tree)
            for alias in node.names
        }
        outside = {module for module in GRAPH[name] if not module.startswith("myphoto.common")}
        bad = outside | {module for module in named if module.split(".")[0] == "django"}
        if bad:
            offending[name] = sorted(bad)
    assert offending == {}


def test_the_client_and_the_server_share_only_common():
    crossing = {
        name: sorted(
            module
            for module in imports
            if (name.startswith("myphoto.client") and module.startswith("myphoto.photos"))
            or (name.startswith("myphoto.photos") and module.startswith("myphoto.client"))
        )
        for name, imports in GRAPH.items()
    }
    assert {name: found for name, found in crossing.items() if found} == {}


def cycles() -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
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

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    return groups


def test_imports_point_down_with_no_cycle():
    """Modules can be stood on floors, each importing only from those below it: no module
    imports one that imports it back, however far round."""
    assert cycles() == []


def test_the_layout_test_sees_the_imports():
    """What the rules above rely on: relative imports, packages and submodules resolved."""
    assert "myphoto.photos.models" in GRAPH["myphoto.photos.selectors.photos"]
    assert "myphoto.photos.selectors.albums" in GRAPH["myphoto.photos.selectors.photos"]
    assert "myphoto.common.media.files" in GRAPH["myphoto.photos.media"]
    assert "myphoto.photos.web.timeline" in GRAPH["myphoto.photos.urls"]
