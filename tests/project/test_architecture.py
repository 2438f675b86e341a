"""The package's shape: core's concept packages stacked in one order, no import circles, no borrowed
private names, and a core that reads no settings.

Imports are read with ``ast`` from the source, those inside functions included (a lazy import
hides a circle from Python, not from the design), and relative imports are resolved.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "lis_qgis_plugin"
ROOT = Path(__file__).resolve().parents[2] / PACKAGE

#: Circles not yet taken apart (core.locate_services <-> core.locate_summary and gui.lis_dock <-> gui.pages.*
#: were the last, both broken). This list must only shrink: remove a circle once it is gone, and never
#: add one (break it instead).
KNOWN_CIRCLES: set[frozenset[str]] = set()  # e.g. frozenset({"core.a", "core.b"})


def module_name(path: Path) -> str:
    """'core.network.road_network' for core/network/road_network.py, 'gui.pages' for gui/pages/__init__.py."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    """Every module of the package by its name under the package."""
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules ``name`` imports anywhere in its source, relative imports resolved."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def inside(dotted: str) -> str | None:
        """The package-relative name of an absolute module name, None when outside the package."""
        if dotted == PACKAGE:
            return ""
        if dotted.startswith(PACKAGE + "."):
            return dotted[len(PACKAGE) + 1 :]
        return None

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [inside(alias.name) for alias in node.names]
            found.update(target for target in targets if target is not None and target in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                here = name.split(".") if name else []
                base = here if is_package else here[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = inside(node.module or "")
                if source is None:
                    continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}" if source else alias.name
                found.add(submodule if submodule in modules else source)
    found.discard(name)
    return {target for target in found if target in modules}


def import_circles() -> set[frozenset[str]]:
    """The strongly connected groups of two or more modules in the import graph (Tarjan)."""
    modules = package_modules()
    graph = {name: imported_modules(name, path, modules) for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.add(frozenset(group))

    for node in graph:
        if node not in index:
            visit(node)
    return circles


def test_the_import_reader_sees_lazy_and_relative_imports() -> None:
    modules = package_modules()
    assert imported_modules("gui.options_page", modules["gui.options_page"], modules) >= {"settings"}
    assert "core.network.road_network" in imported_modules(
        "settings", modules["settings"], modules
    )  # inside a function
    assert "core.network.graph_cache" in imported_modules(
        "core.location.locate_services", modules["core.location.locate_services"], modules
    )
    assert "" in imported_modules("headless", modules["headless"], modules)  # from . import classFactory


def test_no_new_import_circles() -> None:
    circles = import_circles()
    new = circles - KNOWN_CIRCLES
    assert not new, f"new import circles: {[sorted(circle) for circle in new]}"
    gone = KNOWN_CIRCLES - circles
    assert not gone, f"circles now broken, remove them from KNOWN_CIRCLES: {[sorted(circle) for circle in gone]}"
    assert not any({"core.network.road_network", "core.indicators.indicator_values"} & circle for circle in circles)


def reads_settings(path: Path) -> bool:
    """Whether a module reads QGIS settings: it names QgsSettings, or takes http_client's ``setting`` reader."""
    source = path.read_text(encoding="utf-8")
    return "QgsSettings" in source or any(
        isinstance(node, ast.ImportFrom)
        and (node.module or "").endswith("http_client")
        and any(alias.name == "setting" for alias in node.names)
        for node in ast.walk(ast.parse(source))
    )


#: Core modules that still read settings themselves. Empty since the online sources take their proxy, timeout,
#: base URLs and download cache as arguments (read by lis_qgis_plugin/settings.py). Must stay empty.
KNOWN_SETTINGS_READERS: set[str] = set()


def test_core_reads_no_settings_and_does_not_reach_up() -> None:
    modules = package_modules()
    core = {name: path for name, path in modules.items() if name.startswith("core")}
    readers = {name for name, path in core.items() if reads_settings(path)}
    assert not readers - KNOWN_SETTINGS_READERS, (
        f"core modules reading settings: {sorted(readers - KNOWN_SETTINGS_READERS)}"
    )
    assert readers >= KNOWN_SETTINGS_READERS, f"remove from the list: {sorted(KNOWN_SETTINGS_READERS - readers)}"
    assert not {"core.network.road_network", "core.indicators.indicator_values", "core.network.graph_cache"} & readers
    assert "core.lis_settings" not in modules and "core.qgis_session" not in modules
    for name, path in core.items():
        above = {target for target in imported_modules(name, path, modules) if not target.startswith("core")}
        assert not above, f"{name} imports {sorted(above)} from above core/"


#: core/'s concept packages, lowest first: a module imports only from its own package or one listed before it,
#: so each concept can be read knowing only the ones below it (the README's "Architecture" draws this).
CORE_LAYERS = [
    "common",
    "statistics",
    "io",
    "sources",
    "indicators",
    "store",
    "aggregation",
    "deprivation",
    "network",
    "access",
    "location",
    "atlas",
    "web",
    "sample",
]


def test_core_is_concept_packages_each_importing_only_below_itself() -> None:
    modules = package_modules()
    core = {name: path for name, path in modules.items() if name.startswith("core.")}
    flat = [name for name in core if name.count(".") == 1 and name.split(".")[1] not in CORE_LAYERS]
    assert not flat, f"modules directly in core/ (put them in a concept package): {flat}"
    assert {name.split(".")[1] for name in core} == set(CORE_LAYERS)
    upward = []
    for name, path in core.items():
        level = CORE_LAYERS.index(name.split(".")[1])
        for target in imported_modules(name, path, modules):
            if target.startswith("core.") and CORE_LAYERS.index(target.split(".")[1]) > level:
                upward.append(f"{name} -> {target}")
    assert not upward, f"core imports that go up the layers: {upward}"


def test_no_module_imports_another_modules_private_names() -> None:
    modules = package_modules()
    borrowed = []
    for path in [*modules.values(), *sorted(ROOT.parent.joinpath("tests").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith(PACKAGE)):
                borrowed += [f"{path.name}: {alias.name}" for alias in node.names if alias.name.startswith("_")]
    assert not borrowed, f"private names imported from another module: {borrowed}"


#: Calls that build a container whose contents can change later (dict, list and set literals and comprehensions too).
MUTABLE_CONSTRUCTORS = {"dict", "list", "set", "bytearray", "defaultdict", "OrderedDict", "Counter", "deque"}
#: Methods that change a container in place.
MUTATING_METHODS = {
    "append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "setdefault", "add", "discard",
    "difference_update", "intersection_update", "symmetric_difference_update", "sort", "reverse", "appendleft",
    "extendleft", "popleft",
}  # fmt: skip
#: Decorators that keep what a function returned between calls: a memory held by the module.
CACHING_DECORATORS = {"lru_cache", "cache"}


def is_mutable_container(node: ast.AST | None) -> bool:
    """Whether an expression builds a dict, list, set or another container that can change in place."""
    if isinstance(node, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)):
        return True
    if not isinstance(node, ast.Call):
        return False
    called = node.func
    name = called.attr if isinstance(called, ast.Attribute) else called.id if isinstance(called, ast.Name) else ""
    return name in MUTABLE_CONSTRUCTORS


def containers_bound_in(body: list[ast.stmt]) -> set[str]:
    """The names a module or class body binds to a changeable container (``X = {}``, ``X: list[str] = []``)."""
    names: set[str] = set()
    for node in body:
        if isinstance(node, ast.Assign) and is_mutable_container(node.value):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and is_mutable_container(node.value):
            names.add(node.target.id)
    return names


def changed_in_place(function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    """Names a function changes in place but does not bind itself: ``X.append(..)``, ``X[k] = v``, ``del X[k]``,
    and ``module.X.add(..)`` (as ``X``)."""
    arguments = function.args
    local = {arg.arg for arg in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
    local |= {arg.arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None}
    local |= {node.id for node in ast.walk(function) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    changed: set[str] = set()
    for node in ast.walk(function):
        target: ast.expr | None = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATING_METHODS:
            target = node.func.value
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            target = node.value
        if isinstance(target, ast.Name) and target.id not in local:
            changed.add(target.id)
        elif isinstance(target, ast.Attribute) and getattr(target.value, "id", "self") not in ("self", "cls"):
            changed.add(target.attr)
    return changed


def module_state(sources: dict[str, str]) -> set[tuple[str, str]]:
    """What the modules (name -> source) keep between calls: ('global', 'm.X') for a ``global`` statement,
    ('cache', 'm.f') for an lru_cache'd function, ('class', 'm.C.X') for a container shared by a class's
    instances, ('changed', 'm.X') for a module-level container some function changes (matched by name, so a
    same-named container elsewhere counts too: stricter, never laxer)."""
    trees = {name: ast.parse(source) for name, source in sources.items()}
    containers = {(name, bound) for name, tree in trees.items() for bound in containers_bound_in(tree.body)}
    found: set[tuple[str, str]] = set()
    changed: set[str] = set()
    for name, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                found |= {("global", f"{name}.{bound}") for bound in node.names}
            elif isinstance(node, ast.ClassDef):
                found |= {("class", f"{name}.{node.name}.{bound}") for bound in containers_bound_in(node.body)}
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                called = [item.func if isinstance(item, ast.Call) else item for item in node.decorator_list]
                names = {getattr(item, "attr", getattr(item, "id", "")) for item in called}
                found |= {("cache", f"{name}.{node.name}") for _ in names & CACHING_DECORATORS}
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                changed |= changed_in_place(node)
    found |= {("changed", f"{name}.{bound}") for name, bound in containers if bound in changed}
    return found


def test_core_holds_no_module_level_mutable_state() -> None:
    """Core keeps nothing between calls: no globals rebound, no caches, no registries or class-shared containers
    that a function changes. What a run needs is passed in, so two runs (or two threads) cannot see each other."""
    sample = """
import functools
REGISTRY = {}
_seen: list[str] = []
COUNT = 0
FIXED = {"a": 1}
LIMITS = dict(a=1)
TABLE = []
def register(key, value):
    REGISTRY[key] = value
def remember(item):
    _seen.append(item)
def bump():
    global COUNT
    COUNT += 1
@functools.lru_cache(maxsize=None)
def cached():
    return FIXED["a"]
class Registry:
    items: list[str] = []
def local_only(TABLE):
    TABLE.append(1)
"""
    other = "from . import m\ndef widen():\n    m.LIMITS.update(b=2)\n"
    assert module_state({"m": sample, "n": other}) == {
        ("changed", "m.REGISTRY"), ("changed", "m._seen"), ("changed", "m.LIMITS"), ("global", "m.COUNT"),
        ("cache", "m.cached"), ("class", "m.Registry.items"),
    }  # fmt: skip
    core = {
        name: path.read_text(encoding="utf-8") for name, path in package_modules().items() if name.startswith("core")
    }
    assert len(core) > 40 and any(containers_bound_in(ast.parse(source).body) for source in core.values())
    state = module_state(core)
    assert not state, f"module-level mutable state in core: {sorted(state)}"
