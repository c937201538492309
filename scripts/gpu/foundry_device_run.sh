#!/usr/bin/env bash
# On the GPU machine: foundry's tests, the ONNX backend node tests (`verify`), ResNet-50 and MobileNetV2
# exported with torchvision (random weights, dynamic batch), per-layer profiles, plan save/load timing and a
# benchmark against the other runtimes in one run. Logs and JSON go to OUT_DIR.
#
# usage: scripts/gpu/foundry_device_run.sh BUNDLE_DIR OUT_DIR [STAGES]
#   BUNDLE_DIR  a relocatable bundle (scripts/bundle.sh ... with bin/foundry_gpu_test, bin/foundry_passes_test)
#   STAGES      comma list of: tests,verify,export,build,cache,bench (default: all but cache)
# Env: NODE_TESTS_TAR  the ONNX node tests as node.tar.xz (verify stage)
#      RUNTIMES        runtimes at batch 1 (default onnx,foundry,foundry-fp16; the first is the reference)
#      RUNTIMES_LARGE  runtimes at larger batches (default foundry,foundry-fp16)
#      BATCHES         batch sizes to benchmark (default "1 64")
#      TOLERANCE       atol and rtol of the output check (default 1e-2, the fp16 default of `benchmark`)
#      TRANSFERS       1: also benchmark batch 1 with --include-transfers
#      BIN             folder of the inferfoundry binary (default BUNDLE_DIR/bin)
#      FOUNDRY_OPTIONS runtime options for foundry builds, space-separated KEY=VALUE (cache stage), e.g. kernel-reuse=0
#      TAG             appended to the cache stage's file names, to keep runs with different options apart
#      MODELS          models of the build, cache and bench stages (default "resnet50 mobilenet_v2")
#      PRECISIONS      precisions of the build and cache stages (default "fp32 fp16")
set -uo pipefail
bundle=$(realpath "${1:?usage: foundry_device_run.sh BUNDLE_DIR OUT_DIR [STAGES]}")
out=$(realpath -m "${2:?usage: foundry_device_run.sh BUNDLE_DIR OUT_DIR [STAGES]}")
stages=${3:-tests,verify,export,build,bench}
bin=${BIN:-$bundle/bin}
models=/tmp/foundry-models
mkdir -p "$out" "$models"
export INFERFOUNDRY_CACHE_DIR=/tmp/foundry-cache
has() { [[ ,$stages, == *,$1,* ]]; }
foundry_options=()
for option in ${FOUNDRY_OPTIONS:-}; do foundry_options+=(--option "$option"); done
tag=${TAG:+_$TAG}

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt"
date -u +%Y-%m-%dT%H:%M:%SZ | tee -a "$out/gpu.txt"

if has tests; then
  echo "== unit and GPU tests"
  timeout 120 "$bin/foundry_passes_test" --gtest_brief=1 2>&1 | tail -3
  timeout 300 "$bin/foundry_gpu_test" --gtest_filter=-*OnnxBackend* 2>&1 | tail -40
fi

if has export; then
  echo "== export"
  PYTHONUNBUFFERED=1 timeout 300 python3 - "$models" <<'PY'
import sys, time, torch, torchvision
out = sys.argv[1]
for name in ["resnet50", "mobilenet_v2"]:
    start = time.time()
    model = getattr(torchvision.models, name)(weights=None).eval()
    torch.onnx.export(model, (torch.randn(1, 3, 224, 224),), f"{out}/{name}.onnx", input_names=["image"],
                      output_names=["logits"], dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=17, dynamo=False)
    print(f"exported {name} in {time.time() - start:.1f} s", flush=True)
PY
fi

if has build; then
  for model in ${MODELS:-resnet50 mobilenet_v2}; do
    for precision in ${PRECISIONS:-fp32 fp16}; do
      echo "== build $model $precision (cold: no cache), then load the saved plan"
      rm -rf "$INFERFOUNDRY_CACHE_DIR"
      timeout 240 "$bin/inferfoundry" build --runtime foundry --model "$models/$model.onnx" --precision "$precision" \
        --save-plan "/tmp/$model-$precision.plan" --profile --output "$out/build_${model}_$precision.json" 2>&1 | grep -v '^foundry: \[' | tail -80
      timeout 120 "$bin/inferfoundry" build --runtime foundry --model "$models/$model.onnx" --precision "$precision" \
        --load-plan "/tmp/$model-$precision.plan" 2>&1 | head -4
    done
  done
fi

if has cache; then
  for model in ${MODELS:-resnet50 mobilenet_v2}; do
    for precision in ${PRECISIONS:-fp32 fp16}; do
      echo "== plan cache: $model $precision ${FOUNDRY_OPTIONS:-}, cold build then three loads from the cache (fresh processes)"
      rm -rf "$INFERFOUNDRY_CACHE_DIR"
      for pass in cold cached cached2 cached3; do
        timeout 240 "$bin/inferfoundry" build --runtime foundry --model "$models/$model.onnx" --precision "$precision" \
          --option progress=0 "${foundry_options[@]}" --output "$out/cache_${model}_${precision}${tag}_$pass.json" 2>&1 | head -3
      done
    done
  done
fi

if has bench; then
  tolerance=${TOLERANCE:-1e-2}
  for model in ${MODELS:-resnet50 mobilenet_v2}; do
    for batch in ${BATCHES:-1 64}; do
      # ONNX Runtime on the CPU takes seconds per batch of 64: large batches compare the GPU runtimes only.
      if [[ $batch == 1 ]]; then runtimes=${RUNTIMES:-onnx,foundry,foundry-fp16}; iterations=200; else runtimes=${RUNTIMES_LARGE:-foundry,foundry-fp16}; iterations=50; fi
      echo "== benchmark $model batch $batch: $runtimes"
      timeout 400 "$bin/inferfoundry" benchmark --model "$models/$model.onnx" --shapes "batch:$batch" --runtimes "$runtimes" \
        --warmup 10 --iterations $iterations --duration 2s --atol "$tolerance" --rtol "$tolerance" --cache-dir "$INFERFOUNDRY_CACHE_DIR" \
        --output "$out/bench_${model}_b$batch.json" 2>&1 | tail -30
      if [[ ${TRANSFERS:-0} == 1 && $batch == 1 ]]; then
        echo "== benchmark $model batch $batch with host<->device copies: $runtimes"
        timeout 400 "$bin/inferfoundry" benchmark --model "$models/$model.onnx" --shapes "batch:$batch" --runtimes "$runtimes" \
          --warmup 10 --iterations $iterations --duration 2s --atol "$tolerance" --rtol "$tolerance" --cache-dir "$INFERFOUNDRY_CACHE_DIR" \
          --include-transfers --output "$out/bench_${model}_b${batch}_transfers.json" 2>&1 | tail -30
      fi
    done
  done
fi

if has verify; then
  # The ONNX backend node tests (Debian's libonnx-testdata, packed with: tar -C /usr/share/libonnx-testdata/data -cJf node.tar.xz node).
  node_tests=/tmp/foundry-node-tests/node
  mkdir -p /tmp/foundry-node-tests && tar -C /tmp/foundry-node-tests -xJf "${NODE_TESTS_TAR:?set NODE_TESTS_TAR to node.tar.xz}"
  echo "== verify --runtime foundry on $node_tests"
  timeout ${VERIFY_TIMEOUT:-300} "$bin/inferfoundry" verify --runtime foundry --suite "$node_tests" --json "$out/verify_foundry.json" 2>&1 | tail -60
fi
