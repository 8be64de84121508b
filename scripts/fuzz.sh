#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR/fuzz for SECONDS each, JOBS targets at a time (default:
# nproc), seeded from fuzz/corpus/<target> and, for the CPUID dump parser, the reference dumps in
# test/testdata/cpuid. Prints one line per target with its executions; fails when any target
# finds a crash, leak or timeout, copying the input that did it to fuzz/findings/.
# With TEE_FUZZ_UPDATE_CORPUS=1, each target's corpus after the run is minimised (-merge=1: the
# fewest inputs that keep its coverage) and written back to fuzz/corpus/<target>, to commit; the
# suite's short runs start from there.
# usage: scripts/fuzz.sh BUILD_DIR SECONDS [JOBS]
# Ten minutes per target, two at a time, in the background:
#   nice -n 10 bash scripts/fuzz.sh build-asan 600 2 > fuzz-600.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:?usage: scripts/fuzz.sh BUILD_DIR SECONDS [JOBS]}
seconds=${2:-60}
jobs=${3:-$(nproc)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export work seconds TEE_FUZZ_UPDATE_CORPUS

# One target: seed, run, and leave a one-line summary (plus the log's tail on a finding).
run_one() {
  local target=$1 name corpus log
  name=$(basename "$target")
  corpus="$work/$name"
  log="$work/$name.log"
  mkdir -p "$corpus"
  if [ -d "fuzz/corpus/$name" ]; then cp -r "fuzz/corpus/$name/." "$corpus/"; fi
  if [ "$name" = cpuid_dump_fuzz ]; then
    cp test/testdata/cpuid/*.txt "$corpus/"
  fi
  if "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$work/$name-" "$corpus" >"$log" 2>&1; then
    local runs
    runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    echo "fuzz: $name: ${runs:-?} runs in ${seconds}s, corpus $(ls "$corpus" | wc -l) inputs, no finding" \
      >"$work/$name.summary"
    if [ "${TEE_FUZZ_UPDATE_CORPUS:-0}" = 1 ]; then
      mkdir -p "$work/$name.min"
      "$target" -merge=1 "$work/$name.min" "$corpus" >>"$log" 2>&1
      rm -rf "fuzz/corpus/$name"
      mkdir -p "fuzz/corpus/$name"
      cp "$work/$name.min/." "fuzz/corpus/$name/" -r
      echo "fuzz: $name: corpus minimised to $(ls "fuzz/corpus/$name" | wc -l) inputs" \
        >>"$work/$name.summary"
    fi
  else
    { echo "fuzz: $name FOUND A PROBLEM:"; tail -40 "$log"; } >"$work/$name.summary"
    mkdir -p fuzz/findings
    cp "$work/$name-"* fuzz/findings/ 2>/dev/null || true
    return 1
  fi
}
export -f run_one

status=0
ls "$build_dir"/fuzz/*_fuzz | xargs -P "$jobs" -I{} bash -c 'run_one "$1"' _ {} || status=1
cat "$work"/*.summary
exit $status
