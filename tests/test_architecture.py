"""The house rules of docs/architecture.md, checked on the code itself.

- no import circle among the modules of ``pipeline``, ``extractors`` and ``schemas`` (imports
  inside functions count: a circle dodged by a late import is still a circle);
- each room imports only the rooms the architecture allows (the layout step never reads an
  extractor; the OCR engines never read the letter's layout);
- ``pyproject.toml`` declares exactly the third-party distributions the packages import, and
  the development extras cover what tests, scripts and benchmarks import.
"""

from __future__ import annotations

import ast
import importlib.metadata
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="reads pyproject.toml (Python 3.11+)")

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pipeline", "extractors", "schemas")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[str]:
    """Every module name ``path`` imports, anywhere in the file, relative imports resolved."""
    tree = ast.parse(path.read_text("utf-8"))
    package = ".".join(path.parent.relative_to(ROOT).parts)
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for imported in _imports(path):
            # "from pipeline.layout import zone": the module is pipeline.layout, not .zone
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                edges.add(imported)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


# Each room and the rooms it may import (docs/architecture.md draws the same picture). A
# module belongs to the longest room name that prefixes it.
ALLOWED: dict[str, set[str]] = {
    "schemas": set(),
    "pipeline.errors": set(),
    "pipeline.letters": set(),
    "pipeline.rules": {"pipeline.letters"},
    "pipeline.normalize": {"pipeline.letters", "pipeline.rules"},
    "pipeline.document": {"schemas"},
    "pipeline.ocr": {"schemas", "pipeline.errors"},
    "pipeline.options": {"pipeline.ocr"},
    "pipeline.signatures": {"schemas", "pipeline.document", "pipeline.normalize",
                            "pipeline.letters"},
    "pipeline.layout": {"schemas", "pipeline.document", "pipeline.normalize", "pipeline.letters",
                        "pipeline.rules", "pipeline.ocr"},
    "pipeline.readers": {"schemas", "pipeline.document", "pipeline.normalize", "pipeline.letters",
                         "pipeline.rules", "pipeline.errors", "pipeline.options", "pipeline.ocr",
                         "pipeline.layout", "pipeline.signatures"},
    "extractors": {"extractors", "schemas", "pipeline.document", "pipeline.normalize",
                   "pipeline.letters", "pipeline.rules", "pipeline.layout",
                   "pipeline.signatures"},
    "pipeline.runner": {"schemas", "pipeline.errors", "pipeline.options", "pipeline.readers",
                        "pipeline.layout", "extractors"},
    "pipeline.sinks": {"schemas"},
    # dataset-level steps over the record tables: resolving citations, Decree 30 rules
    "pipeline.links": {"schemas", "pipeline.letters"},
    "pipeline.checks": {"schemas", "pipeline.letters", "pipeline.rules"},
    # the SQL face reads the sink's pinned tables and builds links/checks a run did not store
    "pipeline.query": {"schemas", "pipeline.sinks", "pipeline.links", "pipeline.checks"},
    "pipeline.executors": {"schemas", "pipeline.options", "pipeline.runner", "pipeline.ocr"},
    "pipeline.api": {"schemas", "pipeline.errors", "pipeline.options", "pipeline.runner",
                     "pipeline.sinks", "pipeline.executors", "pipeline.links", "pipeline.checks",
                     "pipeline.query"},
    # an archivist's corrections: stored through the sink, found through the API's reads
    "pipeline.corrections": {"schemas", "pipeline.sinks", "pipeline.api"},
    # the data out as CSV, JSON Lines, Excel, read through the API (corrections applied)
    "pipeline.export": {"schemas", "pipeline.api", "pipeline.corrections"},
    # pages and boxes as images for the archivist (crop), the filters, the review page
    "pipeline.review": {"schemas", "pipeline.api", "pipeline.corrections"},
    "pipeline.cli": {"schemas", "pipeline.api", "pipeline.options", "pipeline.query",
                     "pipeline.review", "pipeline.corrections", "pipeline.export"},
    "pipeline": {"pipeline.api"},  # the package's lazy face
}


def _room(module: str) -> str:
    candidates = [r for r in ALLOWED if module == r or module.startswith(r + ".")]
    if not candidates:
        raise AssertionError(f"{module} belongs to no room of the architecture")
    return max(candidates, key=len)


def test_each_room_imports_only_what_the_architecture_allows():
    wrong = []
    for module, edges in sorted(_graph().items()):
        room = _room(module)
        for target in sorted(edges):
            other = _room(target)
            if other != room and other not in ALLOWED[room]:
                wrong.append(f"{module} imports {target} ({room} -> {other})")
    assert wrong == []


# ---------------------------------------------------------------------------- dependencies

def _third_party(folders: list[Path]) -> set[str]:
    own = set(PACKAGES) | {"tests", "bench", "scripts", "notebooks"}
    own |= {p.stem for f in ("scripts", "bench") for p in (ROOT / f).glob("*.py")}
    found = set()
    for folder in folders:
        for path in folder.rglob("*.py"):
            for name in _imports(path):
                top = name.split(".")[0]
                if top and top not in sys.stdlib_module_names and top not in own:
                    found.add(top)
    return found


def _distributions(modules: set[str]) -> set[str]:
    table = importlib.metadata.packages_distributions()
    missing = sorted(m for m in modules if m not in table)
    assert not missing, f"imported but installed by no distribution: {missing}"
    return {_canonical(table[m][0]) for m in modules}


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-")


def _declared(specs: list[str]) -> set[str]:
    names = set()
    for spec in specs:
        name = spec.split(";")[0]
        for sep in "<>=![ ~":
            name = name.split(sep)[0]
        names.add(_canonical(name.strip()))
    return names


PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]


# used by file, not imported: the handwriting recogniser's model ships inside this wheel and
# is found with importlib.util.find_spec (importing the package would load cv2 for nothing)
USED_BY_FILE = {"rapidocr-onnxruntime"}


def test_declared_dependencies_are_the_imported_ones():
    imported = _distributions(_third_party([ROOT / p for p in PACKAGES]))
    assert imported | USED_BY_FILE == _declared(PYPROJECT["dependencies"])


@pytest.mark.parametrize("folder", ["tests", "bench", "scripts", "notebooks"])
def test_what_tests_scripts_and_benchmarks_import_is_declared(folder):
    extras = [spec for specs in PYPROJECT["optional-dependencies"].values() for spec in specs]
    declared = _declared(PYPROJECT["dependencies"] + extras)
    imported = _distributions(_third_party([ROOT / folder]))
    # installed by a declared package of its own: pyHanko brings its certificate validator
    indirect = {"pyhanko-certvalidator"}
    assert imported - declared - indirect == set()
