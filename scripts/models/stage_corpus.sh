#!/usr/bin/env bash
# Stages the model corpus for the GPU device machine, whose runs each receive at most 64 MiB (the checkout
# included): fetches it (scripts/models/fetch_corpus.sh, checksummed and cached), then spreads the models over
# DEST/1, DEST/2, ... of at most PART_MIB each, and prints the folders to carry, one device call each.
#
# usage: scripts/models/stage_corpus.sh DEST
#   DEST  a git-ignored folder of the checkout (e.g. .device-corpus, which .gitignore lists)
# Env: PART_MIB  largest part (default 55: a part plus the ~6 MiB checkout stays under 64 MiB)
set -euo pipefail
shopt -s inherit_errexit
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dest=${1:?usage: stage_corpus.sh DEST}
readonly part_bytes=$((${PART_MIB:-55} * 1024 * 1024))

mkdir -p "$dest"
dest=$(realpath "$dest")
case $dest in
  "$root"/*) ;;
  *) echo "stage_corpus: $dest is not inside the checkout $root (the device run carries checkout folders)" >&2; exit 1 ;;
esac
if ! git -C "$root" check-ignore -q "$dest"; then
  echo "stage_corpus: $dest is not ignored by git; use a folder .gitignore lists (.device-corpus)" >&2
  exit 1
fi

fetched=$(mktemp -d)
trap 'rm -rf "$fetched"' EXIT
"$root/scripts/models/fetch_corpus.sh" "$fetched"

rm -rf "${dest:?}"/*
part=1
used=0
# Largest first, each into the current part while it fits, so parts fill up and the count stays small.
while read -r bytes file; do
  if ((bytes > part_bytes)); then
    echo "stage_corpus: $(basename "$file") alone ($bytes bytes) is over the ${PART_MIB:-55} MiB part size" >&2
    exit 1
  fi
  if ((used + bytes > part_bytes)); then
    part=$((part + 1))
    used=0
  fi
  mkdir -p "$dest/$part"
  cp "$file" "$dest/$part/"
  used=$((used + bytes))
done < <(find "$fetched" -name '*.onnx' -printf '%s %p\n' | sort -rn)

relative=${dest#"$root"/}
echo "Staged the corpus in $part part(s) under $relative ($(du -sh "$dest" | cut -f1)). One device call per part:"
for i in $(seq 1 $((part - 1))); do
  echo "  carry: [\"$relative/$i\"]  command: scripts/gpu/corpus_device_run.sh --receive $relative/$i"
done
echo "  carry: [\"$relative/$part\"]  command: scripts/gpu/corpus_device_run.sh" \
  "/tmp/if-gpu/inferfoundry/bin/inferfoundry \$OUT/corpus $relative/$part"
