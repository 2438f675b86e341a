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


#: Core modules that still read the online-source settings (proxy, timeout, base URLs, download cache)
#: themselves; they are to take them as arguments as the road and table settings do. Must only shrink.
KNOWN_SETTINGS_READERS = {
    "core.sources.http_client",
    "core.sources.online_cache",
    "core.sources.ons_geography",
    "core.sources.fingertips",
    "core.sources.nomis",
}


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
    "io",
    "sources",
    "indicators",
    "aggregation",
    "deprivation",
    "network",
    "access",
    "location",
    "atlas",
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
