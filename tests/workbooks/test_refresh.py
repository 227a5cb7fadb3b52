"""``motxl refresh`` on real files: the tabs hold the figures, nothing else in the workbook moves.

Files are read back with independent readers: python-calamine for values, zipfile + XML for
parts, LibreOffice for a full open-and-print.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import types
import zipfile
from pathlib import Path

import pytest

from motxl.core.checks import validate
from motxl.core.rollup import roll_up
from motxl.presentation import build_tabs
from motxl.errors import MotxlError
from motxl.workbooks.reading import read_programme
from motxl.workbooks.refresh import refresh_file
from motxl.workbooks.saving import BACKUP_DIR, TEMP_MARK
from tests.conftest import ROOT
from tests.workbooks import (CODE_NAMES, assert_tabs_match_specs, code_names, make_xlsm,
                             part_bytes, sheet_part, sheet_values)

NOW = dt.datetime(2023, 6, 1, 10, 30)
# The same situation date: a refresh on another day adds a situation to Historique, and the
# Synthèse its chart « Consommation dans le temps » (tests/history).
LATER = dt.datetime(2023, 6, 1, 16, 45)
TABS = ["Synthèse", "Suivi", "Contrôles"]
WRITTEN = [*TABS, "Historique"]
# vmlDrawing1: the Programme sheet's buttons; vmlDrawing3: the button on the old Synthèse tab.
KEPT_PARTS = ["xl/vbaProject.bin", "xl/drawings/vmlDrawing1.vml", "xl/drawings/vmlDrawing3.vml"]


@pytest.fixture
def xlsm(tmp_path) -> Path:
    return make_xlsm(tmp_path / "Programme2023.xlsm")


def _find_row(grid, first_cell):
    return next(row for row in grid if row and row[0] == first_cell)


def _tab_xml(path: Path, name: str) -> str:
    return part_bytes(path, sheet_part(path, name)).decode("utf-8")


def test_refresh_keeps_vba_buttons_code_names_and_other_sheets(xlsm):
    before = {part: part_bytes(xlsm, part) for part in KEPT_PARTS}
    values_before = sheet_values(xlsm)

    result = refresh_file(xlsm, now=NOW)

    assert result.path == xlsm and result.backup is not None and result.backup.exists()
    assert result.sheets == WRITTEN and result.created == ["Suivi", "Contrôles", "Historique"]
    for part, data in before.items():
        assert part_bytes(xlsm, part) == data, part
    values_after = sheet_values(xlsm)
    assert values_after["Programme"] == values_before["Programme"]
    assert values_after["Notes"] == values_before["Notes"]  # formulas keep their values
    assert list(values_after) == ["Programme", "Notes", "Synthèse", "Suivi", "Contrôles",
                                  "Historique"]
    names = code_names(xlsm)
    for sheet, code in CODE_NAMES.items():
        assert names[sheet] == code
    with zipfile.ZipFile(xlsm) as archive:
        assert archive.testzip() is None
        assert b"macroEnabled" in archive.read("[Content_Types].xml")
        # the buttons stay bound to the Programme sheet
        rels = archive.read("xl/worksheets/_rels/" + sheet_part(xlsm, "Programme").rsplit("/")[-1]
                            + ".rels")
    assert b"vmlDrawing1.vml" in rels
    import openpyxl

    workbook = openpyxl.load_workbook(xlsm)
    assert workbook["Notes"]["B1"].comment.text == "Taux 2023 voté en CA"
    synthese_rels = part_bytes(xlsm, "xl/worksheets/_rels/" + sheet_part(xlsm, "Synthèse")
                               .rsplit("/")[-1] + ".rels")
    assert b"vmlDrawing3.vml" in synthese_rels  # the tab's own button survives its clearing


def test_the_tabs_hold_the_figures(xlsm):
    refresh_file(xlsm, now=NOW)
    programme = read_programme(xlsm)
    report, rollup = validate(programme), roll_up(programme, NOW.date())
    specs = build_tabs(programme, report, rollup, now=NOW, source_name=xlsm.name)
    values = sheet_values(xlsm)
    assert_tabs_match_specs(values, specs)
    total = _find_row(values["Synthèse"], "Total")
    # 5 actions, 1 pending; budget 1000 + 500 + 200 + 2000 (a formula =E13*500)
    assert total[2:4] == [5, 1] and 3700 in total
    assert len([row for row in values["Suivi"] if row and row[0] in ("1", "2")]) == 5


def test_labels_that_look_like_formulas_stay_text(xlsm):
    refresh_file(xlsm, now=NOW)
    xml = _tab_xml(xlsm, "Suivi")
    for text in ("=SOMME des frais de mission", "@Réunion +1 -2"):
        cell = re.search(r'<c r="D\d+"[^>]*><is><t[^>]*>' + re.escape(text) + "</t>", xml)
        assert cell and 't="inlineStr"' in cell.group(0), text
    assert "<f>" not in xml and "<f " not in xml
    assert "=SOMME des frais de mission" in [row[3] for row in sheet_values(xlsm)["Suivi"]]


def test_existing_tab_is_emptied_in_place(xlsm):
    refresh_file(xlsm, now=NOW)
    values = sheet_values(xlsm)["Synthèse"]
    flat = [v for row in values for v in row]
    assert "Ancienne synthèse" not in flat and "reste d'un ancien calcul" not in flat
    assert "fusion ancienne" not in flat
    xml = _tab_xml(xlsm, "Synthèse")
    assert '<mergeCell ref="A3:F3"' not in xml and "<dataValidation" not in xml
    assert code_names(xlsm)["Synthèse"] == "Feuil3"


def test_second_refresh_gives_the_same_tabs_but_the_date(xlsm, tmp_path):
    refresh_file(xlsm, now=NOW)
    first_values = sheet_values(xlsm)
    first_xml = {name: _tab_xml(xlsm, name) for name in TABS}
    refresh_file(xlsm, now=LATER)  # no DateSituation cell: the situation is the day
    second_values = sheet_values(xlsm)
    date = re.compile(r"Situation au \d\d/\d\d/\d{4}")
    for name in TABS:
        masked = [[date.sub("…", v) if isinstance(v, str) else v for v in row]
                  for row in first_values[name]]
        assert masked == [[date.sub("…", v) if isinstance(v, str) else v for v in row]
                          for row in second_values[name]], name
        assert date.sub("…", first_xml[name]) == date.sub("…", _tab_xml(xlsm, name)), name
        assert second_values[name][1][0].startswith("Situation au 01/06/2023 —"), name
    assert second_values["Programme"] == first_values["Programme"]
    assert second_values["Notes"] == first_values["Notes"]
    backups = sorted((xlsm.parent / BACKUP_DIR).iterdir())
    assert len(backups) == 2


def test_output_file_leaves_the_source_untouched(xlsm, tmp_path):
    original = xlsm.read_bytes()
    out = tmp_path / "sortie" / "Copie.xlsm"
    out.parent.mkdir()
    result = refresh_file(xlsm, output=out, now=NOW)
    assert xlsm.read_bytes() == original and result.path == out and result.backup is None
    assert list(sheet_values(out)) == ["Programme", "Notes", "Synthèse", "Suivi", "Contrôles",
                                       "Historique"]
    assert part_bytes(out, "xl/vbaProject.bin") == part_bytes(xlsm, "xl/vbaProject.bin")
    with pytest.raises(MotxlError, match="même extension"):
        refresh_file(xlsm, output=tmp_path / "copie.xlsx")


def test_seed_workbook_refresh(seed_workbook):
    result = refresh_file(seed_workbook, now=NOW)
    assert result.actions == 83 and result.created == WRITTEN
    values = sheet_values(seed_workbook)
    assert _find_row(values["Synthèse"], "Total")[2] == 83
    controles = values["Contrôles"]
    assert sum(1 for row in controles if row and row[0] in ("Erreur", "Avertissement",
                                                            "Information")) \
        == sum(result.counts.values()) + 3  # the findings and the three count rows
    xml = _tab_xml(seed_workbook, "Contrôles")
    assert re.search(r"<hyperlink ref=\"C\d+\" location=\"'Programme'!A\d+\"", xml)


@pytest.mark.parametrize("typed", ["synthèse", "Synthese", "synthèse ", "SYNTHÈSE", "SYNTHESE"])
def test_existing_tab_found_whatever_its_case_accents_and_spaces(make_programme, typed):
    path = make_programme([["1", "[SOCLE] AXE"], ["1", "Action", "Anne", "Socle", 1, 10]],
                          extra_sheets={typed: [["ancien"]], "Contrôles ": [["ancien"]]})
    result = refresh_file(path, now=NOW)
    assert result.sheets == [typed, "Suivi", "Contrôles ", "Historique"]
    values = sheet_values(path)
    assert list(values) == ["Programme", typed, "Contrôles ", "Suivi", "Historique"]
    assert values[typed][0][0] != "ancien" and values["Contrôles "][0][0] != "ancien"
    assert result.foreign == [typed, "Contrôles "]


def test_the_buttons_find_the_same_tabs_as_the_file_refresh():
    from motxl.presentation.names import find_tab
    from motxl.render.xlwings_live import SheetFinder

    class Sheet:
        def __init__(self, name):
            self.name = name

    class Book:
        sheets = [Sheet(n) for n in ("Programme", "Synthese", "suivi ", "CONTRÔLES", "Notes")]
        app = types.SimpleNamespace(engine=types.SimpleNamespace(name="excel"))

    finder = SheetFinder(Book())
    for tab in ("Synthèse", "Suivi", "Contrôles", "Programme"):
        assert finder.get(tab).name == find_tab(tab, [s.name for s in Book.sheets])
    assert finder.get("Synthèse").name == "Synthese"
    assert finder.get("Contrôles").name == "CONTRÔLES"
    assert finder.get("Suivi 2") is None


def test_a_replaced_sheet_motxl_did_not_write_is_reported_with_its_backup(xlsm, cli):
    """The test workbook's « Synthèse » was typed by a user: no motxl mark on it."""
    result = cli("refresh", xlsm)
    assert result.code == 0, result.err
    lines = result.out.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("Onglets Synthèse, Suivi, Contrôles et Historique")
    assert lines[1].startswith("Attention : la feuille « Synthèse » n’avait pas été écrite "
                               "par motxl et a été remplacée ; l'ancien contenu est conservé "
                               "dans ")
    kept = Path(lines[1].rsplit("conservé dans ", 1)[1].rstrip("."))
    assert kept.parent.name == BACKUP_DIR and kept.exists()
    assert sheet_values(kept)["Synthèse"][0][0] == "Ancienne synthèse"
    again = cli("refresh", xlsm)  # now its own tab, marked
    assert again.code == 0 and len(again.out.strip().splitlines()) == 1


def test_with_output_the_foreign_sheet_is_kept_in_the_source(xlsm, tmp_path, cli):
    out = tmp_path / "copie.xlsm"
    result = cli("refresh", xlsm, "-o", out)
    assert result.code == 0, result.err
    assert result.out.strip().splitlines()[1].endswith(f"conservé dans {xlsm}.")


def test_the_mark_is_a_hidden_sheet_scoped_name_on_each_tab(xlsm):
    import openpyxl

    refresh_file(xlsm, now=NOW)
    book = openpyxl.load_workbook(xlsm, keep_vba=True)
    for title in ("Synthèse", "Suivi", "Contrôles"):
        mark = book[title].defined_names["motxl_onglet"]
        assert mark.hidden and mark.attr_text == '"motxl"'
    assert "motxl_onglet" not in book["Programme"].defined_names
    assert "motxl_onglet" not in book["Notes"].defined_names


# --------------------------------------------------------------------------- refusals


def test_refused_when_open_in_excel(xlsm, cli):
    original = xlsm.read_bytes()
    (xlsm.parent / "~$Programme2023.xlsm").write_bytes(b"\x00" * 165)
    result = cli("refresh", xlsm)
    assert result.code == 2 and result.out == ""
    assert "Excel" in result.err and "fermez" in result.err and result.err.count("\n") == 1
    assert xlsm.read_bytes() == original


def test_extension_validations_survive_the_refresh(tmp_path, cli):
    """Excel 2010+ (x14) validations, which openpyxl dropped, come through byte for byte."""
    path = make_xlsm(tmp_path / "Programme2023.xlsm", extra_validation_ext=True)
    notes = part_bytes(path, sheet_part(path, "Notes"))
    result = cli("refresh", path)
    assert result.code == 0, result.err
    assert part_bytes(path, sheet_part(path, "Notes")) == notes


def test_refused_when_the_written_file_would_lose_something(xlsm, cli, monkeypatch):
    """check_preserved stays the safety net behind the splice."""
    import motxl.workbooks.splice as splice
    from tests.workbooks import rewrite_part

    original_splice = splice.splice_tabs

    def lossy(source, rendered, target, tabs):
        result = original_splice(source, rendered, target, tabs)
        rewrite_part(target, sheet_part(target, "Programme"),
                     lambda data: re.sub(rb"<dataValidations.*?</dataValidations>", b"", data,
                                         flags=re.S))
        return result

    monkeypatch.setattr(splice, "splice_tabs", lossy)
    original = xlsm.read_bytes()
    result = cli("refresh", xlsm)
    assert result.code == 2 and "validation(s) de données de la feuille « Programme »" \
        in result.err
    assert "n'a pas été modifié" in result.err and result.err.count("\n") == 1
    assert xlsm.read_bytes() == original
    assert not [p for p in xlsm.parent.iterdir() if TEMP_MARK in p.name]
    assert not (xlsm.parent / BACKUP_DIR).exists() or not any((xlsm.parent / BACKUP_DIR).iterdir())


def test_refused_when_the_programme_sheet_has_a_reserved_name(make_programme):
    path = make_programme([["1", "AXE"]], sheet="Suivi")
    with pytest.raises(MotxlError, match="nom réservé"):
        refresh_file(path, sheet="Suivi")


def test_cli_prints_one_french_line(xlsm, cli):
    assert cli("refresh", xlsm).code == 0  # the tabs are motxl's from now on
    result = cli("refresh", xlsm)
    assert result.code == 0 and result.err == ""
    line = result.out.strip()
    assert "\n" not in line
    assert line.startswith("Onglets Synthèse, Suivi, Contrôles et Historique écrits dans")
    assert "sauvegarde" in line and "5 actions" in line and "erreur" in line


# --------------------------------------------------------------------------- interruptions

_SLOW_REFRESH = """
import sys, time, zipfile
original = zipfile.ZipFile.writestr
def slow(self, *args, **kwargs):
    time.sleep(0.02)
    return original(self, *args, **kwargs)
zipfile.ZipFile.writestr = slow
from motxl.faces.cli import main
sys.exit(main(["refresh", sys.argv[1]]))
"""


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.mark.parametrize("seed", [1, 2])
def test_killed_refresh_leaves_the_original_intact(xlsm, seed):
    original = xlsm.read_bytes()
    before = sheet_values(xlsm)
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_REFRESH, str(xlsm)], env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not [p for p in xlsm.parent.iterdir() if TEMP_MARK in p.name]:
            assert proc.poll() is None, "refresh ended before writing"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(random.Random(seed).uniform(0.0, 0.3))  # somewhere inside the write
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert xlsm.read_bytes() == original
    assert sheet_values(xlsm) == before
    # the abandoned temp file is not the user's file and does not stop the next refresh
    assert refresh_file(xlsm, now=NOW).sheets == WRITTEN


def test_real_command_in_a_fresh_process(xlsm):
    proc = subprocess.run([sys.executable, "-m", "motxl", "refresh", str(xlsm)], env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Synthèse" in sheet_values(xlsm)


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) missing")
def test_libreoffice_opens_and_prints_the_refreshed_workbook(xlsm, tmp_path):
    refresh_file(xlsm, now=NOW)
    out = tmp_path / "pdf"
    profile = tmp_path / "lo-profile"
    proc = subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(out), str(xlsm)],
                          capture_output=True, text=True, timeout=120)
    pdf = out / "Programme2023.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stderr
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 4  # Programme, Notes and the tabs


INSPECT = ROOT / "tests" / "workbook" / "lo_inspect.py"


def _lo_inspect(path: Path) -> dict:
    import json

    proc = subprocess.run(["/usr/bin/python3", str(INSPECT), str(path)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None or not INSPECT.exists()
                    or not Path("/usr/bin/python3").exists(),
                    reason="LibreOffice with Python-UNO missing")
def test_libreoffice_sees_the_buttons_and_macros_after_refresh(xlsm):
    refresh_file(xlsm, now=NOW)
    after = _lo_inspect(xlsm)
    bound = {sheet: [(b["label"], [e["script"].split(":")[1].split("?")[0] for e in b["events"]])
                     for b in buttons]
             for sheet, buttons in after["buttons"].items()}
    assert bound == {
        "Programme": [("Valider", ["VBAProject.Module1.Validate"]),
                      ("Actualiser la synthèse", ["VBAProject.Module1.Refresh"])],
        "Synthèse": [("Actualiser", ["VBAProject.Module1.Refresh"])],
    }
    assert "Sub Validate()" in after["basic_libraries"]["VBAProject"]["Module1"]
    assert after["sheets"] == ["Programme", "Notes", "Synthèse", "Suivi", "Contrôles",
                               "Historique"]
    for sheet, code in CODE_NAMES.items():
        assert after["code_names"][sheet] == code


# --------------------------------------------------------------------------- new tabs' listing


def test_new_tabs_of_a_macro_workbook_get_unique_ascii_code_names(tmp_path, monkeypatch):
    import tests.workbooks as fixtures

    monkeypatch.setitem(fixtures.CODE_NAMES, "Notes", "Controles")  # taken by another sheet
    path = make_xlsm(tmp_path / "Programme2023.xlsm")
    refresh_file(path, now=NOW)
    names = code_names(path)
    assert names == {"Programme": "Feuil1", "Notes": "Controles", "Synthèse": "Feuil3",
                     "Suivi": "Suivi", "Contrôles": "Controles2", "Historique": "Historique"}
    assert all(name.isascii() and name.isidentifier() for name in names.values())


def test_a_plain_workbook_gets_no_code_names(make_programme):
    path = make_programme([["1", "[SOCLE] AXE"], ["1", "Action", "Anne", "Socle", 1, 10]])
    refresh_file(path, now=NOW)
    assert set(code_names(path).values()) == {None}


def _app_titles(path: Path) -> tuple[list[str], list[tuple[str, int]]]:
    from defusedxml import ElementTree

    ep = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    vt = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("docProps/app.xml"))
    titles = [node.text for node in root.find(f"{ep}TitlesOfParts").iter(f"{vt}lpstr")]
    size = int(root.find(f"{ep}TitlesOfParts").find(f"{vt}vector").get("size"))
    assert size == len(titles)
    variants = list(root.find(f"{ep}HeadingPairs").find(f"{vt}vector"))
    pairs = [(variants[i][0].text, int(variants[i + 1][0].text))
             for i in range(0, len(variants), 2)]
    return titles, pairs


def test_app_properties_list_the_sheets_that_are_there(xlsm):
    titles, pairs = _app_titles(xlsm)
    assert titles[:3] == ["Programme", "Notes", "Synthèse"] and pairs[0] == ("Worksheets", 3)
    refresh_file(xlsm, now=NOW)
    titles, pairs = _app_titles(xlsm)
    assert pairs[0] == ("Worksheets", 6)
    assert titles[:6] == list(sheet_values(xlsm)) == ["Programme", "Notes", "Synthèse", "Suivi",
                                                      "Contrôles", "Historique"]
    before = part_bytes(xlsm, "docProps/app.xml")
    refresh_file(xlsm, now=NOW)  # nothing added: the part is left as it was
    assert part_bytes(xlsm, "docProps/app.xml") == before
