"""Render the README's pictures as a reader sees the pages printed (LibreOffice, in French).

Usage:  python scripts/render_pictures.py [OUT_DIR] [--all]   (default: docs/)

From a copy of workbook/Programme2023.xlsm: `motxl refresh`, `motxl report --by axis --pdf`
and `motxl booklet`, printed by LibreOffice headless through motxl's own converter (a private
profile set to French, whatever the machine's locale), then pdftoppm (poppler-utils) makes:
  synthese-example.png  the first page of the Synthèse tab (found with pdftotext)
  report-example.png    the cover page of the Axe 1 report
  booklet-example.png   the booklet's contents page
With --all, every page of the refreshed workbook as OUT_DIR/tabs-page-N.png.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    from motxl.faces.reports.pdf import convert_to_pdf, find_soffice

    args = [a for a in sys.argv[1:] if a != "--all"]
    out_dir = Path(args[0]) if args else ROOT / "docs"
    soffice = find_soffice()
    for tool in ("pdftoppm", "pdftotext"):
        if shutil.which(tool) is None or soffice is None:
            print("LibreOffice or poppler is missing: apt-get install libreoffice-calc-nogui "
                  "poppler-utils")
            return 2
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "Programme2023.xlsm"
        shutil.copy(ROOT / "workbook" / "Programme2023.xlsm", work)
        motxl = [sys.executable, "-m", "motxl"]
        subprocess.run([*motxl, "refresh", str(work)], check=True, stdout=subprocess.DEVNULL)
        if convert_to_pdf([work], soffice)[work.name]:
            print("LibreOffice could not print the workbook")
            return 1
        pdf = work.with_suffix(".pdf")
        _picture(pdf, _first_page_with(pdf, "— Synthèse"), out_dir / "synthese-example")

        reports = Path(tmp) / "rapports"
        subprocess.run([*motxl, "report", str(work), "--by", "axis", "-o", str(reports),
                        "--pdf"], check=True, stdout=subprocess.DEVNULL)
        _picture(reports / "Axe-1.pdf", 1, out_dir / "report-example")

        booklet = Path(tmp) / "livret.pdf"
        subprocess.run([*motxl, "booklet", str(work), "-o", str(booklet)], check=True,
                       stdout=subprocess.DEVNULL)
        _picture(booklet, 2, out_dir / "booklet-example")
        if "--all" in sys.argv:
            subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(out_dir / "tabs-page")],
                           check=True)
    print(f"pictures written to {out_dir}")
    return 0


def _picture(pdf: Path, page: int, stem: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(stem)], check=True)


def _first_page_with(pdf: Path, text: str) -> int:
    pages = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    return next(i for i, page in enumerate(pages, 1) if text in page)


if __name__ == "__main__":
    sys.exit(main())
