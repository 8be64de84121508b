#!/usr/bin/env bash
# Installs what is needed, builds the plugin and runs the narrated demos: the plugin on a simulated
# SGX node (two NUMA nodes, 4 GiB of EPC each) against the built-in kubelet emulator, first as
# device plugins, then as DRA drivers (EPC claimed in bytes). Arguments go to one `demo` run
# instead (see `tee-device-plugin demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# Its own build directory: the test suite's must keep its tests switched on.
bash scripts/build.sh build-demo -DCMAKE_BUILD_TYPE=Release -DTEE_BUILD_TESTS=OFF \
  -DTEE_BUILD_BENCH=OFF -- tee-device-plugin
if [ $# -gt 0 ]; then
  exec ./build-demo/src/tee-device-plugin demo "$@"
fi
./build-demo/src/tee-device-plugin demo
./build-demo/src/tee-device-plugin demo --kubelet-api dra
