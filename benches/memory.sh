#!/usr/bin/env bash
# Peak memory of the audit on inputs made to take a machine down (benches/README.md, "Memory").
# Generates each case, audits it with the release binary under /usr/bin/time, and prints one
# line per case: rows, peak RSS, seconds, exit status, and whether it stayed under 1 GiB.
#
#   benches/memory.sh            # the sizes of the resource-bounds issue (several GB of disk)
#   benches/memory.sh 0.1        # every case at a tenth of its size
#   CASES="dup wide" benches/memory.sh
#
# Cases: dup (5 M rows of one ticket id), tickets (10 M tickets, 15 % with a finding),
# rejected (5 M rejected rows), wide (16,384 columns × 20 k rows), pairs (1 M tickets with
# distinct store and courier), bomb (an XLSX whose sheet inflates to ~2 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${1:-1}
cases=${CASES:-dup tickets rejected wide pairs bomb}
cargo build --release --quiet
bin=$PWD/target/release/rma-audit
work=$(mktemp -d "${TMPDIR:-/tmp}/rma-audit-memory.XXXXXX")
trap 'rm -rf "$work"' EXIT

generate() {
    python3 - "$1" "$2" "$scale" <<'EOF'
import sys, zipfile
case, path, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
header = ("ticket_id,policy,cause,decision,service_type,courier,store,delivered_at,applied_at,"
          "reviewed_at,received_at,refunded_at,refund_amount,freight_amount,freight_payer,"
          "freight_payment,freight_deducted,package_complete,appearance_damaged,remote_area")
def row(ticket, policy="joining", courier="顺丰速运", store="Tmall", reviewed="2025-09-03 15:00"):
    return (f"{ticket},{policy},no_reason,refund,return,{courier},{store},2025-09-01,"
            f"2025-09-03 10:00,{reviewed},2025-09-08 10:00,2025-09-11 10:00,299.00,12.00,"
            "customer,prepaid,0,yes,no,")
n = lambda full: max(1, int(full * scale))
with open(path, "w", encoding="utf-8", buffering=1 << 20) as out:
    if case == "dup":
        out.write(header + "\n")
        line = row("RMA-1") + "\n"
        for _ in range(n(5_000_000)):
            out.write(line)
    elif case == "tickets":
        out.write(header + "\n")
        for i in range(n(10_000_000)):
            late = i % 20 < 3  # 15 % reviewed 26 hours after the application
            out.write(row(f"T{i}", reviewed="2025-09-04 12:00" if late else "2025-09-03 15:00") + "\n")
    elif case == "rejected":
        out.write(header + "\n")
        for i in range(n(5_000_000)):
            out.write(row(f"T{i}", policy="no-such-policy") + "\n")
    elif case == "wide":
        extra = 16_384 - header.count(",") - 1
        out.write(header + "".join(f",x{c}" for c in range(extra)) + "\n")
        filler = "," * extra
        for i in range(n(20_000)):
            out.write(row(f"T{i}") + filler + "\n")
    elif case == "pairs":
        out.write(header + "\n")
        for i in range(n(1_000_000)):
            out.write(row(f"T{i}", courier=f"Courier {i}", store=f"Store {i}") + "\n")
if case == "bomb":
    import os
    os.remove(path)
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in header.split(","))
    head = f'<row r="1">{cells}</row>'
    body = '<row><c t="inlineStr"><is><t>RMA-1</t></is></c></row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Tickets" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + head.encode())
            block = (body * 10_000).encode()
            for _ in range(n(20_000_000) // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
EOF
}

printf '%-9s %12s %12s %9s %5s %s\n' case "input MB" "peak RSS MB" seconds exit "≤ 1 GiB"
for case in $cases; do
    input=$work/$case.csv
    [[ $case == bomb ]] && input=$work/$case.xlsx
    generate "$case" "$input"
    size=$(( $(stat -c %s "$input") / 1000000 ))
    set +e
    /usr/bin/time -f '%M %e' -o "$work/time" "$bin" audit "$input" --as-of 2025-11-15 \
        --out "$work/out-$case" --quiet --max-rejected 1 2>"$work/stderr"
    status=$?
    set -e
    # GNU time writes "Command exited with non-zero status N" first when the status is not 0.
    read -r rss_kb seconds < <(tail -n 1 "$work/time")
    rss=$(( rss_kb / 1024 ))
    verdict=yes
    (( rss_kb > 1048576 )) && verdict=NO
    printf '%-9s %12s %12s %9s %5s %s\n' "$case" "$size" "$rss" "$seconds" "$status" "$verdict"
    [[ -s $work/stderr ]] && sed 's/^/          /' "$work/stderr" | head -3
    rm -rf "$input" "$work/out-$case"
done
