#!/usr/bin/env bash
# On the GPU machine: which pairing of ONNX Runtime core and CUDA provider runs third-party models.
# Every model runs `benchmark --runtimes onnx,onnx-cuda` (outputs checked against the CPU) in a process of its
# own, three ways:
#   shipped-plugin   the npm CPU core shipped with InferFoundry, the CUDA provider as a plugin EP library
#   cudacore-builtin a core built with CUDA (onnxruntime-node 1.29.0, the same ORT commit), the provider
#                    attached through ORT's own AppendExecutionProvider_CUDA_V2
#   cudacore-plugin  that core with the provider as a plugin EP library
# and the table says, per model and way: exit status (or the signal), and the check verdict.
#
# usage: scripts/gpu/provider_pairing.sh BUNDLE_DIR CUDA_CORE_SO OUT_DIR MODEL_DIR
# Env: MODELS  corpus names to try (default: all of scripts/models/corpus.tsv found in MODEL_DIR)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bundle=$(realpath "${1:?usage: provider_pairing.sh BUNDLE_DIR CUDA_CORE_SO OUT_DIR MODEL_DIR}")
cuda_core=$(realpath "${2:?usage: provider_pairing.sh BUNDLE_DIR CUDA_CORE_SO OUT_DIR MODEL_DIR}")
out=$(realpath -m "${3:?usage: provider_pairing.sh BUNDLE_DIR CUDA_CORE_SO OUT_DIR MODEL_DIR}")
models=$(realpath "${4:?usage: provider_pairing.sh BUNDLE_DIR CUDA_CORE_SO OUT_DIR MODEL_DIR}")
mkdir -p "$out"

# The CUDA-enabled core in a folder of its own with the same providers beside it (ORT loads providers from
# its own folder); LD_LIBRARY_PATH wins over the bundle's RUNPATH, so only the core changes.
alt=/tmp/if-gpu/cuda-core
mkdir -p "$alt"
cp "$cuda_core" "$alt/libonnxruntime.so.1"
for so in "$bundle"/lib/libonnxruntime_providers_*.so; do ln -sf "$so" "$alt/"; done

signal_name() { local rc=$1; if ((rc > 128)); then echo "signal $(kill -l $((rc - 128)))"; else echo "exit $rc"; fi; }

printf '%-22s %-18s %-16s %s\n' model way status check | tee "$out/pairing.txt"
while IFS=$'\t' read -r name _ _ _ _ _ _ _ _ shapes args; do
  [[ -z $name || $name == \#* || $name == name ]] && continue
  [[ -z ${MODELS:-} || " $MODELS " == *" $name "* ]] || continue
  [[ -f $models/$name.onnx ]] || continue
  for way in shipped-plugin cudacore-builtin cudacore-plugin; do
    env_prefix=()
    api=plugin
    [[ $way == cudacore-* ]] && env_prefix=(env LD_LIBRARY_PATH="$alt")
    [[ $way == cudacore-builtin ]] && api=built-in
    command=("${env_prefix[@]}" "$bundle/bin/inferfoundry" benchmark --model "$models/$name.onnx" --runtimes
      onnx,onnx-cuda --option "onnx-cuda:provider_api=$api" --warmup 2 --iterations 10 --output "$out/${name}_$way.json")
    [[ $shapes != - ]] && command+=(--shapes "$shapes")
    # shellcheck disable=SC2206 # args holds separate words
    [[ $args != - ]] && command+=($args)
    timeout --kill-after=5 120 "${command[@]}" >"$out/${name}_$way.log" 2>&1
    rc=$?
    check=$(python3 -c "
import json,sys
try:
    r=[x for x in json.load(open(sys.argv[1]))['results'] if x['runtime']=='onnx-cuda'][0]
    a=r.get('accuracy')
    print(r['status'] if r['status']!='ok' else ('pass' if a and a['passed'] else 'FAIL' if a else 'unchecked'), r.get('details',{}).get('provider_api',''))
except Exception as e: print('no results file')" "$out/${name}_$way.json")
    printf '%-22s %-18s %-16s %s\n' "$name" "$way" "$(signal_name $rc)" "$check" | tee -a "$out/pairing.txt"
  done
done <"$root/scripts/models/corpus.tsv"
