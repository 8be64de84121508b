#!/usr/bin/env bash
# Installs what is needed, builds and runs the whole test suite: formatting, the deploy/ checks,
# the e2e stage (the plugin's image on a one-node cluster of the real Kubernetes components,
# e2e/run.sh), unit and integration tests under ASan+UBSan in a clang tree that also checks the
# lock annotations and builds the fuzz targets, clang-tidy over that tree, short libFuzzer runs of
# every fuzz target, the concurrent parts under TSan, and the full suite on the optimised build.
# .ci/run calls this script. The long runs (500 kubelet restarts, a minute of Allocate load, long fuzzing)
# are scripts/soak.sh and scripts/fuzz.sh, not part of this.
# Environment: FUZZ_SECONDS (per target, default 10; targets run nproc at a time), TEE_STAGES
# (default "format deploy e2e asan tidy fuzz tsan release") to choose.
set -euo pipefail
cd "$(dirname "$0")/.."
stages=${TEE_STAGES:-format deploy e2e asan tidy fuzz tsan release}
fuzz_seconds=${FUZZ_SECONDS:-10}
jobs=$(nproc)
# The optimised build: the flags of the demo and the image, with the tests and benchmarks.
release_flags=(-DCMAKE_BUILD_TYPE=Release -DTEE_BUILD_TESTS=ON -DTEE_BUILD_BENCH=ON)

bash scripts/install-deps.sh

# Each stage's banner says how long the suite has run so far, so slow stages show in CI's log.
stage() { printf '\n=== %s (at %d s) ===\n' "$*" "$SECONDS"; }
has_stage() { [[ " $stages " == *" $1 "* ]]; }

if has_stage format; then
  stage "clang-format check"
  git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror
  unformatted=$(git ls-files '*.go' | xargs gofmt -l)  # Go 1.26 is on the machines (e2e/)
  [ -z "$unformatted" ] || { echo "gofmt would change: $unformatted" >&2; exit 1; }
  # The repository is self-contained: every test below runs through scripts/within-repo.sh, which
  # hides whatever lies beside the checkout; first prove that it does, then that no tracked file
  # names the team's shared folder.
  stage "self-containment: nothing beside the checkout is read"
  bash scripts/within-repo.sh bash -c '[ "$(ls -A ..)" = "$(basename "$PWD")" ]' \
    || { echo "scripts/within-repo.sh does not hide the checkout's siblings" >&2; exit 1; }
  if git grep -n -e '\.\./shared' -- ':!*.md' ':!scripts/test.sh'; then
    echo "the files above read ../shared: copy what they need into test/testdata/" >&2
    exit 1
  fi
fi

if has_stage deploy; then
  # Builds only the plugin, with the flags of the README's demo command and the image (Release,
  # whose -O3 warnings differ from the Debug sanitizer builds); the release stage reuses it.
  stage "deploy: image file system, kustomize renders, schema and flag checks"
  bash scripts/install-deps.sh --deploy
  bash scripts/build.sh build "${release_flags[@]}" -- tee-device-plugin
  bash scripts/build-image-rootfs.sh build/image-rootfs build
  bash scripts/validate-deploy.sh build/src/tee-device-plugin
fi

if has_stage e2e; then
  stage "e2e: the plugin's image on real Kubernetes components (current and oldest kubelet)"
  # Not behind within-repo.sh: Go's module and build caches may live beside the checkout.
  bash e2e/run.sh
fi

run_ctest() {  # build_dir [ctest args]
  local dir=$1; shift
  bash scripts/within-repo.sh \
    ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$jobs" --timeout 300 "$@"
}

# One clang tree serves the ASan+UBSan suite and the fuzz targets: its libraries carry both the
# sanitizers and libFuzzer's coverage instrumentation (and -Wthread-safety, clang's check of the
# lock annotations, as an error).
sanitizer_tree() {
  CXX=clang++ bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DTEE_SANITIZE=address,undefined -DTEE_BUILD_FUZZ=ON \
    -DTEE_BUILD_TESTS=ON -DTEE_BUILD_BENCH=OFF
}

if has_stage asan; then
  stage "ASan+UBSan (clang, -Wthread-safety) build and full suite"
  sanitizer_tree
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_ctest build-asan
fi

if has_stage tsan; then
  # Debian's gRPC, protobuf and abseil are not built with TSan, so TSan cannot see the ordering
  # gRPC's own locks give, and a whole-suite TSan run drowns in reports about gRPC's insides. TSan
  # judges the concurrent code whose threads and locks are ours: the mutex and event loop, the
  # snapshot store, the metrics server, the health watcher driven from an event-loop thread, the
  # device plugin service (the async server's own completion-queue threads and streams), and the
  # kubelet endpoint (registration, retries, plugin-dir watch on its loop thread, Register results
  # arriving on gRPC's threads through EventLoop::Post) against the in-process kubelet emulator,
  # the retry worker and ParallelFor, the DRA claim preparer (concurrent prepares and unprepares
  # of shared claims, a request's claims read side by side) and the slice keeper.
  # test/tsan.supp silences only what happens inside gRPC and the libraries under it (each entry
  # says why); TsanProbeTest proves it does not hide a race in our own ListAndWatch writes (it
  # passes only when TSan reports the race its build introduces).
  stage "TSan: event loop, snapshot store, metrics, health watcher, plugin service and endpoint"
  bash scripts/build.sh build-tsan -DCMAKE_BUILD_TYPE=Debug -DTEE_SANITIZE=thread \
    -DTEE_BUILD_TESTS=ON -DTEE_BUILD_BENCH=OFF -- tee_common_tests tee_kubelet_tests \
    tee_observe_tests tee_health_tests tee_dra_tests tee_tsan_probe_tests
  tsan_tests='MutexTest|EventLoopTest|RetryWorkerTest|SnapshotStoreTest|MetricsServerTest'
  tsan_tests+='|DeviceWatcherTest|PluginDirWatcherTest|PluginEndpointTest|ServiceTest'
  tsan_tests+='|ClaimPreparerTest|ParallelForTest|SliceKeeperTest|TsanProbeTest'
  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/test/tsan.supp" \
    run_ctest build-tsan -R "^($tsan_tests)\\."
fi

if has_stage tidy; then
  # clang-tidy with the repository's .clang-tidy over src/ and tools/, every finding an error, on
  # the clang tree's compile commands; unchanged files are answered from a cache (scripts/tidy.sh):
  # a first pass costs 10-20 s of CPU per file, a cached one well under a second.
  stage "clang-tidy"
  has_stage asan || sanitizer_tree
  bash scripts/tidy.sh build-asan
fi

if has_stage fuzz; then
  # Short runs from the committed, minimised corpora (fuzz/corpus/): each run starts where the
  # long runs (scripts/fuzz.sh with more seconds, scripts/soak.sh) left the coverage.
  stage "libFuzzer targets, ${fuzz_seconds}s each"
  has_stage asan || sanitizer_tree
  bash scripts/within-repo.sh bash scripts/fuzz.sh build-asan "$fuzz_seconds"
fi

if has_stage release; then
  # Last, so the log ends with the full optimised run's result (and the time taken).
  stage "optimised build and full suite"
  bash scripts/build.sh build "${release_flags[@]}"
  run_ctest build
fi
printf '\ntest.sh: stages %s passed in %d s\n' "$stages" "$SECONDS"
