#!/usr/bin/env bash
# The test command of the README: installs what the tests need, then runs every test
# (unit, golden, CLI and interop with rdflib, rapper, serdi and sophia) in release mode, which
# shares the compiled RocksDB with `cargo build --release`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --release "$@"
