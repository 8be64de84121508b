#!/usr/bin/env bash
# Runs clang-tidy (the repository's .clang-tidy, every warning an error) over the product's
# sources: src/ and tools/, tests excluded. BUILD_DIR must be a configured and built clang tree
# (its compile_commands.json and generated protobuf headers; the suite passes build-asan).
# A file's result is cached under TEE_TIDY_CACHE (default ~/.cache/tee-clang-tidy), keyed by the
# clang-tidy version, the config and the file as preprocessed: clang-tidy costs 10-20 s of CPU
# per file, while preprocessing costs well under one, so only what changed is analysed again.
# usage: scripts/tidy.sh BUILD_DIR [JOBS]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=$(cd "${1:?usage: scripts/tidy.sh BUILD_DIR [JOBS]}" && pwd)
jobs=${2:-$(nproc)}
cache=${TEE_TIDY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tee-clang-tidy}
mkdir -p "$cache"
[ -f "$build_dir/compile_commands.json" ] || {
  echo "tidy: $build_dir/compile_commands.json is missing: configure and build that tree first" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export build_dir cache work
salt=$( (clang-tidy --version; cat .clang-tidy) | sha256sum | cut -c1-64)
export salt

# One file: its preprocessed text (same command, -E) decides whether the cached pass still holds.
check_one() {
  local file=$1 command key out
  out="$work/$(tr / _ <<<"$file")"
  command=$(jq -r --arg f "$PWD/$file" '.[] | select(.file == $f) | .command' \
    "$build_dir/compile_commands.json" | head -1)
  if [ -z "$command" ]; then
    echo "tidy: $file is in no compile command of $build_dir" >"$out.fail"
    return 1
  fi
  # The object output (-o X) is replaced by stdout; the key covers every header the file reads.
  # The checkout's path (in assert()'s __FILE__) is taken out, so another clone of the same
  # sources finds the same results.
  key=$( (echo "$salt"; cd "$build_dir" &&
    eval "$(sed -E 's/ -o [^ ]+/ -o -/' <<<"$command") -E -P -w" 2>/dev/null) |
    sed "s|$PWD/||g" | sha256sum | cut -c1-64)
  [ -e "$cache/$key" ] && return 0
  if clang-tidy --quiet -p "$build_dir" --extra-arg=-Wno-unknown-warning-option "$file" \
      >"$out.log" 2>&1; then
    touch "$cache/$key"
  else
    { echo "== $file"; cat "$out.log"; } >"$out.fail"
    return 1
  fi
}
export -f check_one

files=$(git ls-files 'src/*.cc' 'tools/*.cc' | grep -v '_test\.cc$')
status=0
# shellcheck disable=SC2086 # one file per word
printf '%s\n' $files | xargs -P "$jobs" -I{} bash -c 'check_one "$1"' _ {} || status=1
if [ $status -ne 0 ]; then
  cat "$work"/*.fail >&2
  echo "tidy: clang-tidy found problems (above)" >&2
  exit 1
fi
echo "tidy: $(wc -w <<<"$files") files pass clang-tidy ($(ls "$cache" | wc -l) results cached)"
