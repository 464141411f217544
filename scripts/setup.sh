#!/usr/bin/env bash
# Installs what claimgraph's build and tests need beyond the Rust toolchain:
#   - libclang-dev   (bindgen, for oxigraph's RocksDB bindings)
#   - raptor2-utils  (rapper, used by tests/interop.rs)
#   - serdi          (serdi, used by tests/interop.rs)
#   - rdflib         (Python, used by tests/interop/check.py)
#   - virtuoso-t     (Virtuoso Open Source, a SPARQL server for tests/push.rs)
#   - oxigraph       (Oxigraph server from crates.io's oxigraph-cli, for tests/push.rs)
#
# Idempotent and quick when everything is already there: it only touches the package manager
# for what is missing, and prints one line per thing it installs. Debian/Ubuntu (apt) only.
# Run as root, or as a user with sudo.
set -euo pipefail

RDFLIB_SPEC='rdflib>=7,<8'

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo when it is there.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run '$*' (not root and no sudo); install it by hand or rerun as root"
    fi
}

deb_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# --- Debian packages -------------------------------------------------------------------------
missing=()
deb_installed libclang-dev || missing+=(libclang-dev)
command -v rapper >/dev/null 2>&1 || missing+=(raptor2-utils)
command -v serdi >/dev/null 2>&1 || missing+=(serdi)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource-7-bin)
# RocksDB is C++: without a C++ compiler the build cannot start.
command -v c++ >/dev/null 2>&1 || missing+=(g++)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# pip, only when rdflib is missing and python3 has no pip module (Debian's python3 comes without it)
need_rdflib=1
if command -v python3 >/dev/null 2>&1 \
    && python3 -c 'import sys, rdflib; sys.exit(0 if int(rdflib.__version__.split(".")[0]) >= 7 else 1)' 2>/dev/null; then
    need_rdflib=0
fi
if [ "$need_rdflib" -eq 1 ] && ! { command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; }; then
    missing+=(python3-pip)
fi

if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]} and apt-get is not available: install them by hand"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >/dev/null || die "apt-get update failed"
    as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
        || die "apt-get install ${missing[*]} failed"
    for package in "${missing[@]}"; do
        say "installed $package (apt)"
    done
fi

command -v rapper >/dev/null 2>&1 || die "rapper is still missing after installing raptor2-utils"
command -v serdi >/dev/null 2>&1 || die "serdi is still missing after installing serdi"
command -v virtuoso-t >/dev/null 2>&1 || die "virtuoso-t is still missing after installing virtuoso-opensource-7-bin"

# --- rdflib ----------------------------------------------------------------------------------
if [ "$need_rdflib" -eq 1 ]; then
    pip_install() { python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "$@" "$RDFLIB_SPEC"; }
    # a system Python (not a virtualenv) marked externally managed (PEP 668) refuses plain `pip install`
    if python3 -c 'import os, sys, sysconfig; sys.exit(0 if sys.prefix == sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else 1)'; then
        if [ "$(id -u)" -eq 0 ]; then
            pip_install --break-system-packages || die "pip install '$RDFLIB_SPEC' failed"
        else
            pip_install --user --break-system-packages || die "pip install --user '$RDFLIB_SPEC' failed"
        fi
    else
        pip_install || die "pip install '$RDFLIB_SPEC' failed"
    fi
    python3 -c 'import rdflib' 2>/dev/null || die "rdflib still cannot be imported by python3 after pip install"
    say "installed rdflib $(python3 -c 'import rdflib; print(rdflib.__version__)') (pip)"
fi

# --- Oxigraph server ---------------------------------------------------------------------------
# tests/push.rs pushes to a real `oxigraph serve`. crates.io is the only source: cargo compiles it
# with its own RocksDB, about 25 minutes on 2 cores, once (in a target directory kept apart).
OXIGRAPH_CLI_VERSION=0.5.13
if ! oxigraph --version 2>/dev/null | grep -qF "$OXIGRAPH_CLI_VERSION"; then
    command -v cargo >/dev/null 2>&1 || die "cargo is needed to install oxigraph-cli"
    say "installing oxigraph-cli $OXIGRAPH_CLI_VERSION with cargo (compiles RocksDB: about 25 minutes on 2 cores)"
    CARGO_TARGET_DIR="${CLAIMGRAPH_TOOLS_TARGET:-/var/tmp/claimgraph-tools-target}" \
        cargo install oxigraph-cli --version "$OXIGRAPH_CLI_VERSION" --no-default-features --locked --quiet \
        || die "cargo install oxigraph-cli failed"
    oxigraph --version 2>/dev/null | grep -qF "$OXIGRAPH_CLI_VERSION" \
        || die "oxigraph $OXIGRAPH_CLI_VERSION is not on PATH after cargo install (is ~/.cargo/bin on PATH?)"
    say "installed oxigraph-cli $OXIGRAPH_CLI_VERSION (cargo)"
fi
