#!/usr/bin/env bash
# The web front end's browser assets from the npm registry, pinned by web/assets/package-lock.json
# (integrity hashes checked by npm ci): htmx, which the web process serves itself, and axe-core,
# which the browser tests inject. Installed into infra/.cache/web-assets; idempotent (reinstalls
# only when the lock file changed). Prints the node_modules path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=$root/infra/.cache/web-assets
mkdir -p "$cache"
if ! cmp -s "$root/web/assets/package-lock.json" "$cache/package-lock.json" || [ ! -f "$cache/node_modules/htmx.org/dist/htmx.min.js" ]; then
  printf '[web-assets] installing htmx and axe-core (npm ci)\n' >&2
  cp "$root/web/assets/package.json" "$root/web/assets/package-lock.json" "$cache/"
  (cd "$cache" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi
echo "$cache/node_modules"
