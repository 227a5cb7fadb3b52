"""The printed pages: the bundled workbook, a report and the booklet, rendered by LibreOffice.

The PDFs are read back with pypdf (text and its position on the page). Expected figures come
from the bundled workbook's Programme sheet read with python-calamine, section titles from its
cells' fonts read with openpyxl: never from motxl's own roll-up.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
import python_calamine
from pypdf import PdfReader

from motxl.faces.reports.pdf import convert_to_pdf, find_soffice
from tests.conftest import ROOT

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

BUNDLED = ROOT / "workbook" / "Programme2023.xlsm"
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})
# The footer ends its text line; LibreOffice may leave clipped text of a chart that a page
# break cut (invisible on the page) at the same height, so it need not be alone on it.
FOOTER = re.compile(r"(?:^|\s)Page (\d+) / (\d+)$")
US_AMOUNT = re.compile(r"\d,\d{3}\s?€")
US_DECIMAL = re.compile(r"(?<![\d.,])\d+\.0(?![\d.\"])")  # 20.0 days; codes never end in 0


@pytest.fixture(scope="module")
def soffice(tmp_path_factory):
    found = find_soffice()
    if found is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé")
    return found


@pytest.fixture(scope="module")
def english_machine():
    """LibreOffice started from an English-speaking machine: the French must come from motxl."""
    patch = pytest.MonkeyPatch()
    for name in ("LANG", "LC_ALL", "LC_NUMERIC", "LC_TIME"):
        patch.setenv(name, "C.UTF-8" if name != "LANG" else "en_US.UTF-8")
    yield
    patch.undo()


def _programme_totals(path: Path) -> tuple[float, float]:
    """(planned days, planned euros) of the Programme sheet, summed from its cells."""
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "Programme").to_python()
    head = next(i for i, r in enumerate(rows) if "Budget prévu (€)" in r)
    days, euros = rows[head].index("Jours prévus"), rows[head].index("Budget prévu (€)")
    numbers = [r for r in rows[head + 1:] if len(r) > euros]
    return (sum(r[days] for r in numbers if isinstance(r[days], (int, float))),
            sum(r[euros] for r in numbers if isinstance(r[euros], (int, float))))


def _french(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def page_lines(page) -> list[str]:
    """The page's text lines from top to bottom, by their position (fragments on one line
    joined), so that "the last thing on the page" means the lowest text."""
    parts: dict[float, list[tuple[float, str]]] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            parts.setdefault(round(y / 3) * 3, []).append((x, text.strip()))

    page.extract_text(visitor_text=visit)
    return [" ".join(t for _, t in sorted(parts[y])).translate(SPACES)
            for y in sorted(parts, reverse=True)]


def section_titles(path: Path, sheets: tuple[str, ...]) -> set[str]:
    """Cells written as section titles (bold, 12 pt) in the given sheets."""
    workbook = openpyxl.load_workbook(path)
    titles = set()
    for name in sheets:
        for row in workbook[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.font.b and cell.font.sz == 12:
                    titles.add(cell.value.translate(SPACES).strip())
    return titles


def body_lines(page) -> list[str]:
    """page_lines without the footer and the running header."""
    return [line for line in page_lines(page) if not FOOTER.search(line)
            and not line.startswith("Mission Opérationnelle Transfrontalière")]


@pytest.fixture(scope="module")
def refreshed_pdf(tmp_path_factory, soffice, english_machine):
    from motxl.faces.cli import main

    work = tmp_path_factory.mktemp("pages")
    book = work / "Programme2023.xlsm"
    assert main(["refresh", str(BUNDLED), "-o", str(book)]) == 0
    assert convert_to_pdf([book], soffice) == {book.name: None}
    return book, PdfReader(book.with_suffix(".pdf"))


def test_workbook_pages_show_french_formats(refreshed_pdf):
    book, pdf = refreshed_pdf
    text = "\n".join(p.extract_text() for p in pdf.pages).translate(SPACES)
    days, euros = _programme_totals(book)
    assert f"{_french(euros)} €" in text  # e.g. 479 400 €
    assert _french(days, 1) in text  # e.g. 744,0
    assert re.search(r"\b\d{1,3} %", text) and not re.search(r"\d%", text)
    assert re.search(r"\b\d{2}/\d{2}/2023\b", text)  # deadlines, day first
    assert not US_AMOUNT.search(text), US_AMOUNT.search(text)
    assert not US_DECIMAL.search(text), US_DECIMAL.search(text)


def test_workbook_pages_numbered_and_headed_with_the_programme_not_the_print_date(
        refreshed_pdf):
    _, pdf = refreshed_pdf
    count = len(pdf.pages)
    assert 6 <= count <= 16  # Programme, three tabs, the manual; xlwings.conf not printed
    footers = [next(line for line in page_lines(p) if FOOTER.search(line)) for p in pdf.pages]
    assert all(FOOTER.search(f).group(2) == str(count) for f in footers)
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Réglages de xlwings pour ce classeur" not in text  # xlwings.conf: hidden, unprinted
    headers = [line for p in pdf.pages for line in page_lines(p)
               if line.startswith("Mission Opérationnelle Transfrontalière")]
    # the refreshed tabs are "as of" the workbook's DateSituation; the static pages (Programme,
    # Mode d'emploi) carry the programme's year
    assert headers and all(line.endswith(("Programme 2023", "Situation au 31/10/2023"))
                           for line in headers)
    assert any(line.endswith("Situation au 31/10/2023") for line in headers)


def test_no_workbook_page_ends_with_a_manual_or_controles_heading(refreshed_pdf):
    book, pdf = refreshed_pdf
    titles = section_titles(book, ("Mode d'emploi", "Contrôles"))
    assert "Installation sous Windows (une seule fois)" in titles
    for number, page in enumerate(pdf.pages, start=1):
        lines = body_lines(page)
        assert lines and lines[-1] not in titles, f"page {number} ends with « {lines[-1]} »"


def test_no_workbook_page_ends_with_a_synthese_or_suivi_heading(refreshed_pdf):
    book, pdf = refreshed_pdf
    titles = section_titles(book, ("Synthèse", "Suivi"))
    for number, page in enumerate(pdf.pages, start=1):
        lines = body_lines(page)
        assert lines and lines[-1] not in titles, f"page {number} ends with « {lines[-1]} »"


@pytest.fixture(scope="module")
def reports(tmp_path_factory, soffice, english_machine):
    from motxl.faces.cli import main

    out = tmp_path_factory.mktemp("reports")
    assert main(["report", str(BUNDLED), "--by", "axis", "--by", "border", "-o", str(out),
                 "--pdf"]) == 0
    return out


def test_a_report_prints_french_figures_on_few_pages(reports):
    pdf = PdfReader(reports / "Axe-3.pdf")
    assert 3 <= len(pdf.pages) <= 8
    text = "\n".join(p.extract_text() for p in pdf.pages).translate(SPACES)
    rows = python_calamine.CalamineWorkbook.from_path(str(BUNDLED)).get_sheet_by_name(
        "Programme").to_python()
    head = next(i for i, r in enumerate(rows) if "Budget prévu (€)" in r)
    euros = rows[head].index("Budget prévu (€)")
    axis3 = sum(r[euros] for r in rows[head + 1:] if len(r) > euros and str(r[0]).startswith(
        "3") and isinstance(r[euros], (int, float)))
    assert f"{_french(axis3)} €" in text
    assert not US_AMOUNT.search(text) and not US_DECIMAL.search(text)
    assert f"Page {len(pdf.pages)} / {len(pdf.pages)}" in page_lines(pdf.pages[-1])


def test_small_groups_get_one_page(reports):
    rows = python_calamine.CalamineWorkbook.from_path(str(BUNDLED)).get_sheet_by_name(
        "Programme").to_python()
    labels = [str(r[1]) for r in rows if len(r) > 1]
    for pdf_path in reports.glob("Frontiere-*.pdf"):
        tag = pdf_path.stem.removeprefix("Frontiere-")
        count = sum(1 for label in labels if re.search(rf"(?<![\w-]){re.escape(tag)}\s*/", label))
        if count <= 2:
            pdf = PdfReader(pdf_path)
            assert len(pdf.pages) == 1, pdf_path.name
            text = pdf.pages[0].extract_text()
            assert "Actions par statut" not in text  # no chart of one or two things


@pytest.fixture(scope="module")
def booklet(tmp_path_factory, soffice, english_machine):
    from motxl.faces.cli import main

    out = tmp_path_factory.mktemp("booklet") / "livret.pdf"
    assert main(["booklet", str(BUNDLED), "-o", str(out)]) == 0
    return PdfReader(out)


def test_booklet_bookmarks_and_contents_match_its_sections(booklet):
    outline = [(item.title, booklet.get_destination_page_number(item))
               for item in booklet.outline]
    titles = [t for t, _ in outline]
    assert titles[0] == "Sommaire" and titles[1] == "Synthèse du programme"
    assert [t.split(" — ")[0] for t in titles[2:]] == ["Axe 1", "Axe 2", "Axe 3"]
    contents = body_lines(booklet.pages[1])
    for title, index in outline[1:]:
        line = next(line for line in contents if line.startswith(title[:40]))
        assert line.endswith(f" {index + 1}"), (line, index)
        first = "\n".join(body_lines(booklet.pages[index]))
        expected = "Synthèse" if index == outline[1][1] else f"Rapport — {title.split(' — ')[0]}"
        assert expected in first
    starts = [index for _, index in outline[1:]] + [len(booklet.pages)]
    assert starts == sorted(starts) and all(b > a for a, b in zip(starts, starts[1:]))


def test_booklet_numbers_every_page_but_the_cover(booklet):
    count = len(booklet.pages)
    assert 6 <= count <= 30
    assert not any(FOOTER.search(line) for line in page_lines(booklet.pages[0]))
    for number, page in enumerate(booklet.pages[1:], start=2):
        assert f"Page {number} / {count}" in page_lines(page), number
    cover = "\n".join(page_lines(booklet.pages[0]))
    assert "Programme de travail 2023" in cover
    days, euros = _programme_totals(BUNDLED)
    assert f"{_french(euros)} €" in cover and _french(days, 1) in cover


def test_booklet_refuses_a_non_pdf_output(tmp_path, cli):
    result = cli("booklet", BUNDLED, "-o", tmp_path / "livret.xlsx")
    assert result.code == 2 and "fichier .pdf" in result.err
    assert not list(tmp_path.iterdir())


def test_booklet_without_libreoffice_writes_nothing(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("MOTXL_SOFFICE", str(tmp_path / "pas-de-soffice"))
    result = cli("booklet", BUNDLED, "-o", tmp_path / "livret.pdf")
    assert result.code == 2 and "LibreOffice" in result.err
    assert not list(tmp_path.iterdir())
