"""The panel's pages ask the dock only through PanelServices, so pages and dock do not import each other."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from lis_qgis_plugin.gui.pages import base
from lis_qgis_plugin.plugin import LisPlugin

PAGES = Path(base.__file__).parent


def panel_services_members() -> set[str]:
    """The names PanelServices lists."""
    return {name for name in vars(base.PanelServices) if not name.startswith("_")}


def test_no_page_imports_the_dock() -> None:
    for module in PAGES.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert "lis_dock" not in (node.module or ""), f"{module.name} imports the dock"


def test_panel_services_lists_exactly_what_the_pages_ask_of_the_panel() -> None:
    asked: set[str] = set()
    for module in PAGES.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and ast.unparse(node.value) in ("panel", "self.panel"):
                asked.add(node.attr)
    assert asked == panel_services_members()


def test_the_dock_gives_every_panel_service_as_declared(lis_plugin: LisPlugin) -> None:
    if lis_plugin.dock is None:
        lis_plugin.actions[0].trigger()
    dock = lis_plugin.dock
    for name in panel_services_members():
        declared = getattr(base.PanelServices, name)
        if isinstance(declared, property):
            assert getattr(dock, name) is not None, name
        else:
            assert inspect.signature(getattr(dock, name)) == inspect.signature(declared.__get__(dock)), name
    for page in dock.pages.values():
        assert page.panel is dock
