#!/usr/bin/env bash
# Makes a relocatable bundle of InferFoundry: bin/inferfoundry (plus any extra binaries named) with every
# shared library it needs that a plain Linux x64 machine with an NVIDIA driver lacks, in lib/ beside it.
# Binaries find them through RPATH $ORIGIN/../lib, so the bundle runs from any folder with no packages
# installed and no LD_LIBRARY_PATH. The CUDA libraries that foundry links (cuBLAS, cuBLASLt, cuDNN) are
# not copied: they are large and come with the machine's CUDA install.
#
# usage: scripts/bundle.sh [--build-dir DIR] OUT_DIR [EXTRA_BINARY ...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=$root/build
if [[ ${1:-} == --build-dir ]]; then build_dir=$(realpath "$2"); shift 2; fi
out=${1:?usage: bundle.sh [--build-dir DIR] OUT_DIR [EXTRA_BINARY ...]}
shift
command -v patchelf >/dev/null || { echo "bundle: patchelf is needed (apt-get install patchelf)" >&2; exit 1; }

rm -rf "$out"
cmake --install "$build_dir" --prefix "$out" >/dev/null
for extra in "$@"; do install -m 755 "$extra" "$out/bin/"; done

# Libraries every target machine has (glibc, the C++ runtime, the GPU driver and CUDA math libraries).
is_system_lib() {
  case $1 in
    linux-vdso*|ld-linux*|libc.so*|libm.so*|libdl.so*|librt.so*|libpthread.so*|libgcc_s.so*|libstdc++.so*) return 0 ;;
    libcuda.so*|libcudnn*|libcublas*|libcudart.so*|libnvrtc*) return 0 ;;
  esac
  return 1
}

# ONNX Runtime first (it is found only through RPATH), with the execution providers it loads from its
# own folder.
mkdir -p "$out/lib"
ort_lib=$(dirname "$(grep -E '^ONNXRUNTIME_LIBRARY:' "$build_dir/CMakeCache.txt" | cut -d= -f2)")
cp -L "$ort_lib/libonnxruntime.so.1" "$out/lib/"
cp -L "$ort_lib"/libonnxruntime_providers_*.so "$out/lib/" 2>/dev/null || true
for binary in "$out"/bin/*; do
  patchelf --set-rpath '$ORIGIN/../lib' "$binary"
  while read -r name _ path _; do
    [[ -n ${path:-} && $path != "not" ]] || continue
    is_system_lib "$name" && continue
    [[ -f $out/lib/$name ]] || cp -L "$path" "$out/lib/$name"
  done < <(ldd "$binary" | grep '=>')
done
for lib in "$out"/lib/*.so*; do patchelf --set-rpath '$ORIGIN' "$lib"; done
echo "bundle: $(du -sh "$out" | cut -f1) in $out"
