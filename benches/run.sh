#!/usr/bin/env bash
# Builds the release binary and runs the benchmarks (benches/README.md): the whole pipeline
# against the floor (benches/pipeline.rs, given this script's arguments), then the audit's
# parts in-process with criterion (benches/parts.rs).
#   benches/run.sh                 # 100k and 1M tickets, median of 3; then the parts
#   benches/run.sh 10000           # a quick smoke run of the pipeline; then the parts
#   benches/run.sh 100000 --runs 5 --formats csv
# PARTS=check runs each part once, to check that it runs (as CI does); PARTS=skip skips them.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench pipeline -- "$@"
case "${PARTS:-run}" in
    run) cargo bench --bench parts ;;
    check) cargo bench --bench parts -- --test ;;
    skip) ;;
    *) echo "benches/run.sh: PARTS must be run, check or skip" >&2; exit 2 ;;
esac
