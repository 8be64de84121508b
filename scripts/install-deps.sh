#!/usr/bin/env bash
# Installs the Debian 12 packages the project builds and tests with. Idempotent: when every
# package is present it changes nothing and needs no network.
# With --build, only what building the plugin needs (the image's build stage).
# With --deploy, only what the deploy checks need (scripts/validate-deploy.sh): Node.js with npm,
# and kubectl with kustomize 4+ (the kubectl package from the Kubernetes project's apt source,
# where one is configured; Debian 12's own kubernetes-client is 1.20, too old to render).
set -euo pipefail

if [ "${1:-}" = "--deploy" ]; then
  wanted=()
  command -v node >/dev/null || wanted+=(nodejs)
  command -v npm >/dev/null || wanted+=(npm)
  if ! command -v kubectl >/dev/null && ! command -v kustomize >/dev/null; then
    if apt-cache policy kubectl 2>/dev/null | grep -q "Candidate: [0-9]"; then
      wanted+=(kubectl)
    else
      echo "install-deps: no apt source offers kubectl; scripts/validate-deploy.sh will say so" >&2
    fi
  fi
  [ ${#wanted[@]} -eq 0 ] && exit 0
  echo "installing: ${wanted[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
  exit 0
fi

# What building the plugin alone needs (--build: deploy/Dockerfile's build stage), then what the
# tests, benchmarks, sanitizer, fuzz and format checks add.
packages=(
  cmake ninja-build g++ pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libspdlog-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev
  libcpp-httplib-dev libssl-dev zlib1g-dev libbrotli-dev
  libmbedtls-dev libhttp-parser-dev  # the API client's HTTPS (cmake/tls.cmake)
  patch xz-utils  # scripts/install-httplib-header.sh
)
if [ "${1:-}" != "--build" ]; then
  packages+=(
    git libgtest-dev libgmock-dev libbenchmark-dev
    clang libclang-rt-14-dev clang-format clang-tidy ccache jq
  )
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root (or install these packages): ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The statically linked (Release) build compiles cpp-httplib in from one header.
bash "$(dirname "$0")/install-httplib-header.sh"
