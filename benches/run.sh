#!/usr/bin/env bash
# Builds the release binary and runs the whole-pipeline benchmark (benches/README.md).
#   benches/run.sh                 # 100k and 1M tickets, median of 3
#   benches/run.sh 10000           # a quick smoke run
#   benches/run.sh 100000 --runs 5 --formats csv
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo bench --bench pipeline -- "$@"
