#!/usr/bin/env bash
# On the GPU machine: the third-party model corpus (scripts/models/corpus.tsv) on every runtime, one
# `inferfoundry benchmark` call per model (outputs checked against the first runtime), then a summary table
# (model, runtime, status, check verdict, median). A model whose call crashes, hangs or fails does not stop
# the others: its exit status and the end of its log are kept, and the table says "no results file".
#
# usage: scripts/gpu/corpus_device_run.sh BINARY OUT_DIR [MODEL_DIR ...]
#        scripts/gpu/corpus_device_run.sh --receive MODEL_DIR ...   (only keep the parts, for multi-part stages)
#   BINARY     inferfoundry (after scripts/gpu/device_setup.sh: /tmp/if-gpu/inferfoundry/bin/inferfoundry)
#   OUT_DIR    gets <model>.json, <model>.log, <model>.rc, summary.txt and summary.md
#   MODEL_DIR  staged corpus parts carried in this call (scripts/models/stage_corpus.sh); their models are
#              copied to /tmp/if-gpu/corpus, where later calls find them while the machine stays warm
# Env: RUNTIMES       comma list (default onnx,onnx-cuda,onnx-cuda-fp16,foundry,foundry-fp16; the first is
#                     the reference of the output check)
#      BENCH_ARGS     arguments for every call (default --warmup 3 --iterations 20; tolerances follow each
#                     runtime's precision, as `benchmark` sets them)
#      MODELS         space-separated corpus names to run (default: all), to split the corpus over calls
#      MODEL_TIMEOUT  seconds one model's call may take before it is killed (default 240)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly store=/tmp/if-gpu/corpus
receive() {
  mkdir -p "$store"
  local part
  for part in "$@"; do
    cp "$part"/*.onnx "$store/" || echo "corpus_device_run: no models copied from $part" >&2
  done
}
if [[ ${1:-} == --receive ]]; then
  shift
  receive "$@"
  ls -la "$store"
  exit 0
fi
binary=${1:?usage: corpus_device_run.sh BINARY OUT_DIR [MODEL_DIR ...]}
out=${2:?usage: corpus_device_run.sh BINARY OUT_DIR [MODEL_DIR ...]}
shift 2
runtimes=${RUNTIMES:-onnx,onnx-cuda,onnx-cuda-fp16,foundry,foundry-fp16}
read -r -a bench_args <<<"${BENCH_ARGS:---warmup 3 --iterations 20}"
model_timeout=${MODEL_TIMEOUT:-240}
mkdir -p "$out" "$store"
export INFERFOUNDRY_CACHE_DIR=/tmp/if-gpu/cache

receive "$@"

wanted() { [[ -z ${MODELS:-} || " $MODELS " == *" $1 "* ]]; }

ran=()
while IFS=$'\t' read -r name _ _ _ _ sha256 _ _ _ shapes args; do
  [[ -z $name || $name == \#* || $name == name ]] && continue
  wanted "$name" || continue
  ran+=("$name")
  model=$store/$name.onnx
  if [[ ! -f $model ]]; then
    echo "== $name: not in $store (carry its staged part)" | tee "$out/$name.log"
    echo missing >"$out/$name.rc"
    continue
  fi
  if [[ $(sha256sum "$model" | cut -d' ' -f1) != "$sha256" ]]; then
    echo "== $name: checksum mismatch in $store; not run" | tee "$out/$name.log"
    echo checksum >"$out/$name.rc"
    continue
  fi
  command=("$binary" benchmark --model "$model" --runtimes "$runtimes" "${bench_args[@]}" --cache-dir
    "$INFERFOUNDRY_CACHE_DIR" --output "$out/$name.json")
  [[ $shapes != - ]] && command+=(--shapes "$shapes")
  # shellcheck disable=SC2206 # args holds separate words like "--int-range 16000:16000"
  [[ $args != - ]] && command+=($args)
  echo "== $name: ${command[*]:1}"
  start=$SECONDS
  timeout --kill-after=10 "$model_timeout" "${command[@]}" >"$out/$name.log" 2>&1
  rc=$?
  echo "$rc" >"$out/$name.rc"
  echo "== $name: exit status $rc after $((SECONDS - start)) s"
  tail -n 12 "$out/$name.log"
done <"$root/scripts/models/corpus.tsv"

for name in ${MODELS:-}; do
  [[ " ${ran[*]} " == *" $name "* ]] || echo "corpus_device_run: '$name' (MODELS) is not in the corpus" >&2
done
if [[ ${#ran[@]} -eq 0 ]]; then
  echo "corpus_device_run: MODELS='${MODELS:-}' names no corpus model" >&2
  exit 2
fi
echo "== summary ($runtimes)"
python3 "$root/scripts/models/summarize_results.py" "$out" "${ran[@]}" | tee "$out/summary.txt"
python3 "$root/scripts/models/summarize_results.py" --markdown "$out" "${ran[@]}" >"$out/summary.md"
missing=0
for name in "${ran[@]}"; do [[ -f $out/$name.json ]] || missing=$((missing + 1)); done
echo "corpus_device_run: ${#ran[@]} models, $missing without a results file"
[[ $missing -eq 0 ]]
