"""The package's shape: no import circles between its modules, and a core that reads no settings.

Imports are read with ``ast`` from the source, those inside functions included (a lazy import
hides a circle from Python, not from the design), and relative imports are resolved.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "lis_qgis_plugin"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

#: Circles not yet taken apart (core.locate_services <-> core.locate_summary and gui.lis_dock <-> gui.pages.*
#: were the last, both broken). This list must only shrink: remove a circle once it is gone, and never
#: add one (break it instead).
KNOWN_CIRCLES: set[frozenset[str]] = set()  # e.g. frozenset({"core.a", "core.b"})


def module_name(path: Path) -> str:
    """'core.road_network' for core/road_network.py, 'gui.pages' for gui/pages/__init__.py ('' for the package)."""
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
    assert "core.road_network" in imported_modules("settings", modules["settings"], modules)  # inside a function
    assert "core.graph_cache" in imported_modules("core.locate_services", modules["core.locate_services"], modules)
    assert "" in imported_modules("headless", modules["headless"], modules)  # from . import classFactory


def test_no_new_import_circles() -> None:
    circles = import_circles()
    new = circles - KNOWN_CIRCLES
    assert not new, f"new import circles: {[sorted(circle) for circle in new]}"
    gone = KNOWN_CIRCLES - circles
    assert not gone, f"circles now broken, remove them from KNOWN_CIRCLES: {[sorted(circle) for circle in gone]}"
    assert not any({"core.road_network", "core.indicator_values"} & circle for circle in circles)


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
    "core.http_client",
    "core.online_cache",
    "core.ons_geography",
    "core.fingertips",
    "core.nomis",
}


def test_core_reads_no_settings_and_does_not_reach_up() -> None:
    modules = package_modules()
    core = {name: path for name, path in modules.items() if name.startswith("core")}
    readers = {name for name, path in core.items() if reads_settings(path)}
    assert not readers - KNOWN_SETTINGS_READERS, (
        f"core modules reading settings: {sorted(readers - KNOWN_SETTINGS_READERS)}"
    )
    assert readers >= KNOWN_SETTINGS_READERS, f"remove from the list: {sorted(KNOWN_SETTINGS_READERS - readers)}"
    assert not {"core.road_network", "core.indicator_values", "core.graph_cache"} & readers
    assert "core.lis_settings" not in modules and "core.qgis_session" not in modules
    for name, path in core.items():
        above = {target for target in imported_modules(name, path, modules) if not target.startswith("core")}
        assert not above, f"{name} imports {sorted(above)} from above core/"
