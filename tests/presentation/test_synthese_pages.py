"""The refreshed bundled workbook printed by LibreOffice: no Synthèse page ends with a section
title, every page header carries the situation date, the Suivi prints its 83 actions."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from motxl.core.checks import validate
from motxl.core.rollup import roll_up
from motxl.faces.reports.pdf import convert_to_pdf, find_soffice
from motxl.presentation import build_tabs
from motxl.workbooks.reading import read_programme
from motxl.workbooks.refresh import refresh_file
from motxl.workbooks.situation_cell import situation_of
from tests.conftest import ROOT

pytestmark = pytest.mark.libreoffice
BUNDLED = ROOT / "workbook" / "Programme2023.xlsm"


def _pages(pdf) -> list[str]:
    count = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for i in range(1, count + 1)]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    soffice = find_soffice()
    if soffice is None or not shutil.which("pdftotext"):
        pytest.skip("LibreOffice or poppler-utils (pdftotext) missing")
    folder = tmp_path_factory.mktemp("pages")
    copy = folder / BUNDLED.name
    shutil.copyfile(BUNDLED, copy)
    refresh_file(copy)
    failures = convert_to_pdf([copy], soffice)
    assert all(reason is None for reason in failures.values()), failures
    programme = read_programme(copy)
    situation = situation_of(copy)
    tabs = build_tabs(programme, validate(programme), roll_up(programme, situation.date),
                      situation=situation)
    return _pages(copy.with_suffix(".pdf")), tabs, situation


def test_no_synthese_page_ends_with_a_section_title(printed):
    """Each section title is on the same page as its table's first data row."""
    pages, tabs, _ = printed
    synthese = tabs[0]
    title_rows = {b.row: b.values[0][0] for b in synthese.blocks
                  if any(s.style == "section" and s.area.first_row == b.row
                         for s in synthese.styles)}
    first_rows = {}  # title → the first cell of its table's first data row
    for row, title in title_rows.items():
        table = next(b for b in synthese.blocks if b.row == row + 1)
        first_rows[title] = str(table.values[1][0])
    assert len(first_rows) >= 6
    own = [p for p in pages if "— Synthèse" in p]
    assert 2 <= len(own) <= 8
    seen = set()
    for number, page in enumerate(own, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        for index, line in enumerate(lines):
            title = next((t for t in first_rows if line.startswith(t[:40])), None)
            if title is None:
                continue
            seen.add(title)
            after = lines[index + 1:]
            assert any(a.startswith(first_rows[title]) for a in after), \
                f"page {number}: « {title} » without its first row « {first_rows[title]} »"
    assert seen == set(first_rows)


def test_page_headers_carry_the_situation_date_never_the_print_date(printed):
    pages, _, situation = printed
    for page in (p for p in pages if "— Synthèse" in p or "— Suivi des actions" in p):
        assert situation.label in page.splitlines()[0] + page  # the header line
        assert "Situation au 31/10/2023" in page


def test_suivi_prints_every_action_with_its_state(printed):
    pages, _, _ = printed
    suivi = "\n".join(p for p in pages if "— Suivi des actions" in p or "Non démarrée" in p)
    assert suivi.count("En attente") >= 2 and "En retard" in suivi and "Réalisée" in suivi
