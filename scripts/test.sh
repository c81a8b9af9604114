#!/bin/sh
# Runs every test file under test/ (or the files given) with node's test runner.
# Node 20's --test takes no globs and does not look for .ts files by itself, so we list them.
set -eu
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then
  files="$*"
else
  sh scripts/ensure-system-deps.sh
  files=$(find test -name '*.test.ts' -not -path '*/fixtures/*' | sort)
fi
# shellcheck disable=SC2086
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" --test-reporter=spec $files
