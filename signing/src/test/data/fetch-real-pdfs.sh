#!/usr/bin/env bash
# Test data: real PDFs from Debian documentation packages, made by different producers, for the
# signing tests (RealPdfsTest). Idempotent; ./test runs it before Maven.
# Usage: signing/src/test/data/fetch-real-pdfs.sh [DEST]   (default: signing/test-data/real-pdfs)
set -euo pipefail
cd "$(dirname "$0")/../../.."
DEST=${1:-test-data/real-pdfs}
[ -f "$DEST/.complete" ] && exit 0
mkdir -p "$DEST"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# package -> files inside it (producer in the comment)
declare -A want=(
  [cups-filters]="usr/share/cups/data/form_english.pdf usr/share/cups/data/default-testpage.pdf usr/share/cups/data/topsecret.pdf"   # LibreOffice 4.0, cairo, Ghostscript 9.14
  [python-reportlab-doc]="usr/share/doc/python-reportlab-doc/reportlab-userguide.pdf"   # ReportLab
  [asymptote-doc]="usr/share/doc/asymptote/asyRefCard.pdf"   # pdfTeX
  [libjs-pdf]="usr/share/doc/libjs-pdf/examples/learning/helloworld.pdf"   # hand-written, no producer
)
( cd "$work" && apt-get download "${!want[@]}" >/dev/null 2>&1 ) || {
  apt-get update -qq && ( cd "$work" && apt-get download "${!want[@]}" >/dev/null )
}
for pkg in "${!want[@]}"; do
  mkdir -p "$work/x/$pkg"
  dpkg-deb -x "$work"/"${pkg}"_*.deb "$work/x/$pkg"
  for f in ${want[$pkg]}; do cp "$work/x/$pkg/$f" "$DEST/"; done
done
# A linearized file and an owner-password-only encrypted one (readers open it without a password),
# both written by qpdf from the pdfTeX file.
qpdf --linearize "$DEST/asyRefCard.pdf" "$DEST/linearized-by-qpdf.pdf"
qpdf --encrypt "" owner-secret 256 -- "$DEST/reportlab-userguide.pdf" "$DEST/owner-password-by-qpdf.pdf"
touch "$DEST/.complete"
