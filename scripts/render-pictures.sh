#!/usr/bin/env bash
# Renders the README's pictures of the sample report (the README's first command, with
# --lang): the Summary and the first page of the Findings sheet, in English and in Chinese, as
# CI renders the report (scripts/render-check.sh: LibreOffice, headless), each cut to
# 1001 × 700 pixels.
#
#   scripts/render-pictures.sh [OUT_DIR]     (default: docs/)
#
# Needs LibreOffice, poppler-utils (pdftoppm, pdftotext) and a CJK font (fonts-wqy-microhei).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-docs}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! fc-list :lang=zh | grep -q .; then
    echo "render-pictures: no Chinese font (apt-get install -y fonts-wqy-microhei)" >&2
    exit 2
fi

# The first page of the PDF whose footer names `sheet` (every listing prints its sheet's name
# in the footer's left part).
first_page_of() {
    local pdf=$1 sheet=$2 pages page
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
    for ((page = 1; page <= pages; page++)); do
        if pdftotext -f "$page" -l "$page" -layout "$pdf" - | grep -Eq "^\s*${sheet}\s+[0-9]+ / [0-9]+\s*$"; then
            echo "$page"
            return
        fi
    done
    echo "render-pictures: no page of $sheet in $pdf" >&2
    exit 1
}

for lang in en zh-CN; do
    cargo run --quiet -- audit sample-data/tickets-en.csv sample-data/tickets-zh-gbk.csv \
        sample-data/tickets.xlsx sample-data/broken.csv --as-of 2026-11-15 --lang "$lang" \
        --out "$work/$lang" --quiet || [[ $? -eq 1 ]]
    bash scripts/render-check.sh "$work/$lang/report.xlsx" "$work/$lang-pdf" >/dev/null
    pdf="$work/$lang-pdf/report.pdf"
    case $lang in
        en) suffix=""; summary=Summary; findings=Findings ;;
        zh-CN) suffix="-zh-CN"; summary=汇总; findings=问题明细 ;;
    esac
    for sheet in summary findings; do
        name=${!sheet}
        # The Summary is the first sheet, so the first page. A listing prints one page wide, so
        # its page is rendered larger and its top right shown: expected, actual, amount, late
        # by and the explanation, readable.
        if [[ $sheet == summary ]]; then
            page=1 dpi=114 x=54 y=60
        else
            page=$(first_page_of "$pdf" "$name") dpi=220 x=1340 y=125
        fi
        pdftoppm -png -f "$page" -l "$page" -singlefile -r "$dpi" \
            -x "$x" -y "$y" -W 1001 -H 700 "$pdf" "$out/$sheet-sheet$suffix"
        echo "render-pictures: $out/$sheet-sheet$suffix.png ($name, page $page)"
    done
done
