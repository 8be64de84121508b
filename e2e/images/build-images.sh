#!/usr/bin/env bash
# Produces, offline and cached, the three images the e2e cluster runs, as docker-archive tarballs
# for `ctr -n k8s.io images import`:
#   OUT_DIR/pause.tar    registry.k8s.io/pause:3.10.2     containerd 2.4's default sandbox image
#   OUT_DIR/busybox.tar  localhost/tee-e2e-busybox:1      test workloads
#   OUT_DIR/plugin.tar   localhost/tee-device-plugin:e2e  deploy/Dockerfile, built with podman
# No registry is reachable here: the first two are assembled by hand from Debian's busybox-static,
# the plugin's image is built on a local debian:12 made with debootstrap from the machine's own
# Debian mirror. See e2e/images/README.md.
#
# usage: e2e/images/build-images.sh OUT_DIR
# env:   TEE_E2E_CACHE          persistent cache (default /var/cache/tee-e2e): base tarball,
#                               podman storage and config (source $TEE_E2E_CACHE/podman/env.sh
#                               to use the same podman by hand)
#        TEE_E2E_PAUSE_IMAGE    pause image name (default registry.k8s.io/pause:3.10.2)
#        TEE_E2E_DEBIAN_MIRROR  Debian mirror URL (default: the one apt on this machine uses)
#        TEE_E2E_VERBOSE=1      stream debootstrap/podman output instead of logging it
set -euo pipefail

out_arg=${1:?usage: e2e/images/build-images.sh OUT_DIR}
repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${TEE_E2E_CACHE:-/var/cache/tee-e2e}
pause_image=${TEE_E2E_PAUSE_IMAGE:-registry.k8s.io/pause:3.10.2}
busybox_image=localhost/tee-e2e-busybox:1
plugin_image=localhost/tee-device-plugin:e2e
base_image=docker.io/library/debian:12
export LC_ALL=C # sort order and tar entry order must not depend on the locale

# Every failure names the step it happened in (set -e exits through this trap).
step="arguments"
scratch=() # directories to remove on exit, whatever happens
on_exit() {
  local rc=$? dir
  for dir in "${scratch[@]}"; do unmount_under "$dir"; rm -rf --one-file-system "$dir"; done
  [ $rc -eq 0 ] || echo "build-images: FAILED in step \"$step\" (exit $rc)" >&2
}
trap on_exit EXIT
fail() { echo "build-images: $*" >&2; exit 1; }
unmount_under() { # debootstrap mounts proc/sys (and may bind /dev) in its target: never rm those
  local dir=$1 mnt
  [ -d "$dir" ] || return 0
  while read -r mnt; do umount -l "$mnt" || true; done \
    < <(awk -v d="$(realpath "$dir")/" 'index($2 "/", d) == 1 {print $2}' /proc/mounts | sort -r)
}

[ "$(id -u)" -eq 0 ] || fail "run as root (podman storage, debootstrap and apt need it)"
mkdir -p "$out_arg" "$cache/logs"
out=$(cd "$out_arg" && pwd)
cache=$(cd "$cache" && pwd)
logs=$cache/logs

# One run at a time per cache: two runs would share podman storage and the base tarball.
step="lock $cache"
exec 9>"$cache/lock"
flock -w 3600 9 || fail "another build-images.sh holds $cache/lock"

# Runs a long command with its output in a log file (shown on failure), or streamed if verbose.
logged() {
  local log=$logs/$1.log
  shift
  if [ "${TEE_E2E_VERBOSE:-0}" = 1 ]; then
    "$@" 2>&1 | tee "$log"
  elif ! "$@" >"$log" 2>&1; then
    echo "build-images: last lines of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

size_of() { du -h "$1" | cut -f1; }

# --- 1. host packages ---------------------------------------------------------------------------
step="install host packages"
need=()
command -v podman >/dev/null || need+=(podman)
command -v debootstrap >/dev/null || need+=(debootstrap)
# runc, not the crun podman pulls in: crun 1.8 refuses this machine's hybrid cgroups (v1
# hierarchies plus a cgroup2 mount at /sys/fs/cgroup/unified with a controller enabled).
command -v runc >/dev/null || need+=(runc)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "install ok installed" \
  || need+=(busybox-static)
# debootstrap checks the Release signature with Debian's archive keyring.
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)
if [ ${#need[@]} -gt 0 ]; then
  echo "build-images: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Other jobs on this machine may hold the dpkg lock: wait for it rather than fail.
  logged apt-update apt-get -o DPkg::Lock::Timeout=600 update
  logged apt-install apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${need[@]}"
fi

# --- 2. pause and test images, assembled by hand ------------------------------------------------
# One layer (static busybox + applet links), shared by both images; only the configs differ.
# Every tar is byte-reproducible: fixed mtime, sorted names, numeric root ownership, ustar.
step="assemble busybox layer"
reproducible_tar() { # reproducible_tar OUT.tar DIR: DIR's entries, without a "./" prefix
  local dest=$1 dir=$2
  (cd "$dir" && find . -mindepth 1 -printf '%P\n' | sort \
    | tar --format=ustar --mtime=@0 --owner=0 --group=0 --numeric-owner --no-recursion \
          -cf "$dest" -T -)
}
# JSON string literal (the strings here hold no control characters).
json_str() { local s=${1//\\/\\\\}; printf '"%s"' "${s//\"/\\\"}"; }
json_list() { local sep="" item; printf '['; for item; do printf '%s%s' "$sep" "$(json_str "$item")"; sep=,; done; printf ']'; }

case $(dpkg --print-architecture) in
  amd64) arch=amd64 ;; arm64) arch=arm64 ;; i386) arch=386 ;; armhf | armel) arch=arm ;;
  ppc64el) arch=ppc64le ;; mips64el) arch=mips64le ;; *) arch=$(dpkg --print-architecture) ;;
esac

work=$(mktemp -d "$cache/assemble.XXXXXX")
scratch+=("$work")
root=$work/rootfs
mkdir -p "$root"/{bin,dev,etc,proc,sys,root,var}
install -d -m 1777 "$root/tmp"
install -m 0755 /bin/busybox "$root/bin/busybox"
# The applets test pods and the pause loop use; only those this busybox has.
applets=(sh ash cat ls env test '[' grep egrep sleep echo true false id ps mkdir rm cp mv ln head
  tail wc printf kill stat find date hostname uname sed awk tr cut sort uniq tee touch readlink
  realpath dirname basename chmod expr seq timeout nc wget nslookup ip mount df du free which
  xargs sha256sum md5sum sync pwd whoami yes)
available=" $(/bin/busybox --list | tr '\n' ' ') "
for applet in "${applets[@]}"; do
  [[ $available == *" $applet "* ]] && ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
  >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
chmod 0755 "$root" "$root"/{bin,dev,etc,proc,sys,var}
chmod 0700 "$root/root"
chmod 0644 "$root/etc/passwd" "$root/etc/group"
reproducible_tar "$work/layer.tar" "$root"
layer_hex=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)

# docker-archive: manifest.json -> <config sha>.json (diff_id = the layer's sha256) and
# <layer sha>/layer.tar (uncompressed, so its digest is its diff_id).
assemble_image() { # assemble_image NAME TAG CMD...
  local name=$1 tag=$2 dir=$work/$1 config config_hex
  shift 2
  mkdir -p "$dir/$layer_hex"
  cp "$work/layer.tar" "$dir/$layer_hex/layer.tar"
  config=$(printf '{"architecture":"%s","os":"linux","created":"1970-01-01T00:00:00Z",' "$arch"
    printf '"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],'
    printf '"Cmd":%s,"WorkingDir":"/"},' "$(json_list "$@")"
    printf '"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},' "$layer_hex"
    printf '"history":[{"created":"1970-01-01T00:00:00Z","created_by":"e2e/images/build-images.sh"}]}')
  printf '%s' "$config" >"$dir/config.json"
  config_hex=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/$config_hex.json"
  printf '[{"Config":"%s.json","RepoTags":[%s],"Layers":["%s/layer.tar"]}]' \
    "$config_hex" "$(json_str "$tag")" "$layer_hex" >"$dir/manifest.json"
  chmod 0755 "$dir" "$dir/$layer_hex"
  chmod 0644 "$dir/manifest.json" "$dir/$config_hex.json" "$dir/$layer_hex/layer.tar"
  reproducible_tar "$work/$name.tar" "$dir"
  # Replace the previous tar only when the bytes differ, so its mtime tells when it last changed.
  if cmp -s "$work/$name.tar" "$out/$name.tar"; then
    echo "image $tag  $out/$name.tar  $(size_of "$out/$name.tar")  cached (identical bytes)"
  else
    mv "$work/$name.tar" "$out/$name.tar"
    echo "image $tag  $out/$name.tar  $(size_of "$out/$name.tar")  assembled"
  fi
}
step="assemble pause image"
# PID 1 gets no default signal handling, so the loop traps TERM/INT and exits on them.
assemble_image pause "$pause_image" /bin/sh -c \
  "trap 'exit 0' TERM INT; while :; do sleep 86400 & wait \$!; done"
step="assemble test image"
assemble_image busybox "$busybox_image" /bin/sh -c "trap 'exit 0' TERM INT; sleep 3600 & wait \$!"
rm -rf --one-file-system "$work"

# --- 3. podman, configured privately ------------------------------------------------------------
# No systemd here (cgroupfs, file logs and events), hybrid cgroups (runc, see above) and no
# CAP_SYS_RESOURCE: a container cannot get podman's default RLIMIT_NOFILE (1048576) above our
# hard limit, so ask for what we may have.
# Config goes to private files named by CONTAINERS_* rather than into /etc.
step="configure podman"
pod=$cache/podman
mkdir -p "$pod"
# The run state must not outlive a reboot (mounts and pids in it would be stale).
boot_id=$(cat /proc/sys/kernel/random/boot_id)
if [ "$(cat "$pod/boot_id" 2>/dev/null)" != "$boot_id" ]; then
  rm -rf --one-file-system "$pod/run" "$pod/tmp"
  echo "$boot_id" >"$pod/boot_id"
fi
mkdir -p "$pod/run" "$pod/tmp"

# Kernel overlayfs is fastest; it fails where the cache sits on overlay itself (in a container,
# say), and then vfs (full copies, slow but works anywhere). Each driver keeps its own graph root:
# containers/storage refuses to open a root made by another driver.
driver_works_file=$pod/overlay-ok
if [ ! -f "$driver_works_file" ] && [ ! -f "$pod/overlay-broken" ]; then
  probe=$(mktemp -d "$pod/probe.XXXXXX")
  mkdir -p "$probe"/{lower,upper,work,merged}
  if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" \
       "$probe/merged" 2>/dev/null; then
    umount "$probe/merged"
    touch "$driver_works_file"
  else
    touch "$pod/overlay-broken"
  fi
  rm -rf --one-file-system "$probe"
fi
if [ -f "$driver_works_file" ]; then driver=overlay; else driver=vfs; fi

cat >"$pod/storage.conf" <<EOF
[storage]
driver = "$driver"
graphroot = "$pod/storage-$driver"
runroot = "$pod/run"
EOF
cat >"$pod/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
events_logfile_path = "$pod/events.log"
tmp_dir = "$pod/tmp"
EOF
# Short names (FROM debian:12) resolve to docker.io, which is only ever looked up locally here.
cat >"$pod/registries.conf" <<EOF
unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"
EOF
cat >"$pod/env.sh" <<EOF
# source this to use the podman storage build-images.sh uses
export CONTAINERS_CONF=$pod/containers.conf
export CONTAINERS_STORAGE_CONF=$pod/storage.conf
export CONTAINERS_REGISTRIES_CONF=$pod/registries.conf
EOF
# shellcheck source=/dev/null
. "$pod/env.sh"
[ -f /etc/containers/policy.json ] \
  || fail "/etc/containers/policy.json is missing (it comes with podman's dependencies)"

# --- 4. debian:12 base, from the machine's Debian mirror ----------------------------------------
# The mirror apt uses here: the first URI serving the suite bookworm in the sources apt reads
# (one-line *.list and deb822 *.sources; apt ignores other file names, so do we).
apt_pairs() { # prints "URI SUITE" for each enabled deb source
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 {print $2, $3}'
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'function flush() { if (types ~ /(^| )deb( |$)/ && enabled != "no")
                              for (u in uris) for (s in suites) print uris[u], suites[s]
                            types = ""; enabled = ""; delete uris; delete suites }
         /^[ \t]*#/ { next }
         /^[ \t]*$/ { flush(); next }
         { key = tolower($1); sub(/:$/, "", key); $1 = "" }
         key == "types" { types = $0 " " }
         key == "enabled" { enabled = tolower($2) }
         key == "uris" { for (i = 2; i <= NF; i++) uris[i] = $i }
         key == "suites" { for (i = 2; i <= NF; i++) suites[i] = $i }
         END { flush() }' "$f"
  done
}
base_tar=$cache/debian-12-minbase.tar
debootstrap_base() {
  local mirror security updates target
  local pairs
  pairs=$(apt_pairs)
  mirror=${TEE_E2E_DEBIAN_MIRROR:-$(awk '$2 == "bookworm" {print $1; exit}' <<<"$pairs")}
  [ -n "$mirror" ] || mirror=$(awk '$1 ~ /\/debian\/?$/ {print $1; exit}' <<<"$pairs")
  [ -n "$mirror" ] || fail "no Debian mirror in /etc/apt/sources.list{,.d}; set TEE_E2E_DEBIAN_MIRROR"
  security=$(awk '$2 == "bookworm-security" {print $1; exit}' <<<"$pairs")
  [ -n "$security" ] || security=$(awk '$1 ~ /\/debian-security\/?$/ {print $1; exit}' <<<"$pairs")
  updates=$(awk -v m="$mirror" '$1 == m && $2 == "bookworm-updates" {print "y"; exit}' <<<"$pairs")
  echo "build-images: debootstrap bookworm from $mirror"

  target=$cache/debootstrap.tmp
  unmount_under "$target"
  rm -rf --one-file-system "$target"
  mkdir -p "$target"
  scratch+=("$target")
  local include=()
  [[ $mirror == https:* || $security == https:* ]] && include=(--include=ca-certificates)
  logged debootstrap debootstrap --variant=minbase "${include[@]}" bookworm "$target" "$mirror"
  unmount_under "$target"

  # apt inside the Dockerfile's build stage must reach the same mirror, with the host's
  # Acquire settings (proxy, snapshot validity) too.
  {
    echo "deb $mirror bookworm main"
    [ -z "$updates" ] || echo "deb $mirror bookworm-updates main"
    [ -z "$security" ] || echo "deb $security bookworm-security main"
  } >"$target/etc/apt/sources.list"
  rm -f "$target/etc/apt/sources.list.d/"*
  grep -hsE '^[[:space:]]*Acquire::' /etc/apt/apt.conf /etc/apt/apt.conf.d/* \
    >"$target/etc/apt/apt.conf.d/99host-acquire" || rm -f "$target/etc/apt/apt.conf.d/99host-acquire"
  # Like Debian's official image: no package lists, caches, logs or host names baked in.
  rm -rf "$target"/var/lib/apt/lists/* "$target"/var/cache/apt/*.bin \
    "$target"/var/cache/apt/archives/*.deb "$target"/var/log/*.log "$target"/var/log/apt/*
  : >"$target/etc/hostname"
  rm -f "$target/etc/resolv.conf"

  tar --numeric-owner --xattrs -C "$target" -cf "$base_tar.tmp" .
  mv "$base_tar.tmp" "$base_tar"
}

step="debian:12 base image"
if podman image exists "$base_image"; then
  base_from="cached (podman storage)"
else
  if [ -f "$base_tar" ]; then
    base_from="imported from cached $base_tar"
  else
    step="debootstrap debian:12"
    debootstrap_base
    base_from="debootstrapped"
  fi
  step="podman import debian:12"
  logged import podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' "$base_tar" "$base_image"
fi
echo "base  $base_image  $(podman image inspect --format '{{.Size}}' "$base_image" \
  | numfmt --to=iec)  $base_from"

# --- 5. the plugin's image, from deploy/Dockerfile unchanged ------------------------------------
# The Dockerfile copies its whole context (COPY . .). The work tree holds build directories
# (a host CMakeCache.txt would even be reused by scripts/build-image-rootfs.sh) and e2e/, whose
# edits must not rebuild the plugin; so the context is what git would commit (tracked and
# untracked-but-not-ignored files) minus e2e/, with fixed mtimes so podman's layer cache keys on
# content only.
step="stage build context"
ctx=$cache/context
rm -rf --one-file-system "$ctx"
mkdir -p "$ctx"
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git -C "$repo" ls-files -z -co --exclude-standard --deduplicate \
    | while IFS= read -r -d '' f; do
        [[ $f == e2e/* ]] && continue
        [ -e "$repo/$f" ] || [ -L "$repo/$f" ] || continue # deleted but still tracked
        printf '%s\0' "$f"
      done \
    | tar -C "$repo" --null -T - -cf - | tar -C "$ctx" -xf -
else
  tar -C "$repo" --exclude=./e2e --exclude='./build*' --exclude=./.cache -cf - . | tar -C "$ctx" -xf -
fi
find "$ctx" -exec touch -h -d @946684800 {} + # 2000-01-01

# The image reports the newest commit that changed its context (not HEAD: an e2e/-only commit
# must not rebuild it), "-dirty" when the context differs from that commit.
step="name the commit"
commit=unknown
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  commit=$(git -C "$repo" log -1 --format=%h --abbrev=12 -- . ':(exclude)e2e')
  [ -z "$(git -C "$repo" status --porcelain -- . ':(exclude)e2e')" ] || commit+=-dirty
fi

step="podman build $plugin_image"
old_id=$(podman image inspect --format '{{.Id}}' "$plugin_image" 2>/dev/null || true)
# --network=host: the build stage's apt-get reaches the mirror (and any proxy on localhost) the
# way the host does, with no bridge or NAT to set up.
logged plugin-build podman build --pull=never --layers --network=host \
  --build-arg TEE_GIT_COMMIT="$commit" -f "$ctx/deploy/Dockerfile" -t "$plugin_image" "$ctx"
new_id=$(podman image inspect --format '{{.Id}}' "$plugin_image")
if [ "$new_id" = "$old_id" ]; then built="cached layers"; else built="built"; fi

# Each source change leaves a ~1.5 GB build stage behind. Tagging the current one (all cached, so
# instant) makes every older stage dangling, and prune drops those and their parent layers; the
# cache for the sources as they are now stays.
step="prune old build stages"
logged plugin-build-stage podman build --pull=never --layers --network=host --target build \
  --build-arg TEE_GIT_COMMIT="$commit" -f "$ctx/deploy/Dockerfile" \
  -t "$plugin_image-build-stage" "$ctx"
logged prune podman image prune -f

step="smoke-test $plugin_image"
logged plugin-smoke podman run --rm --network=none "$plugin_image" --help
reported=$(podman run --rm --network=none "$plugin_image" --version)
[ "$reported" != "${reported%"(commit $commit)"}" ] \
  || fail "the image reports \"$reported\", not the commit $commit it was built from"

step="podman save $plugin_image"
if [ -f "$out/plugin.tar" ] && [ "$(cat "$out/plugin.tar.id" 2>/dev/null)" = "$new_id" ]; then
  saved="plugin.tar kept"
else
  rm -f "$out/plugin.tar.tmp" "$out/plugin.tar.id"
  podman save --format docker-archive -o "$out/plugin.tar.tmp" "$plugin_image"
  mv "$out/plugin.tar.tmp" "$out/plugin.tar"
  echo "$new_id" >"$out/plugin.tar.id"
  saved="plugin.tar saved"
fi
echo "image $plugin_image  $out/plugin.tar  $(size_of "$out/plugin.tar")  $built, $saved (id ${new_id:0:12})"
step="done"
