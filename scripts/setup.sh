#!/usr/bin/env bash
# Sets InferFoundry up on a fresh Debian 12 / Ubuntu x64 machine and builds it. Idempotent: packages that
# are already installed, an ONNX Runtime that is already fetched and an up-to-date build are left alone.
#
# usage: scripts/setup.sh [--gpu] [--build-dir DIR] [--no-packages]
#   --gpu          also fetch ONNX Runtime's CUDA and TensorRT providers (done anyway when nvidia-smi sees a GPU)
#   --no-packages  skip the Debian package step (for machines where they are provided otherwise)
# Env: ONNXRUNTIME_ROOT  an existing ONNX Runtime install (include/, lib/) used instead of fetching one.
#      BUILD_TYPE        CMake build type (default Release).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=$root/build
gpu=""
packages=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --gpu) gpu=--gpu ;;
    --build-dir) build_dir=$(realpath -m "$2"); shift ;;
    --no-packages) packages=0 ;;
    *) echo "setup: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ -z $gpu ]] && command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then gpu=--gpu; fi

readonly debian_packages=(
  g++ cmake ninja-build ccache pkg-config patchelf
  libprotobuf-dev protobuf-compiler libonnx-dev libonnx-testdata
  libcli11-dev nlohmann-json3-dev libfmt-dev libssl-dev libxxhash-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3-dev python3-numpy python3-pytest python3-onnx pybind11-dev
  chromium
)

install_packages() {
  local missing=()
  for p in "${debian_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return
  echo "setup: installing ${missing[*]}"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

[[ $packages -eq 1 ]] && install_packages

ort_root=${ONNXRUNTIME_ROOT:-}
if [[ -z $ort_root ]]; then
  ort_root=$root/third_party/onnxruntime
  "$root/scripts/fetch_onnxruntime.sh" "$ort_root" $gpu
fi

# Paths relative to the checkout in ccache's hashes, so clones in other folders reuse compiled objects.
export CCACHE_BASEDIR=$root
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" \
    -DONNXRUNTIME_ROOT="$ort_root"
fi
cmake --build "$build_dir" -j "$(nproc)"
