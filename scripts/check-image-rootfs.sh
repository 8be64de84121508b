#!/usr/bin/env bash
# Proves that the image file system OUT_DIR (from build-image-rootfs.sh) is complete: the binary
# resolves every library inside OUT_DIR alone (the host's libraries and loader cache barred),
# writes a simulated SGX node and detects it; and, where chroot is allowed, runs inside OUT_DIR
# exactly as in the scratch image.
# usage: scripts/check-image-rootfs.sh OUT_DIR LOADER_PATH
set -euo pipefail
out=$(cd "${1:?usage: scripts/check-image-rootfs.sh OUT_DIR LOADER_PATH}" && pwd)
loader=${2:?usage: scripts/check-image-rootfs.sh OUT_DIR LOADER_PATH}
binary=/usr/bin/tee-device-plugin
library_path=$(find "$out" -name '*.so*' -printf '%h\n' | sort -u | paste -sd:)
run() { "$out$loader" --inhibit-cache --library-path "$library_path" "$out$binary" "$@"; }

# Every library the loader resolves must come from OUT_DIR, never from the host.
resolved=$(LD_TRACE_LOADED_OBJECTS=1 run)
outside=$(awk '$2 == "=>" {print $3}' <<<"$resolved" | grep -v "^$out/" || true)
if [ -n "$outside" ]; then
  echo "check-image-rootfs: libraries missing from $out (found on the host instead):" >&2
  echo "$outside" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run simulate --out "$work/sim" >/dev/null
run detect --host-root "$work/sim" --cpuid-dump "$work/sim/cpuid.txt" >/dev/null

if chroot "$out" "$binary" serve --help >/dev/null 2>"$work/chroot.err"; then
  # The demo as the image's user: it needs a writable /tmp and nothing from the host.
  chroot --userspec=65532:65532 "$out" "$binary" demo >"$work/demo.out" 2>&1 \
    || { echo "check-image-rootfs: demo fails inside $out:" >&2; cat "$work/demo.out" >&2; exit 1; }
  echo "check-image-rootfs: runs inside $out with chroot (as in the image), demo included"
elif grep -q "Operation not permitted" "$work/chroot.err"; then
  echo "check-image-rootfs: chroot not permitted here; checked through the loader only"
else
  echo "check-image-rootfs: the binary fails inside $out:" >&2
  cat "$work/chroot.err" >&2
  exit 1
fi
