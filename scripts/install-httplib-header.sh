#!/usr/bin/env bash
# Installs cpp-httplib as one header, header-only, for the statically linked build
# (cmake/header_only_httplib.cmake): Debian 12 ships cpp-httplib split into a declarations-only
# header and a shared library, and no archive. The header comes from Debian's own source package
# of the installed libcpp-httplib-dev version, with Debian's patches applied, so the code is
# Debian's; it is fetched with apt-get from the machine's own Debian sources (as deb-src, in a
# private list directory: the machine's apt configuration is left as it is). Our own patch
# (httplib-no-ssl-init.patch beside this script, which says why) follows Debian's.
# Idempotent: does nothing when the header of that version and patch is in place.
# usage: scripts/install-httplib-header.sh [DEST_DIR] (default /usr/local/include/tee-cpp-httplib)
set -euo pipefail
dest=${1:-/usr/local/include/tee-cpp-httplib}
version=$(dpkg-query -W -f='${Version}' libcpp-httplib-dev)
our_patch=$(cd "$(dirname "$0")" && pwd)/httplib-no-ssl-init.patch
installed="$version $(sha256sum "$our_patch" | cut -c1-16)"
stamp="$dest/debian-version"
if [ -f "$dest/httplib.h" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$installed" ]; then
  exit 0
fi
echo "installing cpp-httplib $version as one header in $dest"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/parts" "$work/lists/partial" "$work/source"
# apt downloads as its own user where it may.
chmod 755 "$work" && { chown _apt "$work/source" 2>/dev/null || true; }
# The binary package sources, read as source package sources.
for sources in /etc/apt/sources.list.d/*.sources; do
  [ -f "$sources" ] || continue  # the glob itself when there are none
  sed 's/^Types: deb$/Types: deb-src/' "$sources" >"$work/parts/$(basename "$sources")"
done
if [ -f /etc/apt/sources.list ]; then
  sed -n 's/^deb /deb-src /p' /etc/apt/sources.list >"$work/parts/sources.list"
fi
apt_private=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/parts"
  -o "Dir::State::Lists=$work/lists")
apt-get "${apt_private[@]}" update -qq
(cd "$work/source" && apt-get "${apt_private[@]}" source --download-only -qq \
  "cpp-httplib=$version")

cd "$work/source"
tar xf cpp-httplib_*.orig.tar.*
tar xf cpp-httplib_*.debian.tar.*
tree=$(find . -mindepth 2 -maxdepth 2 -name httplib.h -printf '%h\n' | head -1)
[ -n "$tree" ] || { echo "install-httplib-header: no httplib.h in the source" >&2; exit 1; }
if [ -f debian/patches/series ]; then
  while read -r patch_name; do
    [ -z "$patch_name" ] || [[ "$patch_name" == \#* ]] && continue
    patch -s -d "$tree" -p1 <"debian/patches/$patch_name"
  done <debian/patches/series
fi
patch -s -d "$tree" -p1 <"$our_patch"
mkdir -p "$dest"
install -m 644 "$tree/httplib.h" "$dest/httplib.h"
install -m 644 "$tree/LICENSE" "$dest/LICENSE"
echo "$installed" >"$stamp"
