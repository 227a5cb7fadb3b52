"""The macro-enabled workbook: built from its text sources, reproducible, committed fresh, and
read back by independent readers (openpyxl, olefile strict, oletools' olevba, motxl validate)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import olefile
import openpyxl
import pytest
import xlwings
from oletools.olevba import VBA_Parser

from motxl.build import workbook as build
from motxl.build.programme_sheet import VALIDATION_LAST_ROW
from motxl.core.headers import HEADER_TEXT
from motxl.errors import MotxlError
from motxl.workbooks.writing import seed_rows
from tests.conftest import run_motxl

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "workbook" / "Programme2023.xlsm"
SOURCE = ROOT / "workbook" / "source"
SEED_SHA256 = "9a09f8d7a008e8d6c301260f1dd0f17b521f7990d68d4a858e78e3e0027f4632"
SEED_WARNINGS = {("label-markup", "B103"), ("label-markup", "B106"), ("label-markup", "B121"),
                 ("label-markup", "B122"), ("code-trailing-dot", "A112")}
SHEETS = ["Programme", "Synthèse", "Suivi", "Contrôles", "Historique", "Mode d'emploi",
          "xlwings.conf"]
CODE_NAMES = ["Programme", "Synthese", "Suivi", "Controles", "Historique", "ModeEmploi",
              "XlwingsConf"]


@pytest.fixture(scope="module")
def built() -> bytes:
    return build.build_workbook_bytes(SOURCE)


@pytest.fixture(scope="module")
def book():
    workbook = openpyxl.load_workbook(WORKBOOK)
    yield workbook
    workbook.close()


@pytest.fixture(scope="module")
def seed_lines() -> list[list]:
    return seed_rows((SOURCE / "programme-seed.txt").read_text(encoding="utf-8"))


def part(name: str) -> str:
    with zipfile.ZipFile(WORKBOOK) as archive:
        return archive.read(name).decode("utf-8")


# -- reproducible, fresh ------------------------------------------------------------------------

def test_committed_workbook_is_the_built_one(built):
    assert built == WORKBOOK.read_bytes(), (
        "workbook/Programme2023.xlsm is stale: rebuild it with `motxl build-workbook` "
        "(or `python -m motxl build-workbook`) and commit it")


def test_two_builds_are_byte_identical(built, tmp_path, cli):
    assert build.build_workbook_bytes(SOURCE) == built
    result = cli("build-workbook", "-o", tmp_path / "a.xlsm")
    assert result.code == 0, result.err
    assert result.out.startswith(f"Classeur construit : {tmp_path / 'a.xlsm'} (")
    assert (tmp_path / "a.xlsm").read_bytes() == built
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsm"]  # no temp file left behind


def test_seed_is_untouched():
    assert hashlib.sha256((SOURCE / "programme-seed.txt").read_bytes()).hexdigest() == SEED_SHA256


def test_example_figures_come_from_their_script():
    script = SOURCE / "make_example_figures.py"
    result = subprocess.run([sys.executable, str(script), "--stdout"], capture_output=True,
                            check=True)
    assert result.stdout == (SOURCE / "example-figures.tsv").read_bytes()


def test_build_refuses_bad_input(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "programme-seed.txt").write_bytes((SOURCE / "programme-seed.txt").read_bytes())
    figures = (SOURCE / "example-figures.tsv").read_text(encoding="utf-8").splitlines()
    (source / "example-figures.tsv").write_text(
        "\n".join(figures + ["5\tClaire Dubois\t\t3"]) + "\n", encoding="utf-8")
    with pytest.raises(MotxlError, match="la ligne 5, qui est une ligne de titre"):
        build.build_workbook_bytes(source)
    with pytest.raises(MotxlError, match="extension .xlsm"):
        build.build_workbook(tmp_path / "x.xlsx", SOURCE)
    (tmp_path / "~$Programme2023.xlsm").write_bytes(b"")
    with pytest.raises(MotxlError, match="est ouvert dans Excel"):
        build.build_workbook(tmp_path / "Programme2023.xlsm", SOURCE)


# -- the Programme sheet ------------------------------------------------------------------------

def test_sheets_and_code_names(book):
    assert book.sheetnames == SHEETS
    assert [ws.sheet_properties.codeName for ws in book.worksheets] == CODE_NAMES
    assert 'codeName="ThisWorkbook"' in part("xl/workbook.xml")
    for name in ("Synthèse", "Suivi", "Contrôles"):
        assert book[name].max_row == 1 and "Actualiser la synthèse" in book[name]["A1"].value


def test_programme_keeps_the_seed_verbatim(book, seed_lines):
    ws = book["Programme"]
    header = [c.value for c in ws[3]]
    assert header == ["Axe", "PROGRAMME 2023 - projet",
                      *(HEADER_TEXT[f] for f in list(HEADER_TEXT)[2:])]
    for number, line in enumerate(seed_lines, start=1):
        if number <= 2:
            assert line == []  # the seed's two blank lines carry the buttons and the note
            continue
        cells = [ws.cell(number, 1).value, ws.cell(number, 2).value]
        assert cells == (line + [None, None])[:2], f"row {number}"
    assert ws.cell(112, 1).value == "3.3."
    assert ws.max_row == len(seed_lines) == 130
    assert "EXEMPLES" in ws["A2"].value and "Mode d'emploi" in ws["A2"].value


def _seed_action_rows(seed_lines: list[list]) -> set[int]:
    """Sheet rows of the seed's actions, by the README's rule (worked out here, not by motxl's
    parser): a line whose code, trailing dot dropped, appeared on an earlier line."""
    seen: set[str] = set()
    actions = set()
    header = next(i for i, line in enumerate(seed_lines) if line and line[0] == "Axe")
    for number, line in enumerate(seed_lines[header + 1:], start=header + 2):
        if not line or not line[0]:
            continue
        code = str(line[0]).rstrip(".")
        if code in seen:
            actions.add(number)
        seen.add(code)
    return actions


def test_figures_only_on_action_rows(book, seed_lines):
    ws = book["Programme"]
    figures = build.read_example_figures(SOURCE / "example-figures.tsv")
    actions = _seed_action_rows(seed_lines)
    assert len(actions) == 83  # the README's count for the bundled workbook
    assert set(figures) == actions
    header_row = min(actions) - 1
    while ws.cell(header_row, 1).value != "Axe":
        header_row -= 1
    for number in range(header_row + 1, ws.max_row + 1):
        planning = [ws.cell(number, c).value for c in range(3, 12)]
        if number not in actions:
            assert planning == [None] * 9, f"row {number}"
    header = [c.value for c in ws[header_row]]
    column = {name: header.index(HEADER_TEXT[name]) + 1 for name in
              ("person", "status", "deadline", "spent_actual")}
    people = {ws.cell(r, column["person"]).value for r in actions} - {None}
    assert 6 <= len(people) <= 8
    deadlines = [ws.cell(r, column["deadline"]).value for r in actions]
    assert all(isinstance(d, dt.datetime) and d.year == 2023 for d in deadlines)
    assert all(ws.cell(r, column["status"]).value for r in actions)
    assert sum(1 for r in actions if ws.cell(r, column["spent_actual"]).value) >= 5
    row49 = [c.value for c in ws[49]]
    assert row49[4] == 10 and row49[6] == 12 and "volontaire" in row49[10]


def test_data_validation_freeze_and_widths(book):
    ws = book["Programme"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    end = VALIDATION_LAST_ROW
    assert rules[f"D4:D{end}"].formula1 == '"Socle,Sur-mesure,Marché public"'
    assert rules[f"I4:I{end}"].formula1 == '"À lancer,En cours,Réalisé,En attente,Abandonné"'
    deadline = rules[f"J4:J{end}"]
    assert deadline.type == "date" and deadline.operator in (None, "between")
    assert (deadline.formula1, deadline.formula2) == ("44927", "45291")  # 01/01 and 31/12/2023
    for col in "EFGH":
        rule = rules[f"{col}4:{col}{end}"]
        assert (rule.type, rule.operator, rule.formula1) == ("decimal", "greaterThanOrEqual",
                                                             "0")
    assert ws.freeze_panes == "A4"
    assert ws.column_dimensions["B"].width > 80
    assert ws.cell(7, 10).number_format == "dd/mm/yyyy"


def test_heading_rows_styled_apart(book):
    ws = book["Programme"]
    axis, objective, sub, action, header = (ws.cell(r, 2) for r in (4, 5, 6, 7, 3))
    fills = {c.fill.fgColor.rgb for c in (axis, objective, sub, action, header)}
    assert len(fills) == 5
    assert axis.font.b and objective.font.b and sub.font.b and not action.font.b
    assert ws.cell(112, 2).font.b  # 3.3. is an objective heading


def test_buttons_bound_to_their_macros():
    vml = part("xl/drawings/vmlDrawing1.vml")
    assert re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml) == [
        "Valider", "ActualiserSynthese", "Comparer", "Diagnostic"]
    for caption in ("Valider", "Actualiser la synthèse", "Comparer…", "Diagnostic"):
        assert f">{caption}<" in vml
    anchors = [[int(n) for n in a.split(",")]
               for a in re.findall(r"<x:Anchor>([^<]*)</x:Anchor>", vml)]
    assert len(anchors) == 4
    assert all(a[2] == 0 and a[6] == 0 for a in anchors)  # top and bottom in row 1


def test_xlwings_conf_sheet(book):
    ws = book["xlwings.conf"]
    assert [ws["A1"].value, ws["A2"].value, ws["A3"].value] == ["Interpreter_Win",
                                                               "Interpreter_Mac", None]
    assert ws["B1"].value is None and ws["B2"].value is None


def test_mode_emploi(book, cli):
    text = "\n".join(str(c.value) for row in book["Mode d'emploi"].iter_rows() for c in row
                     if c.value)
    for needed in ("Valider", "Actualiser la synthèse", "Diagnostic", "EXEMPLES",
                   "Windows", "macOS", "python -m pip install -e .", "xlwings runpython install",
                   "Débloquer", "Emplacements approuvés", "Activer le contenu", "xlwings.conf",
                   "Interpreter_Win", "Interpreter_Mac", "0.37.8", "motxl build-workbook"):
        assert needed in text, needed
    # Every warning Validate shows is the seed's own or an example named in this sheet.
    result = cli("validate", WORKBOOK, "--format", "json")
    assert result.code == 0, result.err
    import json

    findings = json.loads(result.out)["findings"]
    assert not [f for f in findings if f["severity"] == "error"]
    for finding in findings:
        if finding["severity"] != "warning":
            continue
        key = (finding["rule"], finding["cell"])
        if key not in SEED_WARNINGS:
            assert f"(cellule {finding['cell']})" in text, key
    assert "(cellule G49)" in text


def test_own_tabs_keep_print_setup_and_panes(book):
    assert book["Suivi"].freeze_panes == "E5"
    assert book["Synthèse"].freeze_panes == "C6"
    assert book["Contrôles"].print_title_rows == "$9:$9"
    assert book["Suivi"].page_setup.orientation == "landscape"


def test_validate_command_in_a_fresh_process():
    result = run_motxl("validate", WORKBOOK)
    assert result.code == 0, result.err
    assert "VALIDE : 0 erreur(s), 6 avertissement(s), 5 information(s)." in result.out


# -- the VBA project -------------------------------------------------------------------------

def test_xlwings_bas_is_the_pinned_packages():
    shipped = (ROOT / "motxl" / "vba" / "xlwings.bas").read_bytes()
    assert shipped == (Path(xlwings.__file__).parent / "xlwings.bas").read_bytes(), (
        "motxl/vba/xlwings.bas differs from the installed xlwings package's: copy it from "
        "site-packages/xlwings/xlwings.bas (and keep the xlwings pin equal)")
    assert b"Public Const XLWINGS_VERSION As String = \"0.37.8\"" in shipped
    assert xlwings.__version__ == "0.37.8" == build.xlwings_bas_version()
    pins = re.findall(r'"xlwings==([\d.]+)"', (ROOT / "pyproject.toml").read_text())
    assert pins == ["0.37.8"]


def test_vba_project_opens_in_strict_olefile():
    with zipfile.ZipFile(WORKBOOK) as archive:
        data = archive.read("xl/vbaProject.bin")
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    streams = {"/".join(s) for s in ole.listdir()}
    ole.close()
    assert {"PROJECT", "PROJECTwm", "VBA/_VBA_PROJECT", "VBA/dir", "VBA/ThisWorkbook",
            "VBA/motxl", "VBA/xlwings", "VBA/Dictionary", *(f"VBA/{c}" for c in CODE_NAMES)} == streams


def test_olevba_lists_every_module_and_the_three_macros():
    parser = VBA_Parser(str(WORKBOOK), relaxed=False)
    try:
        modules = {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    assert set(modules) == {"ThisWorkbook.cls", *(f"{c}.cls" for c in CODE_NAMES),
                            "motxl.bas", "xlwings.bas", "Dictionary.cls"}
    motxl_code = modules["motxl.bas"]
    for macro, call in build.MACRO_CALLS.items():
        body = re.search(rf"Public Sub {macro}\(\)\r?\n(.*?)End Sub", motxl_code, re.S)
        assert body, macro
        assert f'RunPython("{call}")' in body.group(1)
    comparer = re.search(r"Public Sub Comparer\(\)\r?\n(.*?)End Sub", motxl_code, re.S)
    assert comparer and "Application.GetOpenFilename(" in comparer.group(1)
    assert f'RunPython(AvecChemin("{build.COMPARE_CALL}", _' in comparer.group(1)
    assert "CStr(chemin))) = -1 Then Conseiller" in comparer.group(1)
    assert "Function RunPython" in modules["xlwings.bas"]
    assert modules["motxl.bas"].replace("\r\n", "\n") == \
        (ROOT / "motxl" / "vba" / "motxl.bas").read_text(encoding="utf-8")


def test_olevba_command_line():
    result = subprocess.run([sys.executable, "-m", "oletools.olevba", "--decode", str(WORKBOOK)],
                            capture_output=True, text=True, encoding="utf-8", errors="replace")
    for stream in ("VBA/motxl", "VBA/xlwings", "VBA/Dictionary", "VBA/ThisWorkbook",
                   *(f"VBA/{c}" for c in CODE_NAMES)):
        assert f"OLE stream: '{stream}'" in result.stdout, stream
    assert 'RunPython("import motxl.faces.excel; motxl.faces.excel.validate()")' in \
        result.stdout


def test_build_time_is_small():
    start = dt.datetime.now()
    build.build_workbook_bytes(SOURCE)
    assert (dt.datetime.now() - start).total_seconds() < 10
