#!/usr/bin/env bash
# On the GPU machine: keeps one staged part (see stage_ort_cuda.sh) in /tmp/if-gpu until the last run joins them.
# usage: scripts/gpu/device_receive.sh PART_DIR
set -euo pipefail
mkdir -p /tmp/if-gpu/parts
cp "${1:?usage: device_receive.sh PART_DIR}"/* /tmp/if-gpu/parts/
ls -la /tmp/if-gpu/parts
