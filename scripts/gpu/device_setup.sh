#!/usr/bin/env bash
# On the GPU machine, after every staged part was received: joins and unpacks the CUDA provider, unpacks the
# bundle to /tmp/if-gpu/inferfoundry, puts the provider beside libonnxruntime.so.1 and checks with ldd that
# every library resolves. Idempotent. Prints the binary's path last.
set -euo pipefail
stage=/tmp/if-gpu
bundle=$stage/inferfoundry
if [[ ! -x $bundle/bin/inferfoundry ]]; then
  tar -C "$stage" -xJf "$stage/parts/bundle.tar.xz"
fi
if [[ ! -f $bundle/lib/libonnxruntime_providers_cuda.so ]]; then
  cat "$stage"/parts/cuda.xz.part.* | xz -d > "$bundle/lib/.cuda.partial"
  mv "$bundle/lib/.cuda.partial" "$bundle/lib/libonnxruntime_providers_cuda.so"
fi
missing=$( { ldd "$bundle/bin/inferfoundry"; ldd "$bundle/lib/libonnxruntime_providers_cuda.so"; } | grep "not found" || true)
if [[ -n $missing ]]; then
  echo "device_setup: unresolved libraries:" >&2
  echo "$missing" >&2
  exit 1
fi
echo "$bundle/bin/inferfoundry"
