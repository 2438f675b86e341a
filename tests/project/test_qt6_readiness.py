"""QGIS 4 (Qt 6) readiness, checked statically because QGIS 4 cannot run here.

Every module of the plugin, scripts/ and tests/ is parsed, and each name it takes from Qt or QGIS is checked:

- a name imported from ``qgis.PyQt.<QtModule>``, and every dotted chain rooted at one (``Qt.AlignmentFlag.AlignLeft``,
  ``QMetaType.Type.QString``), must exist in ``PyQt6.<QtModule>``. PyQt6 has only scoped enums and no
  ``QVariant.Type``, so unscoped enums, QVariant field types and Qt 5 homes (QAction in QtWidgets) fail here. PyQt6 is
  looked up in a child process, because this one already has PyQt5 loaded through QGIS.
- a chain rooted at a QGIS class (``qgis.core``, ``qgis.gui``, ``qgis.analysis``) is resolved in the running QGIS; an
  enum member or enum class must be reached by its own full name (``Qgis.WkbType.Point``, not ``QgsWkbTypes.Point``,
  ``QgsSpatialIndex.Flag.FlagStoreFeatureGeometries``, not ``QgsSpatialIndex.FlagStoreFeatureGeometries``). On 3.40 the
  moved enums are Python ``enum.Enum`` classes under ``Qgis`` with the old names as aliases, and the others sip int
  enums; both tell their own full name (``__qualname__``, and ``name`` for the canonical member), which is what QGIS 4
  keeps.
- ``exec_`` (gone in PyQt6) anywhere, and ``PyQt5``/``PyQt6`` imported directly instead of through ``qgis.PyQt``.

Deprecated QGIS methods (``parameterAsFields``, ...) are caught at run time instead: pyproject.toml turns a
DeprecationWarning raised from the plugin or the tests into an error.
"""

from __future__ import annotations

import ast
import enum
import importlib
import json
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted(path for folder in ("lis_qgis_plugin", "scripts", "tests") for path in (REPO / folder).rglob("*.py"))
QGIS_MODULES = ("qgis.core", "qgis.gui", "qgis.analysis")
HINTS = {"QVariant": "field types are QMetaType.Type.<Type> (QgsField takes them since QGIS 3.38)"}

_RESOLVE_IN_PYQT6 = """
import importlib, json, sys
missing = []
for module, names in json.load(sys.stdin):
    try:
        found = importlib.import_module("PyQt6." + module)
    except ImportError:
        missing.append([module, []])
        continue
    for depth, name in enumerate(names):
        if not hasattr(found, name):
            missing.append([module, names[: depth + 1]])
            break
        found = getattr(found, name)
json.dump(missing, sys.stdout)
"""


@dataclass(frozen=True)
class Use:
    """A Qt or QGIS name as written in the source: ``Qt.AlignmentFlag.AlignLeft`` from QtCore at some line."""

    path: str
    line: int
    module: str  # "QtCore" for qgis.PyQt.QtCore, or "qgis.core"
    names: tuple[str, ...]  # starting with the imported name (a module import gives ())


@dataclass(frozen=True)
class Violation:
    """One place that will not work on QGIS 4 or uses a form deprecated in QGIS 3."""

    path: str
    line: int
    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.name} — {self.reason}"


#: Ends a line that names an enum the 3.40 way only when this QGIS lacks its newer name, e.g.
#: ``getattr(Qgis, "LegendComponent", None) or QgsLegendStyle.Style  # QGIS 3.40 fallback``.
FALLBACK_MARK = "# QGIS 3.40 fallback"


def _chain(node: ast.Attribute) -> list[str] | None:
    """``a.b.c`` as ["a", "b", "c"]; None when the chain starts at a call, subscript or literal."""
    names = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        names.append(current.attr)
        current = current.value
    if not isinstance(current, ast.Name):
        return None
    return [current.id, *reversed(names)]


def scan_source(source: str, path: str) -> tuple[list[Use], list[Violation]]:
    """The Qt and QGIS names one module uses, and what is wrong whatever the Qt version (exec_, direct PyQt imports)."""
    tree = ast.parse(source, filename=path)
    imported, uses, violations = _scan_imports(tree, path)
    attribute_uses, attribute_violations = _scan_attributes(tree, source.splitlines(), path, imported)
    return uses + attribute_uses, violations + attribute_violations


#: A name a module imported -> (the module it came from, the names it stands for inside that module).
Imported = dict[str, tuple[str, tuple[str, ...]]]


def _scan_imports(tree: ast.AST, path: str) -> tuple[Imported, list[Use], list[Violation]]:
    """The Qt and QGIS names imported, each import as a use, and the imports of PyQt5/PyQt6 themselves."""
    imported: Imported = {}
    uses: list[Use] = []
    violations: list[Violation] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("PyQt5", "PyQt6"):
                    violations.append(Violation(path, node.lineno, alias.name, "import Qt through qgis.PyQt"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in ("PyQt5", "PyQt6"):
                violations.append(Violation(path, node.lineno, node.module, "import Qt through qgis.PyQt"))
            else:
                for name, (module, prefix) in _qt_names_from(node.module, node.names):
                    imported[name] = (module, prefix)
                    uses.append(Use(path, node.lineno, module, prefix))
    return imported, uses, violations


def _qt_names_from(module: str, aliases: list[ast.alias]) -> list[tuple[str, tuple[str, tuple[str, ...]]]]:
    """(local name, (module, names inside it)) for each name of ``from module import ...`` that is Qt or QGIS."""
    if module == "qgis.PyQt":
        return [(alias.asname or alias.name, (alias.name, ())) for alias in aliases]
    if module.startswith("qgis.PyQt.") or module in QGIS_MODULES:
        module = module.removeprefix("qgis.PyQt.")
        return [(alias.asname or alias.name, (module, (alias.name,))) for alias in aliases]
    return []


def _scan_attributes(
    tree: ast.AST, lines: list[str], path: str, imported: Imported
) -> tuple[list[Use], list[Violation]]:
    """Each attribute chain that starts at an imported Qt or QGIS name, and each call of exec_."""
    uses: list[Use] = []
    violations: list[Violation] = []
    inner = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if FALLBACK_MARK in lines[node.lineno - 1]:
            continue  # the 3.40 name, used only where QGIS lacks the new one (QGIS 4 never evaluates it)
        if node.attr == "exec_":
            violations.append(Violation(path, node.lineno, "exec_", "PyQt6 has only exec()"))
        chain = _chain(node) if id(node) not in inner else None
        if chain and chain[0] in imported:
            module, prefix = imported[chain[0]]
            uses.append(Use(path, node.lineno, module, prefix + tuple(chain[1:])))
    return uses, violations


def _is_enum_member(value: object) -> bool:
    return isinstance(value, enum.Enum) or type(type(value)).__name__ == "enumtype"  # Python enum or sip int enum


def _is_enum_class(value: object) -> bool:
    return isinstance(value, enum.EnumMeta) or type(value).__name__ == "enumtype"


def qgis_enum_violation(use: Use) -> Violation | None:
    """An enum reached by another name than its own (an unscoped member, a deprecated alias), or a name QGIS lacks."""
    found: object = importlib.import_module(use.module)
    for depth, name in enumerate(use.names):
        written = ".".join(use.names[: depth + 1])
        if not hasattr(found, name):
            return Violation(use.path, use.line, written, f"not in {use.module} of this QGIS")
        found = getattr(found, name)
        if _is_enum_member(found):
            member = found.name if isinstance(found, enum.Enum) else name
            own_name = f"{type(found).__qualname__}.{member}"
        elif _is_enum_class(found):
            own_name = found.__qualname__
        else:
            continue
        if written != own_name:
            return Violation(use.path, use.line, written, f"use {own_name}")
    return None


def pyqt6_violations(uses: Iterable[Use]) -> list[Violation]:
    """Uses of qgis.PyQt whose names do not resolve in PyQt6, looked up in one child process."""
    uses = list(uses)
    chains = sorted({(use.module, use.names) for use in uses})
    result = subprocess.run(
        [sys.executable, "-c", _RESOLVE_IN_PYQT6],
        input=json.dumps(chains),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (
        f"PyQt6 lookup failed (is PyQt6 installed? pip install -r requirements-dev.txt):\n{result.stderr}"
    )
    missing = {(module, tuple(names)) for module, names in json.loads(result.stdout)}
    violations = []
    for use in uses:
        for depth in range(len(use.names) + 1):
            if (use.module, use.names[:depth]) in missing:
                written = ".".join(use.names[:depth]) or use.module
                hint = HINTS.get(use.names[0], "") if use.names else ""
                reason = f"not in PyQt6.{use.module}" + (f"; {hint}" if hint else "")
                violations.append(Violation(use.path, use.line, written, reason))
                break
    return violations


def find_violations(paths: Iterable[Path], root: Path) -> list[Violation]:
    """Every Qt 6 / QGIS 4 problem in the given modules, one per place and name, in file order."""
    qt_uses: list[Use] = []
    violations: list[Violation] = []
    for path in paths:
        uses, problems = scan_source(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix())
        violations += problems
        qt_uses += [use for use in uses if use.module not in QGIS_MODULES]
        violations += filter(None, (qgis_enum_violation(use) for use in uses if use.module in QGIS_MODULES))
    violations += pyqt6_violations(qt_uses)
    unique = {(v.path, v.line, v.name): v for v in reversed(violations)}
    return sorted(unique.values(), key=lambda v: (v.path, v.line, v.name))


@pytest.fixture(scope="module")
def violations_in_repo() -> list[Violation]:
    """All violations in the repository, found once (one PyQt6 child process for all modules)."""
    return find_violations(SOURCES, REPO)


@pytest.mark.parametrize("path", [path.relative_to(REPO).as_posix() for path in SOURCES])
def test_module_is_ready_for_qgis_4(path: str, violations_in_repo: list[Violation]) -> None:
    """Each module on its own, so a failure names the module; the message lists file:line: name — what to use."""
    found = [str(violation) for violation in violations_in_repo if violation.path == path]
    assert not found, "Not ready for QGIS 4 / Qt 6:\n" + "\n".join(found)


KNOWN_BAD = """\
from qgis.core import Qgis, QgsProcessing, QgsSpatialIndex, QgsWkbTypes
from qgis.PyQt.QtCore import Qt, QVariant
from qgis.PyQt.QtWidgets import QAction, QDialog

kind = QgsWkbTypes.Point
source = QgsProcessing.TypeVectorPolygon
geometry = QgsWkbTypes.GeometryType.PolygonGeometry
index = QgsSpatialIndex(QgsSpatialIndex.FlagStoreFeatureGeometries)
field_type = QVariant.String
align = Qt.AlignLeft
QDialog().exec_()
import PyQt5.QtCore
"""

KNOWN_GOOD = """\
from qgis.core import Qgis, QgsSpatialIndex, QgsWkbTypes
from qgis.PyQt.QtCore import QMetaType, Qt, QVariant
from qgis.PyQt.QtGui import QAction
from qgis.PyQt.QtWidgets import QDialog, QSizePolicy

kind = Qgis.WkbType.Point
label = QgsWkbTypes.geometryDisplayString(Qgis.GeometryType.Polygon)
index = QgsSpatialIndex(QgsSpatialIndex.Flag.FlagStoreFeatureGeometries)
field_type = QMetaType.Type.QString
align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
policy = QSizePolicy.Policy.Expanding
is_null = isinstance(None, QVariant)
QDialog().exec()
Moved = getattr(Qgis, "NoSuchNewName", None) or QgsSpatialIndex.FlagStoreFeatureGeometries  # QGIS 3.40 fallback
"""


def test_checker_flags_each_kind_of_violation(tmp_path: Path) -> None:
    """The checker itself, on a module written to break every rule once: it must name each place and the fix."""
    (tmp_path / "bad.py").write_text(KNOWN_BAD, encoding="utf-8")
    found = [str(violation) for violation in find_violations([tmp_path / "bad.py"], tmp_path)]
    assert found == [
        "bad.py:3: QAction — not in PyQt6.QtWidgets",
        "bad.py:5: QgsWkbTypes.Point — use Qgis.WkbType.Point",
        "bad.py:6: QgsProcessing.TypeVectorPolygon — use Qgis.ProcessingSourceType.VectorPolygon",
        "bad.py:7: QgsWkbTypes.GeometryType — use Qgis.GeometryType",
        "bad.py:8: QgsSpatialIndex.FlagStoreFeatureGeometries — use QgsSpatialIndex.Flag.FlagStoreFeatureGeometries",
        "bad.py:9: QVariant.String — not in PyQt6.QtCore; " + HINTS["QVariant"],
        "bad.py:10: Qt.AlignLeft — not in PyQt6.QtCore",
        "bad.py:11: exec_ — PyQt6 has only exec()",
        "bad.py:12: PyQt5.QtCore — import Qt through qgis.PyQt",
    ]


def test_checker_passes_the_forms_that_work_on_both(tmp_path: Path) -> None:
    """The same ideas written the QGIS 3.40-and-4 way give no violation."""
    (tmp_path / "good.py").write_text(KNOWN_GOOD, encoding="utf-8")
    assert find_violations([tmp_path / "good.py"], tmp_path) == []
