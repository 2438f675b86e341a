"""Assemble the installable plugin folder and zip from the one source tree in git.

``metadata.txt`` and ``resources/`` live at the top of the repository; QGIS needs
them inside the plugin folder, so the build copies the package and both into
``build/lis_qgis_plugin/`` and zips that folder as ``dist/lis_qgis_plugin-<version>.zip``.
"""

from __future__ import annotations

import argparse
import configparser
import shutil
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "lis_qgis_plugin"
EXCLUDED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".pytest_cache", ".ruff_cache", "tests", "*.orig")


def plugin_version() -> str:
    """The version written in metadata.txt."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(REPO / "metadata.txt", encoding="utf-8")
    return parser["general"]["version"]


def build_folder(build_dir: Path) -> Path:
    """Write ``build_dir/lis_qgis_plugin`` (package + metadata.txt + resources), replacing any old build."""
    target = build_dir / PACKAGE
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(REPO / PACKAGE, target, ignore=EXCLUDED)
    shutil.copy2(REPO / "metadata.txt", target / "metadata.txt")
    shutil.copytree(REPO / "resources", target / "resources", ignore=EXCLUDED)
    for name in ("LICENSE", "README.md"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, target / name)
    return target


def build_zip(build_dir: Path, dist_dir: Path) -> Path:
    """Zip the built folder so that it installs with Plugins > Install from ZIP."""
    folder = build_folder(build_dir)
    dist_dir.mkdir(parents=True, exist_ok=True)
    archive = dist_dir / f"{PACKAGE}-{plugin_version()}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(folder.parent).as_posix())
    return archive


def main(argv: list[str] | None = None) -> int:
    """Command line: ``build_plugin.py [--zip] [--build-dir D] [--dist-dir D]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", action="store_true", help="also write the zip into --dist-dir")
    parser.add_argument("--build-dir", type=Path, default=REPO / "build")
    parser.add_argument("--dist-dir", type=Path, default=REPO / "dist")
    args = parser.parse_args(argv)
    if args.zip:
        print(build_zip(args.build_dir, args.dist_dir))
    else:
        print(build_folder(args.build_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
