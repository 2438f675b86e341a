"""Write ``resources/i18n/lis_en.ts``: every string the plugin passes to ``tr()``, for Qt Linguist.

pylupdate5 guesses a context from the enclosing class, but LIS translates through small
``tr()`` helpers with a fixed context (``QCoreApplication.translate("LisDockWidget", text)``)
and through ``LisAlgorithm.tr``, whose context is the algorithm's class. This script reads the
source with ``ast`` and uses the context each call really has at run time:

* ``QCoreApplication.translate("Context", "text")`` -> ``Context``;
* ``tr("text")`` / ``_tr("text")`` calling a module function (defined there or imported from a
  sibling module) whose body is ``QCoreApplication.translate("Context", text)`` -> ``Context``;
* ``self.tr("text")`` inside class ``C`` -> ``C`` (LisAlgorithm translates in the context of
  ``type(self).__name__``), unless ``C`` defines its own ``tr`` with a fixed context.

Only literal strings are collected (a ``tr(variable)`` cannot be listed ahead of time).
Usage: ``python scripts/update_translations.py [--check]``; ``--check`` exits 1 when the file
is out of date instead of writing it.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "lis_qgis_plugin"
TS_FILE = REPO / "resources" / "i18n" / "lis_en.ts"
HELPER_NAMES = {"tr", "_tr"}

Messages = dict[str, dict[str, list[tuple[str, int]]]]  # context -> source -> [(file, line)]


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _translate_context(function: ast.FunctionDef) -> str | None:
    """The literal context of ``QCoreApplication.translate("Context", ...)`` in a helper's body, if it has one."""
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "translate"
            and node.args
        ):
            return _literal(node.args[0])
    return None


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def helper_contexts(files: list[Path]) -> dict[str, dict[str, str]]:
    """Module name -> {helper function name: context} for module-level ``tr``/``_tr`` helpers."""
    found: dict[str, dict[str, str]] = {}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        helpers = {}
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in HELPER_NAMES:
                context = _translate_context(node)
                if context:
                    helpers[node.name] = context
        found[_module_name(path)] = helpers
    return found


def _imported_helpers(tree: ast.Module, module: str, helpers: dict[str, dict[str, str]]) -> dict[str, str]:
    """Helpers imported with ``from .x import tr`` (relative or absolute), by local name."""
    names: dict[str, str] = {}
    package = module.split(".")[:-1]
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package[: len(package) - node.level + 1] if node.level > 1 else package
            source = ".".join([*base, *(node.module.split(".") if node.module else [])])
        else:
            source = node.module or ""
        for alias in node.names:
            context = helpers.get(source, {}).get(alias.name)
            if context:
                names[alias.asname or alias.name] = context
    return names


class _Collector(ast.NodeVisitor):
    def __init__(self, path: Path, local: dict[str, str], messages: Messages) -> None:
        self.path = path
        self.local = local
        self.messages = messages
        self.classes: list[tuple[str, str | None]] = []  # (class name, its own fixed tr context)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        own = next(
            (_translate_context(item) for item in node.body if isinstance(item, ast.FunctionDef) and item.name == "tr"),
            None,
        )
        self.classes.append((node.name, own))
        self.generic_visit(node)
        self.classes.pop()

    def visit_Call(self, node: ast.Call) -> None:
        context, text = None, None
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "translate" and len(node.args) >= 2:
            context, text = _literal(node.args[0]), _literal(node.args[1])
        elif isinstance(func, ast.Name) and func.id in self.local and node.args:
            context, text = self.local[func.id], _literal(node.args[0])
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "tr"
            and isinstance(func.value, ast.Name)
            and func.value.id == "self"
            and self.classes
            and node.args
        ):
            name, own = self.classes[-1]
            context, text = own or name, _literal(node.args[0])
        if context and text:
            location = (Path(os.path.relpath(self.path, TS_FILE.parent)).as_posix(), node.lineno)
            self.messages[context].setdefault(text, []).append(location)
        self.generic_visit(node)


def collect(files: list[Path]) -> Messages:
    """Every literal translatable string of ``files``, by context."""
    helpers = helper_contexts(files)
    messages: Messages = defaultdict(dict)
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = _module_name(path)
        local = {**_imported_helpers(tree, module, helpers), **helpers.get(module, {})}
        _Collector(path, local, messages).visit(tree)
    return messages


def ts_text(messages: Messages) -> str:
    """A Qt Linguist .ts file (English: the translations are left for translators, as pylupdate5 does)."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!DOCTYPE TS>",
        '<TS version="2.1" language="en_GB" sourcelanguage="en">',
    ]
    for context in sorted(messages):
        lines += ["<context>", f"    <name>{escape(context)}</name>"]
        for source, locations in messages[context].items():
            lines.append("    <message>")
            for filename, line in locations:
                lines.append(f'        <location filename="{escape(filename)}" line="{line}"/>')
            lines += [
                f"        <source>{escape(source)}</source>",
                '        <translation type="unfinished"></translation>',
                "    </message>",
            ]
        lines.append("</context>")
    lines.append("</TS>")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the English .ts file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the .ts file is out of date")
    args = parser.parse_args(argv)
    files = sorted(path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts)
    messages = collect(files)
    text = ts_text(messages)
    count = sum(len(sources) for sources in messages.values())
    if args.check:
        current = TS_FILE.read_text(encoding="utf-8") if TS_FILE.exists() else ""
        if current != text:
            print(f"{TS_FILE} is out of date: run python scripts/update_translations.py", file=sys.stderr)
            return 1
        print(f"{TS_FILE}: up to date ({count} strings in {len(messages)} contexts)")
        return 0
    TS_FILE.parent.mkdir(parents=True, exist_ok=True)
    TS_FILE.write_text(text, encoding="utf-8")
    print(f"Wrote {TS_FILE}: {count} strings in {len(messages)} contexts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
