#!/usr/bin/env bash
# Renders a report.xlsx to PDF with LibreOffice (headless) and fails when the conversion
# fails or the PDF is empty: a quick check that a spreadsheet application can open the
# workbook and lay it out.
#
#   scripts/render-check.sh reports/2025-11-15/report.xlsx [OUT_DIR]
#
# The PDF is written to OUT_DIR (default: a new temporary directory) and its path printed.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 REPORT.xlsx [OUT_DIR]" >&2
    exit 2
fi
workbook=$1
if [[ ! -s $workbook ]]; then
    echo "render-check: $workbook: missing or empty" >&2
    exit 1
fi
office=$(command -v libreoffice || command -v soffice || true)
if [[ -z $office ]]; then
    echo "render-check: LibreOffice not found (apt-get install -y libreoffice-calc)" >&2
    exit 2
fi
out_dir=${2:-$(mktemp -d)}
mkdir -p "$out_dir"
# A private profile, so a LibreOffice already running for the user does not swallow the job.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

if ! "$office" -env:UserInstallation="file://$profile" --headless --convert-to pdf \
    --outdir "$out_dir" "$workbook" >"$profile/convert.log" 2>&1; then
    cat "$profile/convert.log" >&2
    echo "render-check: conversion failed" >&2
    exit 1
fi
pdf="$out_dir/$(basename "${workbook%.*}").pdf"
if [[ ! -s $pdf ]]; then
    cat "$profile/convert.log" >&2
    echo "render-check: no PDF (or an empty one) at $pdf" >&2
    exit 1
fi
if command -v pdfinfo >/dev/null; then
    pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
    if [[ -z $pages || $pages -lt 1 ]]; then
        echo "render-check: $pdf has no pages" >&2
        exit 1
    fi
    echo "render-check: $pdf ($pages pages)"
else
    echo "render-check: $pdf"
fi
