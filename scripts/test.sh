#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs every test through ctest: GoogleTest unit and CLI tests,
# and the Python tests. GPU tests skip themselves where there is no GPU.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/scripts/setup.sh" "$@"
ctest --test-dir "$root/build" --output-on-failure -j "$(nproc)"
