#!/usr/bin/env bash
# The second CI lane: the whole test suite on QGIS 3.44 LTR (Python 3.14, pandas 2.3, numpy 2.4),
# run with chroot inside a Debian sid root made by debootstrap. Needs root (debootstrap, mount, chroot).
#
#   bash scripts/qgis344_lane.sh [pytest args...]     (or: make test-qgis344 PYTEST_ARGS='-k join -x')
#
# The root is built once per machine and kept as a tarball in a cache folder outside the checkout
# (CI runs in a fresh clone elsewhere on the same machine):
#   ${LIS_CACHE_DIR:-/var/cache/lis-ci}/debian-sid-qgis344.tar.zst   (.tar.gz when zstd is missing)
# beside it a .key file: a hash of this lane's version, mirror, suite, package list and requirements-dev.txt.
# When the key changes the root is built again. The tarball is written as a temporary file and renamed,
# so a half-built root is never reused. Each run unpacks it into a scratch folder under /var/tmp and
# removes that folder afterwards; the checkout's parent folder is bind-mounted at the same path inside,
# so ../shared/data resolves as on the host. pytest's exit code is this script's exit code.
#
# Facts of this workplace the lane relies on:
#  - the mirror's sid Release file has expired (Valid-Until in the past): apt inside the root runs with
#    Acquire::Check-Valid-Until "false" (an apt.conf.d file written into the root). Signatures are still checked.
#  - HTTPS goes through a proxy that re-signs certificates: the host's CA bundle and its extra CAs are copied
#    into the root, and pip/requests/OpenSSL are pointed at the copied bundle.
set -euo pipefail

# --- settings ------------------------------------------------------------------------------------------------
LANE_VERSION=2 # bump to force a rebuild of every cached root
MIRROR=${LIS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=sid
WANT_QGIS=3.44
LANE_VENV=/opt/lis-venv # the lane's venv lives inside the root, not in the checkout's .venv
# scripts/setup.sh's APT_PACKAGES, plus make, ca-certificates, and lrelease (a test compiles the .ts with it
# when present, as on the developers' machines). chromium and chromium-driver: the browser tests (tests/web); curl
# and openssl: setup.sh fetches and checks axe-core when the checkout's .cache lacks it (LANE_VERSION 2 added them).
PACKAGES=(python3-qgis qgis qgis-providers python3-pandas python3-odf python3-shapely python3-pyproj
  python3-requests python3-scipy python3-openpyxl python3-venv xvfb poppler-utils tinyproxy-bin
  make ca-certificates qttools5-dev-tools qtchooser chromium chromium-driver curl openssl)
# Packages added after roots were cached (not in the key, so a cached root is not rebuilt for them): a new
# root gets them with PACKAGES; a cached root that lacks them gets them at lane start and is cached again.
# PostgreSQL and PostGIS (Debian's default version): the tests' throwaway PostGIS cluster for the team store.
LATER_PACKAGES=(postgresql postgresql-postgis python3-psycopg2)

CHECKOUT=$(cd "$(dirname "$0")/.." && pwd -P)
PARENT=$(dirname "$CHECKOUT")
CACHE_DIR=${LIS_CACHE_DIR:-/var/cache/lis-ci}
SCRATCH_BASE=${LIS_SCRATCH_DIR:-/var/tmp}
HOST_BUNDLE=/etc/ssl/certs/ca-certificates.crt
ROOT_BUNDLE=/etc/ssl/certs/lis-host-ca-certificates.crt # where the host's bundle goes inside the root

log() { printf '[qgis344-lane %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, mount and chroot)"

if command -v zstd >/dev/null 2>&1; then
  TARBALL=$CACHE_DIR/debian-sid-qgis344.tar.zst
  COMPRESS=(zstd -q -T0 -6)
  DECOMPRESS=(zstd -q -d -c)
else
  TARBALL=$CACHE_DIR/debian-sid-qgis344.tar.gz
  COMPRESS=(gzip -1)
  DECOMPRESS=(gzip -d -c)
fi
KEY_FILE=${TARBALL%%.tar.*}.key
KEY=$(
  {
    echo "lane=$LANE_VERSION mirror=$MIRROR suite=$SUITE qgis=$WANT_QGIS venv=$LANE_VENV"
    echo "packages=${PACKAGES[*]}"
    cat "$CHECKOUT/requirements-dev.txt"
  } | sha256sum | cut -d' ' -f1
)

# --- host tools: debootstrap, waiting for apt when someone else is using it ----------------------------------
host_apt() {
  local try
  for try in $(seq 1 40); do
    if apt-get -q -o DPkg::Lock::Timeout=60 "$@"; then
      return 0
    fi
    log "apt-get $* failed (apt busy?), try $try; retrying in 15 s"
    sleep 15
  done
  return 1
}
if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap on the host"
  export DEBIAN_FRONTEND=noninteractive
  host_apt update
  # bookworm-backports' debootstrap knows the newest sid best; bookworm's own works too.
  target=()
  if apt-cache policy debootstrap 2>/dev/null | grep -q -- '-backports'; then
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    target=(-t "$codename-backports")
  fi
  host_apt install -y --no-install-recommends "${target[@]}" debootstrap
fi

# --- mounts, and a cleanup that always runs -------------------------------------------------------------------
MOUNTS=()      # mount points, in the order mounted; unmounted in reverse
SCRATCH_DIRS=() # folders to delete at exit, once nothing is mounted below them

bind() { # bind <source> <target> [ro]
  mkdir -p "$2"
  mount --bind "$1" "$2"
  MOUNTS+=("$2")
  if [ "${3:-}" = ro ]; then
    mount -o remount,bind,ro "$2"
  fi
}

mount_root() { # the kernel file systems a Debian userland expects, and a fresh /tmp
  local root=$1
  bind /proc "$root/proc"
  bind /sys "$root/sys"
  bind /dev "$root/dev"
  bind /dev/pts "$root/dev/pts"
  if [ -d /dev/shm ]; then bind /dev/shm "$root/dev/shm"; fi
  mkdir -p "$root/tmp"
  mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
  MOUNTS+=("$root/tmp")
  cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
}

kill_root_processes() { # processes left running inside the root (a test's proxy or Xvfb) keep mounts busy
  local root=$1 pid link signal
  for signal in TERM KILL; do
    for link in /proc/[0-9]*/root; do
      pid=${link#/proc/}
      pid=${pid%/root}
      if [ "$(readlink "$link" 2>/dev/null)" = "$root" ]; then kill -s "$signal" "$pid" 2>/dev/null || true; fi
    done
    sleep 1
  done
}

mounted_below() { # prints the mount points at or below $1
  awk -v dir="$1" '{ gsub(/\\040/, " ", $5); if ($5 == dir || index($5, dir "/") == 1) print $5 }' /proc/self/mountinfo
}

unmount_all() {
  local i
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    umount "${MOUNTS[i]}" 2>/dev/null || umount -l "${MOUNTS[i]}" || log "could not unmount ${MOUNTS[i]}"
  done
  MOUNTS=()
}

cleanup() {
  local rc=$? dir
  set +e
  for dir in "${SCRATCH_DIRS[@]}"; do kill_root_processes "$dir"; done
  unmount_all
  for dir in "${SCRATCH_DIRS[@]}"; do
    # Never delete a folder with anything still mounted below it: that could be the checkout or shared data.
    if [ -n "$(mounted_below "$dir")" ]; then
      log "still mounted below $dir, not deleting it:"
      mounted_below "$dir" >&2
    else
      rm -rf --one-file-system "$dir"
    fi
  done
  rm -f "${TMP_TARBALL:-/nonexistent}"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

in_root() { # in_root <root> <command...>: a clean environment, the host's CA bundle for anything HTTPS
  local root=$1
  shift
  local env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8
    TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive
    SSL_CERT_FILE="$ROOT_BUNDLE" SSL_CERT_DIR=/etc/ssl/certs PIP_CERT="$ROOT_BUNDLE" REQUESTS_CA_BUNDLE="$ROOT_BUNDLE"
    CURL_CA_BUNDLE="$ROOT_BUNDLE" GIT_SSL_CAINFO="$ROOT_BUNDLE")
  local name
  for name in CI http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY PIP_INDEX_URL PIP_EXTRA_INDEX_URL \
    PIP_DEFAULT_TIMEOUT PIP_DISABLE_PIP_VERSION_CHECK PYTEST_ADDOPTS; do
    if [ -n "${!name:-}" ]; then env+=("$name=${!name}"); fi
  done
  chroot "$root" /usr/bin/env -i "${env[@]}" "$@"
}

copy_certificates() { # the host's trust (incl. the proxy's re-signing CA) into the root
  local root=$1
  mkdir -p "$root$(dirname "$ROOT_BUNDLE")"
  cp -L "$HOST_BUNDLE" "$root$ROOT_BUNDLE"
  mkdir -p "$root/usr/local/share/ca-certificates"
  if compgen -G '/usr/local/share/ca-certificates/*' >/dev/null; then
    cp -rL /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
  fi
}

# --- building the root ----------------------------------------------------------------------------------------
build_root() {
  local root=$1
  log "debootstrap $SUITE from $MIRROR into $root"
  debootstrap --variant=minbase --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    "$SUITE" "$root" "$MIRROR" >"$root.debootstrap.log" 2>&1 ||
    {
      tail -n 30 "$root.debootstrap.log" >&2
      tail -n 30 "$root/debootstrap/debootstrap.log" >&2 2>/dev/null
      die "debootstrap failed"
    }
  rm -f "$root.debootstrap.log"

  # apt inside: the sid Release file's Valid-Until has passed on this mirror; signatures still checked.
  printf 'Acquire::Check-Valid-Until "false";\n' >"$root/etc/apt/apt.conf.d/99lis-no-check-valid-until"
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Retries "5";\n' \
    >"$root/etc/apt/apt.conf.d/99lis-lean"
  printf 'deb %s %s main\n' "$MIRROR" "$SUITE" >"$root/etc/apt/sources.list"
  # No documentation in the root: a smaller tarball, a faster unpack.
  printf 'path-exclude=/usr/share/doc/*\npath-exclude=/usr/share/man/*\npath-exclude=/usr/share/info/*\n' \
    >"$root/etc/dpkg/dpkg.cfg.d/01lis-nodoc"
  printf 'force-unsafe-io\n' >"$root/etc/dpkg/dpkg.cfg.d/02lis-unsafe-io"
  # No services start inside the root.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"

  mount_root "$root"
  copy_certificates "$root"
  log "apt-get install ${PACKAGES[*]}"
  in_root "$root" apt-get -q update
  in_root "$root" apt-get -q -y install --no-install-recommends "${PACKAGES[@]}" "${LATER_PACKAGES[@]}" \
    >"$root.apt.log" 2>&1 ||
    {
      tail -n 40 "$root.apt.log" >&2
      die "apt-get install failed"
    }
  rm -f "$root.apt.log"
  in_root "$root" update-ca-certificates >/dev/null

  local qgis
  qgis=$(in_root "$root" dpkg-query -W -f='${Version}' qgis)
  case $qgis in
  "$WANT_QGIS".*) ;;
  *) die "the root has qgis $qgis, not $WANT_QGIS.x" ;;
  esac

  # The lane's venv, with requirements-dev.txt, so that setup.sh finds it up to date at run time.
  log "venv $LANE_VENV with requirements-dev.txt"
  in_root "$root" /usr/bin/python3 -m venv --system-site-packages "$LANE_VENV"
  cp "$CHECKOUT/requirements-dev.txt" "$root/tmp/requirements-dev.txt"
  in_root "$root" "$LANE_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir \
    -r /tmp/requirements-dev.txt
  cp "$CHECKOUT/requirements-dev.txt" "$root$LANE_VENV/.requirements-installed"

  in_root "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/root/.cache
  unmount_all
  rm -f "$root/etc/resolv.conf" "$root$ROOT_BUNDLE"
}

missing_later_packages() { # prints the LATER_PACKAGES the root lacks
  local root=$1 package
  for package in "${LATER_PACKAGES[@]}"; do
    if ! in_root "$root" dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
      echo "$package"
    fi
  done
}

add_later_packages() { # add_later_packages <root> <package...>: apt-get install into an unpacked cached root
  local root=$1
  shift
  log "the cached root lacks $*: installing them"
  mount_root "$root"
  copy_certificates "$root"
  in_root "$root" apt-get -q update >"$root.apt.log" 2>&1 &&
    in_root "$root" apt-get -q -y install --no-install-recommends "$@" >>"$root.apt.log" 2>&1 ||
    {
      tail -n 40 "$root.apt.log" >&2
      die "apt-get install $* failed"
    }
  rm -f "$root.apt.log"
  in_root "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/root/.cache
  unmount_all
  rm -f "$root/etc/resolv.conf" "$root$ROOT_BUNDLE"
}

cache_root() { # cache_root <root>: the tarball written as a temporary file and renamed, then its key
  local root=$1
  TMP_TARBALL=$(mktemp "$TARBALL.tmp.XXXXXX")
  tar -c --numeric-owner -C "$root" . | "${COMPRESS[@]}" >"$TMP_TARBALL"
  rm -f "$KEY_FILE" # the key only ever names the tarball that is in place
  chmod 644 "$TMP_TARBALL"
  mv -f "$TMP_TARBALL" "$TARBALL"
  TMP_TARBALL=
  echo "$KEY" >"$KEY_FILE.tmp" && mv -f "$KEY_FILE.tmp" "$KEY_FILE"
}

# One build at a time per cache folder (two CI runs on one machine share it).
mkdir -p "$CACHE_DIR" "$SCRATCH_BASE"
exec 9>"$CACHE_DIR/.qgis344-lane.lock"
flock 9

ROOT=$(mktemp -d "$SCRATCH_BASE/lis-qgis344.XXXXXX")
SCRATCH_DIRS+=("$ROOT")
chmod 755 "$ROOT"
start=$SECONDS
if [ -f "$TARBALL" ] && [ "$(cat "$KEY_FILE" 2>/dev/null)" = "$KEY" ]; then
  log "unpacking the cached root $TARBALL"
  "${DECOMPRESS[@]}" "$TARBALL" | tar -x --numeric-owner -C "$ROOT"
  log "root ready in $((SECONDS - start)) s (cached)"
  mapfile -t later < <(missing_later_packages "$ROOT")
  if ((${#later[@]})); then
    add_later_packages "$ROOT" "${later[@]}"
    log "caching the root again with ${later[*]} as $TARBALL"
    cache_root "$ROOT"
    log "root updated and cached in $((SECONDS - start)) s"
  fi
else
  log "no cached root for key ${KEY:0:12} in $CACHE_DIR: building one (several minutes)"
  build_root "$ROOT"
  log "root built in $((SECONDS - start)) s; caching it as $TARBALL"
  cache_root "$ROOT"
  log "root built and cached in $((SECONDS - start)) s ($(du -h "$TARBALL" | cut -f1))"
fi
flock -u 9
exec 9>&-

# --- running the suite -----------------------------------------------------------------------------------------
mount_root "$ROOT"
copy_certificates "$ROOT"
# The checkout's parent at the same path (../shared/data resolves), read-only; the checkout itself writable.
bind "$PARENT" "$ROOT$PARENT" ro
bind "$CHECKOUT" "$ROOT$CHECKOUT"

in_root "$ROOT" /usr/bin/python3 - <<'PY' >&2
import platform, numpy, pandas
from qgis.core import Qgis
print(f"[qgis344-lane] QGIS {Qgis.version()}, Python {platform.python_version()}, "
      f"pandas {pandas.__version__}, numpy {numpy.__version__}")
PY
in_root "$ROOT" /usr/bin/python3 -c "from qgis.core import Qgis; import sys; sys.exit(not Qgis.version().startswith('$WANT_QGIS.'))" ||
  die "QGIS in the root is not $WANT_QGIS.x"

# Extra pytest args: this script's arguments, or PYTEST_ARGS (make test-qgis344 PYTEST_ARGS='-k foo').
addopts="${PYTEST_ADDOPTS:-} ${PYTEST_ARGS:-} $*"
read -r PYTEST_ADDOPTS <<<"$addopts" || true # trims the blanks
export PYTEST_ADDOPTS
# What to make inside the root: the suite (default) or, with LANE_TARGET=demo, the demo into out/demo-qgis344.
target=${LANE_TARGET:-test}
[[ "$target" == test || "$target" == demo ]] || die "LANE_TARGET must be test or demo, not '$target'"
log "make $target in $CHECKOUT (LIS_VENV=$LANE_VENV${PYTEST_ADDOPTS:+, PYTEST_ADDOPTS=$PYTEST_ADDOPTS})"
suite_start=$SECONDS
rc=0
# In the background and waited for, so that an INT or TERM to this script runs its traps at once: cleanup
# then stops every process inside the root (pytest, qgis_process, Xvfb, tinyproxy) before unmounting.
in_root "$ROOT" /bin/bash -c 'cd "$1" && LIS_VENV="$2" make "$3" DEMO_OUT=out/demo-qgis344' lane "$CHECKOUT" \
  "$LANE_VENV" "$target" &
wait $! || rc=$?
log "make $target finished in $((SECONDS - suite_start)) s with exit code $rc"
exit "$rc"
