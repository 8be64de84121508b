#!/usr/bin/env bash
# The long hardening runs, outside the timed suite: 500 kubelet restarts in a row (each followed by
# a re-registration, a device list and an Allocate; open fds and RSS compared before and after),
# then 8 clients calling Allocate for 60 s while the kubelet restarts every second (throughput,
# p50/p99, errors). Both are the suite's own tests with bigger numbers, on the optimised build.
# usage: scripts/soak.sh [BUILD_DIR]   (default build; RESTARTS=500 LOAD_SECONDS=60 to change)
# Prints the SOAK and LOAD lines with the figures; exits non-zero when either test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
restarts=${RESTARTS:-500}
load_seconds=${LOAD_SECONDS:-60}

bash scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DTEE_BUILD_TESTS=ON -- \
  tee_integration_tests tee-device-plugin
tests="$build_dir/test/tee_integration_tests"
status=0

echo "=== ${restarts} kubelet restarts ==="
start=$(date +%s)
TEE_SOAK_RESTARTS=$restarts "$tests" \
  --gtest_filter='KubeletRestartTest.EveryRestartReRegistersAndNothingGrows' || status=1
echo "took $(( $(date +%s) - start )) s"

echo "=== ${load_seconds} s of Allocate load, kubelet restarting every second ==="
TEE_LOAD_SECONDS=$load_seconds "$tests" \
  --gtest_filter='LoadTest.EightClientsAllocateWhileTheKubeletRestartsEverySecond' || status=1
exit $status
