#!/usr/bin/env bash
# Validates deploy/ offline: renders the kustomize base, every overlay and the base with each
# component (any warning fails), then checks every rendered object and every example against the
# Kubernetes API schema with no unknown fields, and every container running the plugin's image
# against the built binary's real subcommands, flags and environment variables (a simulation
# overlay's simulate/detect wiring is run for real), and every NodeFeatureRule against the node
# labels the binary writes. The checker's own tests run first.
# usage: scripts/validate-deploy.sh [PLUGIN_BINARY]   (default build/src/tee-device-plugin)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-build/src/tee-device-plugin}
checker=tools/deploy-check

if [ ! -x "$binary" ]; then
  echo "validate-deploy: no plugin binary at $binary; build it first (scripts/build.sh)" >&2
  exit 2
fi

# kustomize v4 or later (kubectl 1.21+) for `patches`, `labels` and `replacements`.
render() {  # dir
  if command -v kubectl >/dev/null && [ "$(kustomize_major kubectl)" -ge 4 ]; then
    kubectl kustomize "$1"
  elif command -v kustomize >/dev/null && [ "$(kustomize_major kustomize)" -ge 4 ]; then
    kustomize build "$1"
  else
    echo "validate-deploy: needs kubectl 1.21+ (or kustomize 4+) to render $1;" \
      "install the Kubernetes project's kubectl package (Debian's kubernetes-client is 1.20)" >&2
    return 1
  fi
}
kustomize_major() {  # kubectl|kustomize
  local version
  if [ "$1" = kubectl ]; then
    version=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v//p')
  else
    version=$(kustomize version 2>/dev/null | grep -oE 'v[0-9]+' | head -1 | tr -d v)
  fi
  echo "${version%%.*}" | grep -E '^[0-9]+$' || echo 0
}

# Install the checker's packages from its lock file when they are missing or stale.
if ! cmp -s "$checker/package-lock.json" "$checker/node_modules/.installed-lock.json"; then
  (cd "$checker" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$checker/package-lock.json" "$checker/node_modules/.installed-lock.json"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! node --test "$checker/test/" >"$work/selftest.log" 2>&1; then
  cat "$work/selftest.log" >&2
  echo "validate-deploy: the checker's own tests failed" >&2
  exit 1
fi
rendered=()
for dir in deploy/base deploy/overlays/*/; do
  dir=${dir%/}
  file="$work/${dir//\//-}.yaml"
  if ! render "$dir" >"$file" 2>"$work/stderr"; then
    cat "$work/stderr" >&2
    exit 1
  fi
  if [ -s "$work/stderr" ]; then
    echo "validate-deploy: rendering $dir printed warnings:" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  rendered+=(--require-plugin "$file")
done
# Components (deploy/components/*) render on top of the base, one at a time.
for dir in deploy/components/*/; do
  [ -d "$dir" ] || continue
  name=$(basename "$dir")
  overlay="$work/component-$name"
  mkdir -p "$overlay"
  # kustomize takes only relative paths to bases and components.
  printf 'resources: [%s]\ncomponents: [%s]\n' "$(realpath --relative-to="$overlay" deploy/base)" \
    "$(realpath --relative-to="$overlay" "$dir")" >"$overlay/kustomization.yaml"
  if ! render "$overlay" >"$overlay.yaml" 2>"$work/stderr" || [ -s "$work/stderr" ]; then
    echo "validate-deploy: rendering deploy/base with component $dir failed:" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  rendered+=(--require-plugin "$overlay.yaml")
done
node "$checker/validate.js" --binary "$binary" "${rendered[@]}" "$work"/*.yaml deploy/examples/*.yaml
