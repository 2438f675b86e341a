#!/usr/bin/env bash
# Prepare this machine for `make demo` and `make test`: Debian packages, then the venv.
# Idempotent and quick once done. Safe to run again at any time.
#
# The tested baseline is QGIS 3.40 LTR. On Debian 12 (bookworm) it comes from bookworm-backports,
# which this script adds when it is missing; on newer Debian (trixie, sid) the release's own QGIS is used.
# LIS_VENV names the venv (default .venv): the QGIS 3.44 lane keeps its own inside its Debian sid root.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${LIS_VENV:-.venv}
MIN_QGIS=3.40
# postgresql and postgresql-postgis (Debian's default PostgreSQL and its PostGIS, whatever their version) and
# psycopg2: the tests start a throwaway PostGIS cluster for the team store (tests/postgis_server.py).
# chromium and chromium-driver: tests/web opens the web report in a real browser (on bookworm from bookworm-security).
APT_PACKAGES=(python3-qgis qgis qgis-providers python3-pandas python3-odf python3-shapely python3-pyproj
  python3-requests python3-scipy python3-openpyxl python3-venv xvfb poppler-utils tinyproxy-bin
  postgresql postgresql-postgis python3-psycopg2 chromium chromium-driver)
# axe-core, for the browser tests only (never shipped): the npm registry's tarball, pinned and checked against the
# registry's "integrity" (sha512), unpacked into a git-ignored cache inside the checkout (the QGIS 3.44 lane
# bind-mounts the checkout's parent, so it sees the same file). No Node.js needed.
AXE_VERSION=4.14.1
AXE_INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==

codename=$( (. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}") || true)

installed_version() { # empty when the package is not installed (dpkg-query then fails: not an error here)
  { dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null || true; } | sed -n 's/^install ok installed //p'
}

# The packages that are missing, plus QGIS itself when the installed one is older than the baseline.
missing=()
for package in "${APT_PACKAGES[@]}"; do
  version=$(installed_version "$package")
  if [ -z "$version" ]; then
    missing+=("$package")
  elif [[ "$package" == qgis || "$package" == python3-qgis || "$package" == qgis-providers ]] &&
    dpkg --compare-versions "$version" lt "$MIN_QGIS"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing packages (${missing[*]}) and no apt-get: install QGIS $MIN_QGIS+ with its Python bindings." >&2
    exit 1
  fi
  target=()
  if [ "$codename" = bookworm ]; then
    target=(-t bookworm-backports)
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these Debian packages are missing or too old: ${missing[*]}" >&2
    if [ "$codename" = bookworm ]; then
      echo "setup: QGIS $MIN_QGIS comes from bookworm-backports; add it to your apt sources first:" >&2
      echo "  echo 'deb http://deb.debian.org/debian bookworm-backports main' | sudo tee /etc/apt/sources.list.d/backports.list" >&2
    fi
    echo "setup: then run this, and try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${target[*]} ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  if [ "$codename" = bookworm ] && ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "setup: adding bookworm-backports (QGIS $MIN_QGIS LTR) to the apt sources"
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      >/etc/apt/sources.list.d/lis-bookworm-backports.sources
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${target[@]}" "${missing[@]}"
fi

# The python3 first on PATH may be another interpreter that cannot import qgis: use the system one.
SYSTEM_PYTHON=/usr/bin/python3
if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c "" 2>/dev/null; then
  echo "setup: $VENV is broken (its Python changed); making it again"
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV with $SYSTEM_PYTHON --system-site-packages"
  "$SYSTEM_PYTHON" -m venv --system-site-packages "$VENV"
fi
stamp=$VENV/.requirements-installed
if [ ! -f "$stamp" ] || ! cmp -s requirements-dev.txt "$stamp"; then
  echo "setup: installing test tools from requirements-dev.txt"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  cp requirements-dev.txt "$stamp"
fi
"$VENV/bin/python" - "$MIN_QGIS" <<'PY' || { echo "setup: delete $VENV and run make setup again." >&2; exit 1; }
import sys
from qgis.core import Qgis
wanted = tuple(int(part) for part in sys.argv[1].split("."))
if Qgis.versionInt() < wanted[0] * 10000 + wanted[1] * 100:
    sys.exit(f"setup: QGIS {Qgis.version()} is older than the tested baseline {sys.argv[1]}")
PY

# axe-core's axe.min.js for tests/web (see AXE_VERSION above); nothing to do when it is already there.
axe_dir=.cache/axe-core-$AXE_VERSION
if [ ! -s "$axe_dir/axe.min.js" ]; then
  echo "setup: fetching axe-core $AXE_VERSION from the npm registry (browser tests only)"
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  curl -fsSL --retry 3 -o "$scratch/axe.tgz" "https://registry.npmjs.org/axe-core/-/axe-core-$AXE_VERSION.tgz"
  got="sha512-$(openssl dgst -sha512 -binary "$scratch/axe.tgz" | base64 -w0)"
  if [ "$got" != "$AXE_INTEGRITY" ]; then
    echo "setup: axe-core-$AXE_VERSION.tgz has $got, the registry says $AXE_INTEGRITY: not using it." >&2
    exit 1
  fi
  tar -xzf "$scratch/axe.tgz" -C "$scratch" package/axe.min.js package/LICENSE
  mkdir -p "$axe_dir"
  cp "$scratch/package/LICENSE" "$axe_dir/LICENSE"
  cp "$scratch/package/axe.min.js" "$axe_dir/axe.min.js.part"
  mv "$axe_dir/axe.min.js.part" "$axe_dir/axe.min.js"
fi
