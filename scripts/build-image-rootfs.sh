#!/usr/bin/env bash
# Builds the plugin and assembles the container image's whole file system in OUT_DIR: the
# stripped binary at /usr/bin/tee-device-plugin, linked statically but for glibc, and glibc's
# shared libraries it loads, the dynamic loader included, each at the path the loader looks for
# it. deploy/Dockerfile runs this script in
# its build stage and copies OUT_DIR into an empty image; CI runs it too and then proves that the
# binary runs with nothing but these files.
# usage: scripts/build-image-rootfs.sh OUT_DIR [BUILD_DIR]
#   BUILD_DIR: an already configured build directory to reuse (CI passes the suite's `build`);
#   by default a Release build of just the plugin in build-image/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/build-image-rootfs.sh OUT_DIR [BUILD_DIR]}
build_dir=${2:-build-image}
binary_name=tee-device-plugin

if [ -f "$build_dir/CMakeCache.txt" ]; then
  cmake --build "$build_dir" --target "$binary_name"
else
  bash scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DTEE_BUILD_TESTS=OFF \
    -DTEE_BUILD_BENCH=OFF -- "$binary_name"
fi
binary="$build_dir/src/$binary_name"

rm -rf "$out"
mkdir -p "$out/usr/bin"
# An empty /tmp for `demo` (and anything else run in the image that wants scratch space).
install -d -m 1777 "$out/tmp"
strip --strip-unneeded -o "$out/usr/bin/$binary_name" "$binary"

# ldd lists "libfoo.so.1 => /path (0x...)" per library and "/lib64/ld-linux-x86-64.so.2 (0x...)"
# for the loader; the vDSO has no file. Each is copied (symlinks resolved) to the same path.
closure=$(ldd "$binary")
if grep -q "not found" <<<"$closure"; then
  echo "build-image-rootfs: $binary needs libraries this machine lacks:" >&2
  grep "not found" <<<"$closure" >&2
  exit 1
fi
mapfile -t libraries < <(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$closure")
# A Release tree links all but glibc statically (cmake/static_link.cmake): glibc's own libraries
# are all that may be left, so a library from elsewhere means the static link came undone.
for library in "${libraries[@]}"; do
  if ! dpkg-query -S "$library" 2>/dev/null | grep -q "^libc6:"; then
    echo "build-image-rootfs: $binary loads $library, which is not glibc's:" \
      "configure $build_dir with -DTEE_STATIC_LINK=ON (a Release tree's default)" >&2
    exit 1
  fi
done
for library in "${libraries[@]}"; do
  mkdir -p "$out$(dirname "$library")"
  cp -L "$library" "$out$library"
done
loader=$(awk '$1 ~ /^\// {print $1}' <<<"$closure")
[ -n "$loader" ] || { echo "build-image-rootfs: ldd named no dynamic loader" >&2; exit 1; }

bash scripts/check-image-rootfs.sh "$out" "$loader"
echo "image rootfs: $out holds $binary_name and ${#libraries[@]} libraries," \
  "$(du -sh "$out" | cut -f1) in all"
