#!/usr/bin/env bash
# On the GPU machine: the same benchmark with two builds of InferFoundry, interleaved in one session, so a
# refactoring can be shown not to change the timed figures (issue 12: "unchanged within noise, same run").
# Each round runs BEFORE then AFTER, the next round AFTER then BEFORE, so drift of the machine over the
# session falls on both alike. Prints, per batch and runtime, the median device time of each build over all
# rounds and their ratio, and writes every results file to OUT_DIR.
#
# usage: scripts/gpu/compare_builds.sh BEFORE_BIN AFTER_BIN MODEL OUT_DIR
#   BEFORE_BIN, AFTER_BIN  the two inferfoundry binaries (each in its own relocatable bundle)
# Env: RUNTIMES (default onnx-cuda-fp16,foundry,foundry-fp16; the first is the check's reference)
#      BATCHES (default "1 64"), ROUNDS (default 2), TOLERANCE (default 5e-2)
set -uo pipefail
before=${1:?usage: compare_builds.sh BEFORE_BIN AFTER_BIN MODEL OUT_DIR}
after=${2:?usage: compare_builds.sh BEFORE_BIN AFTER_BIN MODEL OUT_DIR}
model=${3:?usage: compare_builds.sh BEFORE_BIN AFTER_BIN MODEL OUT_DIR}
out=$(realpath -m "${4:?usage: compare_builds.sh BEFORE_BIN AFTER_BIN MODEL OUT_DIR}")
runtimes=${RUNTIMES:-onnx-cuda-fp16,foundry,foundry-fp16}
tolerance=${TOLERANCE:-5e-2}
mkdir -p "$out"

run() {  # run LABEL BIN BATCH ROUND
  local label=$1 bin=$2 batch=$3 round=$4
  local iterations=200
  [[ $batch == 1 ]] || iterations=50
  echo "== $label batch $batch round $round"
  # Separate plan caches: the two builds' plans differ in fingerprint anyway, and neither may read the other's.
  INFERFOUNDRY_CACHE_DIR=/tmp/compare-cache-$label timeout 400 "$bin" benchmark --model "$model" \
    --shapes "batch:$batch" --runtimes "$runtimes" --warmup 10 --iterations $iterations --duration 2s \
    --atol "$tolerance" --rtol "$tolerance" --quiet --output "$out/${label}_b${batch}_r$round.json" 2>&1 | tail -12
}

for batch in ${BATCHES:-1 64}; do
  for round in $(seq 1 "${ROUNDS:-2}"); do
    if (( round % 2 )); then run before "$before" "$batch" "$round"; run after "$after" "$batch" "$round"
    else run after "$after" "$batch" "$round"; run before "$before" "$batch" "$round"; fi
  done
done

python3 - "$out" <<'PY'
import glob, json, os, statistics, sys
out = sys.argv[1]
rows = {}
for path in glob.glob(os.path.join(out, "*_b*_r*.json")):
    label, batch = os.path.basename(path).split("_")[:2]
    for r in json.load(open(path))["results"]:
        if r.get("status") != "ok":
            continue
        latency = r.get("device_latency", r.get("latency", {})).get("median_ms")
        passed = r.get("accuracy", {}).get("passed", True)
        rows.setdefault((batch, r["runtime"]), {}).setdefault(label, []).append((latency, passed))
print(f"{'batch':<6} {'runtime':<16} {'before ms':>10} {'after ms':>10} {'after/before':>12}  checks")
for (batch, runtime), sides in sorted(rows.items()):
    b = statistics.median(x for x, _ in sides.get("before", [(float("nan"), True)]))
    a = statistics.median(x for x, _ in sides.get("after", [(float("nan"), True)]))
    checks = "pass" if all(p for side in sides.values() for _, p in side) else "FAIL"
    print(f"{batch:<6} {runtime:<16} {b:>10.4f} {a:>10.4f} {a / b:>12.3f}  {checks}")
PY
