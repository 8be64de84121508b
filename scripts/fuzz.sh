#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/fuzz for SECONDS each, seeded from fuzz/corpus/<target>
# and, for the CPUID parsers, the reference dumps. Fails on the first finding.
# usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:?usage: scripts/fuzz.sh BUILD_DIR SECONDS}
seconds=${2:-60}
reference=../shared/reference/cpuid
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for target in "$build_dir"/fuzz/*_fuzz; do
  name=$(basename "$target")
  corpus="$work/$name"
  mkdir -p "$corpus"
  [ -d "fuzz/corpus/$name" ] && cp -r "fuzz/corpus/$name/." "$corpus/"
  if [ "$name" = cpuid_dump_fuzz ] && [ -d "$reference" ]; then cp "$reference"/*.txt "$corpus/"; fi
  echo "fuzz: $name for ${seconds}s"
  if ! "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
      -artifact_prefix="$work/" "$corpus" >"$work/$name.log" 2>&1; then
    echo "fuzz: $name found a problem:"; tail -40 "$work/$name.log"; status=1
    mkdir -p fuzz/findings && cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* fuzz/findings/ 2>/dev/null || true
  else
    grep -E "^#[0-9]+.*DONE" "$work/$name.log" | tail -1 || true
  fi
done
exit $status
