"""Render the refreshed tabs of the bundled workbook to PNG, as a reader would see them printed.

Usage:  python scripts/render_pictures.py [OUT_DIR]   (default: docs/)

Refreshes a copy of workbook/Programme2023.xlsm with `motxl refresh`, converts it to PDF with
LibreOffice headless (soffice) and the PDF's pages to PNG with pdftoppm (poppler-utils).
Writes OUT_DIR/tabs-page-N.png; the README shows the first page (Synthèse).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    for tool in ("soffice", "pdftoppm"):
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
        subprocess.run(["pdftoppm", "-png", "-r", "70", str(Path(tmp) / "Programme2023.pdf"),
                        str(Path(tmp) / "page")], check=True)
        pages = sorted(Path(tmp).glob("page-*.png"))
        for page in pages:
            shutil.copy(page, out_dir / f"tabs-{page.name}")
        print(f"{len(pages)} pages written to {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
