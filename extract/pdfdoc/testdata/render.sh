#!/usr/bin/env bash
# Renders the hand-written HTML reports in this directory into the binary
# fixtures used by extract/pdfdoc and extract/officedoc, the way agencies
# produce them: LibreOffice Writer for PDF/DOCX/DOC, Calc for XLSX/XLS.
# Also makes the broken inputs: an image-only PDF, an encrypted PDF, a
# truncated PDF and DOCX, and a zip-bomb DOCX.
#
# Needs: libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk
#        poppler-utils qpdf python3 (stdlib only).
# Run from anywhere: bash extract/pdfdoc/testdata/render.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
office=$(cd "$here/../../officedoc/testdata" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lo() { soffice --headless "-env:UserInstallation=file://$work/profile" "$@" >/dev/null 2>&1; }

# report2019-blank.html is report2019.html with every section 三 value
# blank and no section 四 data row, as seeds 001 and 004 publish them.
lo --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export --outdir "$here" "$here/report2019-blank.html"
for r in report2021 report2019; do
	lo --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export --outdir "$here" "$here/$r.html"
	lo --infilter="HTML (StarWriter)" --convert-to docx:"MS Word 2007 XML" --outdir "$office" "$here/$r.html"
	lo --infilter="HTML (StarWriter)" --convert-to doc:"MS Word 97" --outdir "$office" "$here/$r.html"
done
lo --infilter="HTML (StarCalc)" --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir "$office" "$here/report2021.html"
lo --infilter="HTML (StarCalc)" --convert-to xls:"MS Excel 97" --outdir "$office" "$here/report2019.html"

# The 2021 report laid out as Word does by default: cells top-aligned,
# numbers right-aligned (headers no longer sit over their numbers).
sed -E 's#<tr>#<tr valign="top">#g; s#<td>([-0-9.]+)</td>#<td align="right">\1</td>#g; s#<td colspan="3">([-0-9.]+)</td>#<td colspan="3" align="right">\1</td>#g' \
	"$here/report2021.html" >"$work/report2021-top.html"
lo --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export --outdir "$here" "$work/report2021-top.html"

# Image-only PDF: page 1 of the 2021 report as a picture, no text layer.
pdftoppm -r 110 -f 1 -l 1 -png "$here/report2021.pdf" "$work/page"
cp "$work"/page-*.png "$work/page.png"
printf '<html><body><p><img src="page.png" width="600"></p></body></html>' >"$work/imageonly.html"
lo --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export --outdir "$work" "$work/imageonly.html"
cp "$work/imageonly.pdf" "$here/imageonly.pdf"

# Encrypted PDF (user password required to open).
qpdf --encrypt secret-user secret-owner 256 -- "$here/report2019.pdf" "$here/encrypted.pdf"

# Owner password only (copying and printing forbidden), as many agencies
# publish: it opens without a password and must read normally.
qpdf --encrypt "" secret-owner 256 --extract=n --print=none -- "$here/report2019.pdf" "$here/restricted.pdf"

# Truncated files: the first 60% of the bytes, as an interrupted download leaves them.
trunc() { head -c $(($(stat -c %s "$1") * 6 / 10)) "$1" >"$2"; }
trunc "$here/report2021.pdf" "$here/truncated.pdf"
trunc "$office/report2021.docx" "$office/truncated.docx"

# Zip bomb: a valid-looking DOCX whose document.xml inflates to 1 GiB.
/usr/bin/python3 - "$office/zipbomb.docx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    with z.open("word/document.xml", "w", force_zip64=True) as f:
        f.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
        chunk = b"A" * (1 << 20)
        for _ in range(1024):
            f.write(chunk)
        f.write(b"</w:t></w:r></w:p></w:body></w:document>")
PY
ls -l "$here"/*.pdf "$office"/*.docx "$office"/*.doc "$office"/*.xls*

# The pdftotext word boxes of the two reports, for the pure-Go layout tests
# and the TSV fuzzer (they run without poppler).
for r in report2021 report2019 report2021-top report2019-blank; do
	pdftotext -tsv -enc UTF-8 "$here/$r.pdf" "$here/$r.tsv"
done

# farm-r03.tsv: pdftotext -tsv of crawler/farm/assets/r03.pdf (a synthetic
# report the farm renders with LibreOffice): a table crossing a page with
# only its last row on the next page, and a wrapped label cut by a page
# break. Regenerate with:
#   pdftotext -tsv -enc UTF-8 crawler/farm/assets/r03.pdf extract/pdfdoc/testdata/farm-r03.tsv
