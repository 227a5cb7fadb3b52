"""Test workbooks for refresh and saving: a macro-enabled programme with buttons, built here."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from tests.conftest import HEADER

# Columns: A code, B label, C person, D funding, E days planned, F budget planned, G days actual,
# H spent actual, I status, J deadline, K comment.
PROGRAMME = [
    ["1", "[SOCLE] AXE 1 - CADRE"],
    ["1.1", "OBJECTIF UN"],
    ["1.1.1", "Sous-objectif un"],
    ["1.1.1", "Action A", "Anne", "Socle", 5, 1000, 2, 300, "En cours", dt.date(2023, 6, 30)],
    ["1.1.1", "=SOMME des frais de mission", "Paul", "Socle", 3, 500, 1, 50, "À lancer",
     dt.date(2023, 12, 31)],
    ["1.1.1", "@Réunion +1 -2", "Paul", "Socle", 2, None, 0, 0, "En cours"],
    ["1.2", "OBJECTIF DEUX"],
    ["1.2", "FR-DE / Action directe (en attente)", "Anne", "Socle", 1, 200, 0, 0, "En attente"],
    ["2", "[SUR-MESURE] AXE 2 - PROJETS"],
    ["2.1", "OBJECTIF"],
    ["2.1.1", "Sous-objectif"],
    ["2.1.1", "Action D", "Marc", "Sur-mesure", 4, None, 4, 1900, "Réalisé"],
]
#: Row (0-based in PROGRAMME) whose budget is a formula =E*500, with its cached value.
FORMULA_ROW = 11
VBA_MODULES_SOURCE = {
    "Module1": 'Sub Validate()\r\n    MsgBox "Valider"\r\nEnd Sub\r\n'
               'Sub Refresh()\r\n    MsgBox "Actualiser"\r\nEnd Sub\r\n',
}
CODE_NAMES = {"Programme": "Feuil1", "Notes": "Feuil2", "Synthèse": "Feuil3"}


def vba_project_bytes() -> bytes:
    """A source-only VBA project: motxl's own writer, or xlwings' template if it is not ready."""
    try:
        from motxl.build.vba_project import VbaModule, build_vba_project

        modules = [VbaModule("ThisWorkbook", "document", "")]
        modules += [VbaModule(code, "document", "") for code in CODE_NAMES.values()]
        modules += [VbaModule(name, "standard", source)
                    for name, source in VBA_MODULES_SOURCE.items()]
        return build_vba_project(modules)
    except Exception:  # noqa: BLE001 - fall back to a project Excel users already open
        import xlwings

        template = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
        with zipfile.ZipFile(template) as archive:
            return archive.read("xl/vbaProject.bin")


def make_xlsm(path: Path, rows=PROGRAMME, *, extra_validation_ext: bool = False) -> Path:
    """Programme (buttons, code names), Notes (a list validation, a formula), an old Synthèse."""
    import xlsxwriter

    from motxl.workbooks.writing import write_cell

    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                               "strings_to_urls": False})
    workbook.set_properties({"created": dt.datetime(2023, 1, 1)})
    workbook.add_vba_project(io.BytesIO(vba_project_bytes()), is_stream=True)
    workbook.set_vba_name("ThisWorkbook")
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})

    programme = workbook.add_worksheet("Programme")
    programme.set_vba_name(CODE_NAMES["Programme"])
    for c, title in enumerate(HEADER):
        programme.write_string(0, c, title)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            write_cell(programme, r, c, value, date if isinstance(value, dt.date) else None)
    formula_row = FORMULA_ROW + 1
    days = rows[FORMULA_ROW][4]
    programme.write_formula(formula_row, 5, f"=E{formula_row + 1}*500", None, days * 500)
    programme.insert_button("M2", {"macro": "Validate", "caption": "Valider"})
    programme.insert_button("M5", {"macro": "Refresh", "caption": "Actualiser la synthèse"})
    programme.data_validation(1, 8, 200, 8, {"validate": "list",
                                             "source": ["À lancer", "En cours", "Réalisé",
                                                        "En attente", "Abandonné"]})

    notes = workbook.add_worksheet("Notes")
    notes.set_vba_name(CODE_NAMES["Notes"])
    notes.write_string(0, 0, "Taux journalier")
    notes.write_number(0, 1, 500)
    notes.write_formula(1, 1, "=B1*2", None, 1000)
    notes.write_formula(2, 1, '="Taux : "&B1', None, "Taux : 500")
    notes.data_validation(0, 1, 0, 1, {"validate": "integer", "criteria": ">", "value": 0})
    notes.write_comment(0, 1, "Taux 2023 voté en CA")

    old = workbook.add_worksheet("Synthèse")
    old.set_vba_name(CODE_NAMES["Synthèse"])
    old.write_string(0, 0, "Ancienne synthèse")
    old.write_string(40, 10, "reste d'un ancien calcul")
    old.merge_range(2, 0, 2, 5, "fusion ancienne")
    old.data_validation(5, 0, 5, 0, {"validate": "integer", "criteria": ">", "value": 0})
    old.insert_button("P2", {"macro": "Refresh", "caption": "Actualiser"})
    workbook.define_name("Taux", "=Notes!$B$1")
    workbook.close()
    if extra_validation_ext:
        add_extension_validation(path, "Notes")
    return path


def sheet_part(path: Path, name: str) -> str | None:
    """The part of sheet ``name``, read here from workbook.xml and its relationships."""
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    rel_id = next((s.get(f"{rel}id") for s in book.iter(f"{main}sheet")
                   if s.get("name") == name), None)
    target = next((r.get("Target") for r in rels if r.get("Id") == rel_id), None)
    if target is None:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def rewrite_part(path: Path, part: str, change) -> None:
    """Replace one part of a zip in place (test files only)."""
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            archive.writestr(info, change(data) if info.filename == part else data)


def add_extension_validation(path: Path, sheet: str) -> None:
    """An Excel 2010+ data validation (x14, in the sheet's extLst), which openpyxl drops."""
    ext = (b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
           b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           b'<x14:dataValidations count="1" '
           b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
           b'<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Programme!$I$2:'
           b'$I$5</xm:f></x14:formula1><xm:sqref>C1:C10</xm:sqref></x14:dataValidation>'
           b'</x14:dataValidations></ext></extLst></worksheet>')
    rewrite_part(path, sheet_part(path, sheet),
                 lambda data: re.sub(rb"</worksheet>\s*\Z", ext, data))


def sheet_values(path: Path) -> dict[str, list[list]]:
    """Every sheet's values read with python-calamine (an independent reader)."""
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in workbook.sheet_names}


def code_names(path: Path) -> dict[str, str | None]:
    from motxl.workbooks.saving import _Package

    package = _Package(path)
    try:
        return {sheet.name: sheet.code_name for sheet in package.sheets}
    finally:
        package.close()


def part_bytes(path: Path, part: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part)


def assert_tabs_match_specs(values: dict[str, list[list]], specs) -> None:
    """Every cell of each TabSpec's used area reads back (calamine values) as the spec says."""
    import pytest

    for spec in specs:
        grid, used = values[spec.name], spec.used_area()
        for r in range(used.first_row, used.last_row + 1):
            for c in range(used.first_col, used.last_col + 1):
                want = spec.value_at(r, c)
                got = grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
                if want is None or want == "":
                    assert got == "", (spec.name, r, c)
                elif isinstance(want, dt.date):
                    assert (got.date() if isinstance(got, dt.datetime) else got) == want
                elif isinstance(want, float):
                    assert got == pytest.approx(want), (spec.name, r, c)
                else:
                    assert got == want, (spec.name, r, c)
