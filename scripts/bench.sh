#!/usr/bin/env bash
# Installs what is needed, builds optimised, and runs both benchmarks: Google Benchmark for the
# pure parts, then the end-to-end bench (the real plugin against the kubelet emulator per EPC
# size). Not part of the test suite. Extra arguments go to the end-to-end bench (e.g. --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build-release -DCMAKE_BUILD_TYPE=Release -DTEE_BUILD_TESTS=OFF \
  -- tee-device-plugin tee-e2e-bench tee_benchmarks
./build-release/bench/tee_benchmarks --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
./build-release/bench/tee-e2e-bench "$@"
