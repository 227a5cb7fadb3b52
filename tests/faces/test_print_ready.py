"""Issue 11 without LibreOffice: the French command line, French ordering, the workbook's other
sheets, the Contrôles columns, the reports' index and compact reports, the manual's page breaks.

Files are read back with openpyxl and python-calamine; expected values come from the test data.
"""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
import python_calamine

from motxl.build.manual import page_breaks
from motxl.faces.cli import build_parser
from tests.conftest import ROOT

BUNDLED = ROOT / "workbook" / "Programme2023.xlsm"
ENGLISH = re.compile(r"usage:|positional arguments|options:|show this help|show program|"
                     r"optional arguments|\bthe following\b|\berror:", re.IGNORECASE)
COMMANDS = ["validate", "summary", "refresh", "report", "booklet", "compare", "history",
            "build-workbook"]


def _help(cli, *args) -> str:
    result = cli(*args, "--help")
    assert result.code == 0, result.err
    return result.out


def test_help_of_motxl_and_every_sub_command_is_french(cli):
    main = _help(cli)
    assert main.startswith("Utilisation : motxl")
    listed = [c for c in re.findall(r"^    (\S+)", main, re.MULTILINE) if c in COMMANDS]
    assert listed == COMMANDS  # the order a user meets them
    for command in COMMANDS:
        text = _help(cli, command)
        assert text.startswith(f"Utilisation : motxl {command}")
        assert "afficher cette aide et quitter" in text
        assert not ENGLISH.search(text), (command, ENGLISH.search(text))
        metavars = set(re.findall(r"\b[A-Z][A-Z-]{2,}\b", text.split("\n\n")[0]))
        assert metavars <= {"FICHIER", "FEUILLE", "DOSSIER", "DATE", "AAAA", "ANCIEN", "NOUVEAU", "FORMAT", "REGROUPEMENT",
                            "N"}, (command, metavars)
    assert not ENGLISH.search(main)


def test_metavars_are_the_same_wherever_an_option_appears():
    parser = build_parser()
    seen: dict[str, set[str]] = {}
    for action in parser._subparsers._group_actions[0].choices.values():
        for option in action._actions:
            for flag in option.option_strings or [option.dest]:
                if option.metavar:
                    seen.setdefault(flag, set()).add(option.metavar)
    outputs = seen.pop("-o") | seen.pop("--output")  # a file or a folder, as the command writes
    assert outputs == {"FICHIER", "DOSSIER"}
    assert all(len(metavars) == 1 for metavars in seen.values()), seen
    assert seen["--sheet"] == {"FEUILLE"} and seen["file"] == {"FICHIER"}


@pytest.mark.parametrize("args, command", [
    (["validate"], "validate"),
    (["validate", "x.xlsx", "--bogus"], "validate"),
    (["report", "x.xlsx", "--by", "couleur", "-o", "d"], "report"),
    (["booklet", "x.xlsx"], "booklet"),
    (["summary", "x.xlsx", "--format", "xml"], "summary"),
])
def test_usage_errors_point_to_the_sub_command_help(cli, args, command):
    result = cli(*args)
    assert result.code == 2 and result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].endswith(f"Aide : motxl {command} --help")
    assert not ENGLISH.search(lines[0]), lines[0]


def test_no_sub_command_points_to_motxl_help(cli):
    result = cli()
    assert result.code == 2 and result.err.strip().endswith("Aide : motxl --help")


def test_summary_sorts_people_in_french_order(make_programme, cli):
    rows = [["1", "[SOCLE] AXE"], ["1.1", "OBJ"]]
    rows += [["1.1", f"action {i}", name, None, 1, 10] for i, name in
             enumerate(["Thomas Girard", "Élodie Marchand", "Zoé Abel", "Anne Roy", "émile Bo"])]
    result = cli("summary", make_programme(rows))
    assert result.code == 0, result.err
    order = [name for name in re.findall(r"^ ?(\S+ \S+)\s+\d", result.out, re.MULTILINE)
             if name in ("Thomas Girard", "Élodie Marchand", "Zoé Abel", "Anne Roy", "émile Bo")]
    assert order == ["Anne Roy", "Élodie Marchand", "émile Bo", "Thomas Girard", "Zoé Abel"]


def test_bundled_workbook_hides_xlwings_conf_which_xlwings_finds_by_name():
    workbook = openpyxl.load_workbook(BUNDLED, keep_vba=True)
    conf = workbook["xlwings.conf"]
    assert conf.sheet_state == "hidden"  # not "veryHidden": a user can show it
    assert conf["A1"].value == "Interpreter_Win"
    visible = [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"]
    assert "Programme" in visible and "Mode d'emploi" in visible
    bas = (ROOT / "motxl" / "vba" / "xlwings.bas").read_text(encoding="utf-8", errors="replace")
    exists = re.search(r"Function SheetExists.*?End Function", bas, re.DOTALL).group(0)
    assert "wb.Sheets(sheetName)" in exists and "Visible" not in exists


def test_manual_says_where_to_get_motxl_and_how_to_install_it():
    rows = python_calamine.CalamineWorkbook.from_path(str(BUNDLED)).get_sheet_by_name(
        "Mode d'emploi").to_python()
    text = "\n".join(str(r[0]) for r in rows if r)
    assert "Où trouver motxl" in text and "pip install -e ." in text


def test_manual_page_breaks_keep_each_heading_with_its_text():
    lines = ([("title", "T")] + [("text", "x")] * 20 + [("", ""), ("section", "S1")]
             + [("item", "y")] * 10 + [("", ""), ("section", "S2")] + [("item", "z")] * 40)
    heights = [15.0] * len(lines)
    breaks = page_breaks(lines, heights, page_height=450.0)  # 30 lines a page
    s1, s2 = lines.index(("section", "S1")), lines.index(("section", "S2"))
    assert breaks[0] == s1  # S1 and its 10 lines would not fit after 22 lines
    assert s2 not in breaks  # S2 follows S1 on its page; its long text then runs on
    pages = [0, *breaks, len(lines)]
    for start, end in zip(pages, pages[1:]):
        assert sum(heights[start:end]) <= 450.0
        assert lines[end - 1][0] != "section"


def test_contrôles_puts_the_french_title_first_and_the_rule_id_last(tmp_path, cli):
    out = tmp_path / "copie.xlsm"
    assert cli("refresh", BUNDLED, "-o", out).code == 0
    rows = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name(
        "Contrôles").to_python()
    head = next(r for r in rows if r and r[0] == "Gravité" and len([c for c in r if c]) > 2)
    assert head[:5] == ["Gravité", "Intitulé", "Cellule", "Message", "Règle"]
    findings = [r for r in rows[rows.index(head) + 1:] if r and r[0]]
    assert {r[4] for r in findings} >= {"overspent", "blank-row"}
    assert all(" " in r[1] or r[1][0].isupper() for r in findings)  # French titles, not ids


def test_index_and_small_reports(tmp_path, cli):
    out = tmp_path / "rapports"
    assert cli("report", BUNDLED, "--by", "axis", "--by", "border", "-o", out).code == 0
    index = python_calamine.CalamineWorkbook.from_path(str(out / "index.xlsx")).get_sheet_by_name(
        "Rapports").to_python()
    groups = [r[1] for r in index if r and r[0] == "Axe"]
    assert groups[0].startswith("Axe 1 — Donner un cadre") and "[SOCLE]" not in groups[0]
    assert any("actions étiquetées" in str(r[0]) for r in index)  # the note under borders
    with zipfile.ZipFile(out / "index.xlsx") as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    widths = [float(w) for w in re.findall(r'<col [^>]*min="3" [^>]*width="([\d.]+)"', sheet)]
    longest = max(len(r[2]) for r in index if r and str(r[2]).endswith(".xlsx"))
    assert widths and widths[0] >= longest  # whole file names
    # FR-CH has one action: one compact cover; Suivi and Contrôles kept, hidden; no chart.
    small = openpyxl.load_workbook(out / "Frontiere-FR-CH.xlsx")
    states = {ws.title: ws.sheet_state for ws in small.worksheets}
    assert states == {"Couverture": "visible", "Suivi": "hidden", "Contrôles": "hidden"}
    assert not small["Couverture"]._charts
    big = openpyxl.load_workbook(out / "Axe-1.xlsx")
    assert all(ws.sheet_state == "visible" for ws in big.worksheets)
    # No cell of a report's Contrôles looks like a link unless it is one.
    controles = big["Contrôles"]
    for row in controles.iter_rows():
        for cell in row:
            if cell.font.u and cell.hyperlink is None:
                pytest.fail(f"{cell.coordinate} looks like a link")
