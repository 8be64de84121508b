#!/usr/bin/env bash
# Start-up on the real cluster, median of E2E_BENCH runs (default 5): from the DaemonSet letting
# the plugin onto the node to allocatable EPC in the API server, and to a pod asking for EPC
# Running. Then the DRA driver (TestBenchDra): to its ResourceSlices and a pod claiming EPC
# Running, NodePrepareResources of the real kubelet's calls for pods of 1 and 10 claims
# (E2E_BENCH_PODS each, default 30), and the plugin's RSS under each kubelet API. Builds and
# starts everything as e2e/run.sh does (current kubelet only).
# usage: bash e2e/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
E2E_BENCH=${1:-${E2E_BENCH:-5}} E2E_RUN='^TestBench(Startup|Dra)$' E2E_OLDEST=0 exec bash e2e/run.sh
