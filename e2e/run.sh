#!/usr/bin/env bash
# The e2e stage: builds the real Kubernetes components from their Go modules (pinned in
# e2e/go.mod, e2e/containerd/go.mod and e2e/kubelet-1.34/go.mod), the plugin's image from
# deploy/Dockerfile and the local pause and test images, then runs the scenarios of
# e2e/*_test.go on a one-node cluster: all of them against the current kubelet, and the device
# manager's (capacity, allocation, kubelet restart, plugin restart) against the oldest kubelet the
# README claims. Binaries, images and Go's caches persist in TEE_E2E_CACHE, so a second run
# builds nothing. Needs root (it runs a kubelet and containers) and nothing else beside the
# checkout; installs Debian's runc and CNI plugins when missing.
# usage: bash e2e/run.sh          (scripts/test.sh runs it as the stage "e2e")
# Environment: TEE_E2E_CACHE (default /var/cache/tee-e2e), E2E_RUN (a `go test -run` pattern),
# E2E_OLDEST=0 to skip the oldest-kubelet pass.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
cache=${TEE_E2E_CACHE:-/var/cache/tee-e2e}
mkdir -p "$cache"
say() { printf 'e2e: %s (at %d s)\n' "$*" "$SECONDS"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "e2e: run as root: the stage runs a kubelet, containerd and containers" >&2
  exit 2
fi
missing=()
for package in runc containernetworking-plugins iproute2; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v go >/dev/null || { echo "e2e: needs Go 1.26 (go on PATH)" >&2; exit 2; }

# `go install tool` installs each module's tool directives; an up-to-date binary is left as is.
build_tools() {  # module_dir bin_dir [go flags]
  local module=$1 bin=$2
  shift 2
  mkdir -p "$bin"
  (cd "$module" && GOBIN="$bin" go install "$@" tool)
}
# The version Kubernetes' own build stamps in (else every component says v0.0.0-master): the
# kubelet reports it in the Node's status, and kubectl and the API server compare it.
k8s_version_flags() {  # module_dir
  local version minor
  version=$(cd "$1" && go list -m -f '{{.Version}}' k8s.io/kubernetes)
  minor=${version#v1.}
  minor=${minor%%.*}
  local x
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    x+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    x+=" -X $pkg.gitTreeState=clean"
  done
  echo "-ldflags=$x"
}
say "building kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kubectl, etcd"
build_tools e2e "$cache/bin/kubernetes" "$(k8s_version_flags e2e)"
ln -sfn server "$cache/bin/kubernetes/etcd"  # go.etcd.io/etcd/server/v3's main package is "server"
say "building containerd, its runc shim and ctr"
# btrfs needs C headers this machine lacks; the cluster uses overlayfs.
build_tools e2e/containerd "$cache/bin/containerd" -tags no_btrfs
if [ "${E2E_OLDEST:-1}" != 0 ]; then
  say "building the oldest supported kubelet"
  build_tools e2e/kubelet-1.34 "$cache/bin/kubelet-1.34" "$(k8s_version_flags e2e/kubelet-1.34)"
fi
say "building the images (plugin from deploy/Dockerfile, pause, test)"
bash e2e/images/build-images.sh "$cache/images"

work=$(mktemp -d /tmp/tee-e2e.XXXXXX)
status=0
run_pass() {  # name [env...]
  local name=$1
  shift
  say "scenarios against the $name kubelet (logs in $work/$name/logs)"
  (cd e2e && env "$@" E2E_BIN_DIR="$cache/bin/kubernetes" E2E_CONTAINERD_DIR="$cache/bin/containerd" \
    E2E_IMAGES="$cache/images" E2E_WORK_DIR="$work/$name" \
    go test -count=1 -timeout 30m -v -run "${E2E_RUN:-.}" .) || status=1
}
run_pass current E2E_KUBELET_VERSION="$(cd e2e && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
if [ "${E2E_OLDEST:-1}" != 0 ]; then
  run_pass oldest E2E_KUBELET="$cache/bin/kubelet-1.34/kubelet" E2E_SCENARIOS=device-manager \
    E2E_KUBELET_VERSION="$(cd e2e/kubelet-1.34 && go list -m -f '{{.Version}}' k8s.io/kubernetes)"
fi
if [ $status -eq 0 ]; then
  rm -rf "$work"
else
  echo "e2e: failed; component logs are kept in $work" >&2
fi
say "done"
exit $status
