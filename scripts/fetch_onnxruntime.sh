#!/usr/bin/env bash
# Fetches ONNX Runtime 1.29.0 (Linux x64 CPU library and C/C++ headers) from the npm registry package
# that carries it, checks the archive against a pinned sha256 and lays it out like an official release:
#   DEST/include/*.h  DEST/lib/libonnxruntime.so.1 (+ libonnxruntime.so link)
# Idempotent: a complete DEST with the right version stamp is left alone.
#
# usage: fetch_onnxruntime.sh DEST [--gpu]
#   --gpu  also fetch the CUDA and TensorRT execution providers (com.github.asus4.onnxruntime.linux-x64-gpu)
#          and replace the CPU-only core with one built with CUDA (onnxruntime-node 1.29.0's libonnxruntime.so.1,
#          the same ONNX Runtime commit): the CPU core with the GPU providers attached as plugins crashed on
#          third-party models (docs/gpu.md, "Which ONNX Runtime core").
set -euo pipefail

dest=${1:?usage: fetch_onnxruntime.sh DEST [--gpu]}
want_gpu=${2:-}
readonly version=0.4.9            # npm package version; it carries ONNX Runtime 1.29.0
readonly ort_version=1.29.0
readonly cpu_pkg=com.github.asus4.onnxruntime
readonly cpu_sha256=e59788788818fdde1b2e522e766a21ba0f7d8391de55737abf81e32cc801785d
readonly gpu_pkg=com.github.asus4.onnxruntime.linux-x64-gpu
readonly gpu_sha256=2b459e0c17f340c92970c10ed86de4f37a3009f93c14053e6ad4334cbb6be412
readonly cuda_core_pkg=onnxruntime-node
readonly cuda_core_version=1.29.0
readonly cuda_core_sha256=cfdfb45ec4044b1fdca43e5d2e180fb6817e649ff8ad1e0dfc90e18e51b67037

die() { echo "fetch_onnxruntime: $*" >&2; exit 1; }

# npm pack PKG into a temp folder, verify its sha256, print the tarball path.
fetch_verified() {
  local pkg=$1 sha=$2 work=$3 pkg_version=${4:-$version}
  command -v npm >/dev/null || die "npm is needed to fetch $pkg (apt-get install npm)"
  (cd "$work" && npm pack --silent "$pkg@$pkg_version" >/dev/null 2>"$work/npm.log") \
    || die "npm pack $pkg@$pkg_version failed: $(tail -n 1 "$work/npm.log")"
  local tgz="$work/$pkg-$pkg_version.tgz"
  [[ -f $tgz ]] || die "npm pack did not produce $tgz"
  local got
  got=$(sha256sum "$tgz" | cut -d' ' -f1)
  [[ $got == "$sha" ]] || die "sha256 mismatch for $pkg@$pkg_version: expected $sha, got $got"
  echo "$tgz"
}

stamp="$dest/.inferfoundry-ort-$ort_version"
if [[ ! -f $stamp ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  tgz=$(fetch_verified "$cpu_pkg" "$cpu_sha256" "$work")
  headers='package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers'
  tar xzf "$tgz" -C "$work" package/Plugins/Linux/x64 "$headers"
  rm -rf "$dest.partial"
  mkdir -p "$dest.partial/include" "$dest.partial/lib"
  cp "$work/$headers"/*.h "$dest.partial/include/"
  cp "$work/package/Plugins/Linux/x64/libonnxruntime.so" "$dest.partial/lib/libonnxruntime.so.$ort_version"
  cp "$work/package/Plugins/Linux/x64/libonnxruntime_providers_shared.so" "$dest.partial/lib/"
  ln -s "libonnxruntime.so.$ort_version" "$dest.partial/lib/libonnxruntime.so.1"
  ln -s libonnxruntime.so.1 "$dest.partial/lib/libonnxruntime.so"
  touch "$dest.partial/.inferfoundry-ort-$ort_version"
  rm -rf "$dest"
  mv "$dest.partial" "$dest"
  rm -rf "$work"; trap - EXIT
  echo "ONNX Runtime $ort_version installed in $dest"
fi

if [[ $want_gpu == --gpu && ! -f $dest/.inferfoundry-ort-gpu-$ort_version ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  tgz=$(fetch_verified "$gpu_pkg" "$gpu_sha256" "$work")
  tar xzf "$tgz" -C "$work" package/Plugins/Linux/x64
  for so in "$work"/package/Plugins/Linux/x64/libonnxruntime_providers_*.so; do
    cp "$so" "$dest/lib/.$(basename "$so").partial"
    mv "$dest/lib/.$(basename "$so").partial" "$dest/lib/$(basename "$so")"
  done
  touch "$dest/.inferfoundry-ort-gpu-$ort_version"
  rm -rf "$work"; trap - EXIT
  echo "ONNX Runtime $ort_version GPU providers installed in $dest/lib"
fi

# The core built with CUDA: its build info names the same commit as the CPU core's (2e2543fbe9), so the
# headers stay valid; it runs CPU models like the CPU core does.
if [[ $want_gpu == --gpu && ! -f $dest/.inferfoundry-ort-cuda-core-$ort_version ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  tgz=$(fetch_verified "$cuda_core_pkg" "$cuda_core_sha256" "$work" "$cuda_core_version")
  tar xzf "$tgz" -C "$work" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
  cp "$work/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$dest/lib/.core.partial"
  mv "$dest/lib/.core.partial" "$dest/lib/libonnxruntime.so.$ort_version"
  touch "$dest/.inferfoundry-ort-cuda-core-$ort_version"
  rm -rf "$work"; trap - EXIT
  echo "ONNX Runtime $ort_version core built with CUDA installed in $dest/lib"
fi
