"""Render the refreshed tabs of the bundled workbook to PNG, as a reader would see them printed.

Usage:  python scripts/render_pictures.py [OUT_DIR]   (default: docs/)

Refreshes a copy of workbook/Programme2023.xlsm with `motxl refresh`, converts it to PDF with
LibreOffice headless (soffice) and the PDF's pages to PNG with pdftoppm (poppler-utils).
Writes OUT_DIR/synthese-example.png: the first page of the Synthèse tab (found with pdftotext),
which the README shows; with --all, every page as OUT_DIR/tabs-page-N.png.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--all"]
    out_dir = Path(args[0]) if args else ROOT / "docs"
    for tool in ("soffice", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install libreoffice-calc-nogui poppler-utils")
            return 2
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "Programme2023.xlsm"
        shutil.copy(ROOT / "workbook" / "Programme2023.xlsm", work)
        subprocess.run([sys.executable, "-m", "motxl", "refresh", str(work)], check=True)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", tmp, str(work)], check=True,
                       stdout=subprocess.DEVNULL, timeout=180)
        out_dir.mkdir(parents=True, exist_ok=True)
        pdf = Path(tmp) / "Programme2023.pdf"
        page = _first_page_with(pdf, "— Synthèse")
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(out_dir / "synthese-example")], check=True)
        print(f"page {page} written to {out_dir / 'synthese-example.png'}")
        if "--all" in sys.argv:
            subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(out_dir / "tabs-page")],
                           check=True)
    return 0


def _first_page_with(pdf: Path, text: str) -> int:
    pages = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    return next(i for i, page in enumerate(pages, 1) if text in page)


if __name__ == "__main__":
    sys.exit(main())
