#!/usr/bin/env bash
# The cost of --history (benches/README.md, "History"): twelve monthly runs of about 100,000
# tickets into one history, each audited twice, alternating: with --history (the previous run
# read from the history, the Trends sheet, the run recorded) and without (--previous on the
# run before's directory, so both compare with an earlier run). Prints per month the tickets,
# findings, the seconds of both runs, the seconds the run with --history spent reading the
# history (earlier run, Trends) and writing it (as it reports them on standard error), and at
# the end the history's size.
#
#   benches/history.sh              # twelve months, ~100,000 tickets each
#   benches/history.sh 10000        # a quick run at a tenth of the size
#   WORK=/tmp/h benches/history.sh  # keep the exports and the history in /tmp/h (and reuse them)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-100000}
cargo build --release --quiet
bin=$PWD/target/release/rma-audit
# WORK=DIR keeps the exports (and reuses them on the next run) and the last history there.
if [[ -n ${WORK:-} ]]; then
    work=$WORK
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/rma-audit-history.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi
cd "$work"
rm -rf with without history.sqlite*

# A backlog that shrinks month by month, and each month's own tickets, kept for up to five
# months (as tests/cli/history.rs builds its year, at size).
if [[ ! -f export-12.csv ]]; then
"$bin" sample --tickets $((size * 6 / 10)) --seed 1 --violation-rate 0.15 --layout full --out backlog >/dev/null
for m in $(seq 0 11); do
    "$bin" sample --tickets $((size * 3 / 10)) --seed $((101 + m)) --violation-rate 0.15 \
        --layout full --out "batch-$m" >/dev/null
done
python3 - <<'PY'
import csv
backlog = list(csv.reader(open("backlog/tickets-full.csv", encoding="utf-8")))
batches = [list(csv.reader(open(f"batch-{m}/tickets-full.csv", encoding="utf-8")))[1:] for m in range(12)]
for month in range(12):
    with open(f"export-{month + 1:02}.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(backlog[0])
        writer.writerows(r for i, r in enumerate(backlog[1:]) if i % 12 >= month)
        for batch in range(month + 1):
            age = month - batch
            for i, row in enumerate(batches[batch]):
                if age < 5 and i % 5 >= age:
                    writer.writerow([f"M{batch + 1:02}-{row[0]}"] + row[1:])
PY
fi

ends=(2026-01-31 2026-02-28 2026-03-31 2026-04-30 2026-05-31 2026-06-30 2026-07-31 2026-08-31
      2026-09-30 2026-10-31 2026-11-30 2026-12-31)
# Runs a command, its output discarded, and prints its wall seconds.
seconds() {
    local err=$1
    shift
    /usr/bin/time -f %e -o time.txt "$@" >/dev/null 2>"$err" || true
    cat time.txt
}
printf '%-10s %8s %8s %9s %9s %9s %9s\n' month tickets findings "with(s)" "without(s)" "read(s)" "write(s)"
previous=""
for m in $(seq 0 11); do
    as_of=${ends[$m]}
    export=export-$(printf %02d $((m + 1))).csv
    with=$(seconds err-with "$bin" audit "$export" --as-of "$as_of" --out "with/$as_of" \
        --history history.sqlite)
    without=$(seconds /dev/null "$bin" audit "$export" --as-of "$as_of" --out "without/$as_of" \
        ${previous:+--previous "$previous"} --quiet)
    previous="without/$as_of"
    read_s=$(sed -n 's/.*: read in \([0-9.]*\) s;.*/\1/p' err-with)
    write=$(sed -n 's/.*run recorded (.*) in \([0-9.]*\) s/\1/p' err-with)
    read -r tickets findings < <(python3 -c "
import json; s = json.load(open('with/$as_of/summary.json'))
print(s['totals']['rows_audited'], s['totals']['findings'])")
    printf '%-10s %8s %8s %9s %9s %9s %9s\n' "$as_of" "$tickets" "$findings" "$with" "$without" \
        "$read_s" "$write"
done
ls -l history.sqlite* | awk '{print $5, $9}'
"$bin" history history.sqlite | tail -3
