#!/usr/bin/env bash
# Prepare this machine for `make demo` and `make test`: Debian packages, then the .venv.
# Idempotent and quick once done. Safe to run again at any time.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3-qgis qgis qgis-providers python3-pandas python3-odf python3-shapely python3-pyproj
  python3-requests python3-scipy python3-openpyxl python3-venv xvfb poppler-utils tinyproxy-bin)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing packages (${missing[*]}) and no apt-get: install QGIS 3.22+ with its Python bindings." >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these Debian packages are missing: ${missing[*]}" >&2
    echo "setup: run this, then try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The python3 first on PATH may be another interpreter that cannot import qgis: use the system one.
SYSTEM_PYTHON=/usr/bin/python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $SYSTEM_PYTHON --system-site-packages"
  "$SYSTEM_PYTHON" -m venv --system-site-packages .venv
fi
stamp=.venv/.requirements-installed
if [ ! -f "$stamp" ] || ! cmp -s requirements-dev.txt "$stamp"; then
  echo "setup: installing test tools from requirements-dev.txt"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  cp requirements-dev.txt "$stamp"
fi
.venv/bin/python -c "import qgis.core" || {
  echo "setup: .venv cannot import qgis; delete .venv and run make setup again." >&2
  exit 1
}
