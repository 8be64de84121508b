#!/usr/bin/env bash
# Start-up on the real cluster, median of E2E_BENCH runs (default 5): from the DaemonSet letting
# the plugin onto the node to allocatable EPC in the API server, and to a pod asking for EPC
# Running. Builds and starts everything as e2e/run.sh does (current kubelet only).
# usage: bash e2e/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
E2E_BENCH=${1:-${E2E_BENCH:-5}} E2E_RUN='^TestBenchStartup$' E2E_OLDEST=0 exec bash e2e/run.sh
