#!/usr/bin/env bash
# Stages InferFoundry and ONNX Runtime's CUDA provider for the GPU device machine, whose runs each receive at
# most 64 MiB (the checkout included). The CUDA provider (~220 MiB, ~158 MiB xz-compressed) is cut into
# parts sent in back-to-back runs (/tmp there survives while the machine stays warm); the last part also
# holds the relocatable bundle (scripts/bundle.sh) as bundle.tar.xz, with the TensorRT provider.
#
# usage: scripts/gpu/stage_ort_cuda.sh BUILD_DIR DEST
#   BUILD_DIR  a build whose bin/inferfoundry is up to date
#   DEST       a folder of the checkout that .git/info/exclude ignores (e.g. .device-gpu)
# Prints, for each part, the folder to carry and the command that receives it on the device; the last run
# then calls scripts/gpu/device_setup.sh and scripts/gpu/run_benchmarks.sh.
# The provider is fetched (sha256-checked) and compressed once, then kept under $XDG_CACHE_HOME.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=$(realpath "${1:?usage: stage_ort_cuda.sh BUILD_DIR DEST}")
dest=${2:?usage: stage_ort_cuda.sh BUILD_DIR DEST}
readonly part_mib=${PART_MIB:-50}  # a part plus the checkout (~7 MiB) stays under one run's 64 MiB
cache=${XDG_CACHE_HOME:-$HOME/.cache}/inferfoundry-gpu-stage
mkdir -p "$cache"

# ONNX Runtime with its GPU providers, laid out by the project's own (checksumming) fetch script.
"$root/scripts/fetch_onnxruntime.sh" "$cache/ort" --gpu >/dev/null
if [[ ! -f $cache/libonnxruntime_providers_cuda.so.xz ]]; then
  echo "stage: compressing the CUDA provider (once; several minutes)" >&2
  xz -T2 -6 -c "$cache/ort/lib/libonnxruntime_providers_cuda.so" > "$cache/cuda.xz.partial"
  mv "$cache/cuda.xz.partial" "$cache/libonnxruntime_providers_cuda.so.xz"
fi

rm -rf "$dest"
mkdir -p "$dest"
(cd "$dest" && split -b "${part_mib}M" -d -a 1 "$cache/libonnxruntime_providers_cuda.so.xz" cuda.xz.part.)
parts=("$dest"/cuda.xz.part.*)
for i in "${!parts[@]}"; do
  mkdir -p "$dest/$((i + 1))"
  mv "${parts[$i]}" "$dest/$((i + 1))/"
done
last=$dest/${#parts[@]}

# The bundle: the binary with its libraries (ONNX Runtime, protobuf, fmt, OpenSSL) and the small providers.
bundle=$(mktemp -d)
trap 'rm -rf "$bundle"' EXIT
# EXTRA_BINARIES: more programs for the bundle's bin/ (test programs the device run needs).
# shellcheck disable=SC2086 # a space-separated list of paths
"$root/scripts/bundle.sh" --build-dir "$build_dir" "$bundle/inferfoundry" ${EXTRA_BINARIES:-} >/dev/null
# The GPU machine gets the core built with CUDA (fetch_onnxruntime.sh --gpu put it in $cache/ort), whatever
# core this build links: the CPU-only core crashes with the CUDA provider on third-party models.
cp -L "$cache/ort/lib/libonnxruntime.so.1" "$cache/ort/lib/libonnxruntime_providers_tensorrt.so" \
  "$cache/ort/lib/libonnxruntime_providers_shared.so" "$bundle/inferfoundry/lib/"
tar -C "$bundle" -cJf "$last/bundle.tar.xz" inferfoundry

echo "Staged ${#parts[@]} runs under $dest ($(du -sh "$dest" | cut -f1)). Send them back to back, in order:"
for i in $(seq 1 "${#parts[@]}"); do
  echo "  run $i: carry $dest/$i; command starts with: scripts/gpu/device_receive.sh $dest/$i"
done
echo "  the last run continues: scripts/gpu/device_setup.sh && scripts/gpu/run_benchmarks.sh MODELS..."
