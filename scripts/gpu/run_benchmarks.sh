#!/usr/bin/env bash
# On the GPU machine: exports each model (export_models.py, random weights, fixed shapes) and benchmarks it
# on several runtimes in one `inferfoundry benchmark` run, outputs checked against the first runtime.
# Writes OUT_DIR/<model>.json per model (and <model>-transfers.json with --include-transfers when
# TRANSFERS=1); models are kept in /tmp/if-gpu/models between runs.
#
# usage: scripts/gpu/run_benchmarks.sh BINARY OUT_DIR MODEL [MODEL ...]
# Env: RUNTIMES    comma list (default onnx,onnx-cuda,onnx-cuda-fp16; the first is the reference)
#      BENCH_ARGS  extra benchmark arguments (default: --warmup 5 --iterations 30 --duration 2s
#                  --atol 1e-2 --rtol 1e-2, the float16 tolerances, since fp16 runs beside fp32 here)
#      TRANSFERS   1 to add a run of the GPU runtimes with --include-transfers
set -uo pipefail
binary=${1:?usage: run_benchmarks.sh BINARY OUT_DIR MODEL...}
out=${2:?usage: run_benchmarks.sh BINARY OUT_DIR MODEL...}
shift 2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runtimes=${RUNTIMES:-onnx,onnx-cuda,onnx-cuda-fp16}
read -r -a bench_args <<< "${BENCH_ARGS:---warmup 5 --iterations 30 --duration 2s --atol 1e-2 --rtol 1e-2}"
models=/tmp/if-gpu/models
mkdir -p "$models" "$out"
export INFERFOUNDRY_CACHE_DIR=/tmp/if-gpu/cache
status=0
for model in "$@"; do
  if [[ ! -f $models/$model.onnx ]]; then
    PYTHONUNBUFFERED=1 python3 "$root/scripts/gpu/export_models.py" "$models" "$model" || { status=1; continue; }
  fi
  echo "== $model: $runtimes"
  "$binary" benchmark --model "$models/$model.onnx" --runtimes "$runtimes" "${bench_args[@]}" \
    --output "$out/$model.json"
  rc=$?
  echo "== $model: exit status $rc"
  [[ $rc -eq 0 ]] || status=$rc
  if [[ ${TRANSFERS:-0} == 1 ]]; then
    "$binary" benchmark --model "$models/$model.onnx" --runtimes "${runtimes#onnx,}" --include-transfers \
      "${bench_args[@]}" --output "$out/$model-transfers.json"
    echo "== $model with transfers: exit status $?"
  fi
done
exit $status
