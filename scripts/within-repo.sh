#!/usr/bin/env bash
# Runs a command that can read nothing beside the repository: in a private mount namespace, the
# repository's parent directory is covered by an empty one that holds only the repository, so a
# test that reads any sibling of the checkout fails as it would on a fresh clone.
# The rest of the file system (/tmp, /usr, the Go and build caches) is untouched.
# usage: scripts/within-repo.sh COMMAND [ARGS...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd -P)
parent=$(dirname "$repo")
if [ "$parent" = / ]; then
  exec "$@"  # nothing beside the repository but the system itself
fi
# The repository is held by a bind mount outside the parent while the parent is covered.
hold_base=/run
[[ "$parent/" == /run/* ]] && hold_base=/tmp
exec unshare --mount --propagation private bash -c '
  set -euo pipefail
  repo=$1 parent=$2 hold_base=$3; shift 3
  hold=$(mktemp -d "$hold_base/within-repo.XXXXXX")
  mount --bind "$repo" "$hold"
  mount -t tmpfs -o size=1m,mode=755 within-repo "$parent"
  mkdir -p "$repo"
  mount --move "$hold" "$repo"
  rmdir "$hold"
  cd "$PWD"
  exec "$@"' within-repo "$repo" "$parent" "$hold_base" "$@"
