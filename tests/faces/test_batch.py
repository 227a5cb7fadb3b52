"""``motxl report``: one workbook per group, an index, safe names, clean re-runs, PDFs.

Reports are read back with python-calamine (an independent reader); expected figures come from
the test's own bookkeeping of what it wrote into the seed, not from motxl's roll-up.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from motxl.faces import batch
from motxl.faces.reports import jobs
from motxl.faces.reports.folder import MANIFEST
from motxl.faces.reports.naming import SAFE_STEM, WINDOWS_RESERVED, safe_stem, unique_stems
from motxl.faces.reports.pdf import find_soffice
from motxl.workbooks.writing import save_sheets, seed_rows
from tests.conftest import HEADER

PERSONS = ["Anne Martin", "Jérôme Dupré", "Élise O'Neil"]
STATUSES = ["À lancer", "En cours", "Réalisé", "En cours"]
BORDERS = ["FR-BE", "FR-CH", "FR-DE", "FR-ES", "FR-IT", "FR-IT-MC", "FR-LU", "OM"]
BORDER_COUNTS = {"FR-BE": 2, "FR-CH": 1, "FR-DE": 2, "FR-ES": 1, "FR-IT": 2, "FR-IT-MC": 1,
                 "FR-LU": 1, "OM": 1}
EPOCH = "1688203800"  # 2023-07-01 09:30 UTC


@pytest.fixture
def figures_seed(tmp_path, seed_text):
    """The seed with the full header and known figures on every action row.

    Returns (path, actions) where actions are dicts: axis, label, person, days, euros...
    """
    rows, actions, seen, k = [], [], set(), 0
    for row in seed_rows(seed_text):
        if row and row[0] == "Axe":
            rows.append(list(HEADER))
            continue
        if len(row) >= 2 and row[0]:
            code = row[0].rstrip(".")
            if code in seen:
                k += 1
                action = {"axis": code.split(".")[0], "label": row[1],
                          "person": PERSONS[k % 3], "days": float(k), "euros": 1000.0 * k,
                          "days_actual": k / 2, "spent": 500.0 * k}
                actions.append(action)
                row = row[:2] + [action["person"], None, action["days"], action["euros"],
                                 action["days_actual"], action["spent"], STATUSES[k % 4],
                                 dt.date(2023, 1 + k % 12, 15), None]
            seen.add(code)
        rows.append(row)
    path = tmp_path / "Programme 2023.xlsx"
    save_sheets(path, {"Programme": rows})
    return path, actions


def sheet_rows(path: Path, sheet: str) -> list[list]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        sheet).to_python()


def key_figures(path: Path) -> dict:
    """The cover's key figures: label → value."""
    return {row[0]: row[1] for row in sheet_rows(path, "Couverture")
            if row and isinstance(row[0], str) and row[1] != ""}


def suivi_actions(path: Path) -> list[dict]:
    rows = sheet_rows(path, "Suivi")
    start = next(i for i, r in enumerate(rows) if r[:2] == ["Axe", "Objectif"])
    header = rows[start]
    return [dict(zip(header, r)) for r in rows[start + 1:] if r[0] != ""]


def all_values(path: Path) -> dict:
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def test_by_axis_three_reports_and_index(figures_seed, tmp_path, cli):
    source, actions = figures_seed
    out = tmp_path / "rapports"
    result = cli("report", source, "--by", "axis", "-o", out)
    assert result.code == 0, result.err
    names = sorted(p.name for p in out.iterdir())
    assert names == [MANIFEST, "Axe-1.xlsx", "Axe-2.xlsx", "Axe-3.xlsx", "index.xlsx"]
    assert "3 rapport(s) écrit(s)" in result.out
    for axis in ("1", "2", "3"):
        mine = [a for a in actions if a["axis"] == axis]
        path = out / f"Axe-{axis}.xlsx"
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        assert workbook.sheet_names == ["Couverture", "Synthèse", "Suivi", "Contrôles"]
        figures = key_figures(path)
        assert figures["Actions"] == len(mine)
        assert figures["Jours prévus"] == pytest.approx(sum(a["days"] for a in mine))
        assert figures["Budget prévu (€)"] == pytest.approx(sum(a["euros"] for a in mine))
        assert figures["Dépenses réalisées (€)"] == pytest.approx(sum(a["spent"] for a in mine))
        assert figures["Taux de consommation (budget)"] == pytest.approx(0.5)
        suivi = suivi_actions(path)
        assert [r["Libellé"] for r in suivi] == [a["label"].replace("<i>", "").replace(
            "</i>", "") for a in mine]
    cover = sheet_rows(out / "Axe-1.xlsx", "Couverture")
    assert cover[0][0] == "Rapport — Axe 1"
    assert any(r[:2] == ["Classeur source", "Programme 2023.xlsx"] for r in cover)


def test_by_border_one_report_per_tag_with_its_sums(figures_seed, tmp_path, cli):
    source, actions = figures_seed
    out = tmp_path / "out"
    result = cli("report", source, "--by", "border", "-o", out, "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert [r["group"] for r in data["reports"]] == BORDERS
    assert [r["file"] for r in data["reports"]] == [f"Frontiere-{b}.xlsx" for b in BORDERS]
    for entry in data["reports"]:
        tag = entry["group"]
        mine = [a for a in actions if re.search(rf"(?<![\w-]){re.escape(tag)}\s*/", a["label"])]
        assert len(mine) == BORDER_COUNTS[tag]
        path = out / entry["file"]
        figures = key_figures(path)
        assert figures["Actions"] == len(mine) == entry["figures"]["actions"]
        assert figures["Jours prévus"] == pytest.approx(sum(a["days"] for a in mine))
        assert figures["Budget prévu (€)"] == pytest.approx(sum(a["euros"] for a in mine))
        suivi = suivi_actions(path)
        assert len(suivi) == len(mine)
        assert sum(r["Budget prévu (€)"] for r in suivi) == pytest.approx(
            sum(a["euros"] for a in mine))
        assert entry["dimension"] == "border"
    # The FR-IT report shows the finding on its own marked-up row, not the others'.
    controls = sheet_rows(out / "Frontiere-FR-IT.xlsx", "Contrôles")
    head = next(r for r in controls if r and r[0] == "Gravité" and "Règle" in r)
    rule, cell = head.index("Règle"), head.index("Cellule")
    cells = {r[cell] for r in controls if len(r) > rule and r[rule] in ("label-markup",
                                                                         "blank-row")}
    assert cells == {"B103"}


def test_several_dimensions_and_index_links(figures_seed, tmp_path, cli):
    source, _ = figures_seed
    out = tmp_path / "out"
    result = cli("report", source, "--by", "person", "--by", "funding", "--by", "statut",
                 "-o", out)
    assert result.code == 0, result.err
    names = {p.name for p in out.glob("*.xlsx")}
    assert {"Responsable-Anne-Martin.xlsx", "Responsable-Jerome-Dupre.xlsx",
            "Responsable-Elise-O-Neil.xlsx", "Financement-Socle.xlsx",
            "Financement-Sur-mesure.xlsx", "Financement-Marche-public.xlsx",
            "Statut-A-lancer.xlsx", "Statut-En-cours.xlsx", "Statut-Realise.xlsx",
            "index.xlsx"} == names
    # Every link of the index is relative and points at an existing file.
    with zipfile.ZipFile(out / "index.xlsx") as archive:
        rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    targets = re.findall(r'Target="([^"]+)" TargetMode="External"', rels)
    assert sorted(targets) == sorted(names - {"index.xlsx"})
    for target in targets:
        assert "/" not in target and "\\" not in target and (out / target).is_file()
    index = sheet_rows(out / "index.xlsx", "Rapports")
    header = next(r for r in index if r and r[0] == "Regroupement")
    rows = [dict(zip(header, r)) for r in index[index.index(header) + 1:] if r[0]]
    assert [r["Regroupement"] for r in rows] == ["Financement"] * 3 + ["Responsable"] * 3 + [
        "Statut"] * 3  # the dimensions' fixed order, whatever the order of --by
    assert sum(r["Actions"] for r in rows if r["Regroupement"] == "Responsable") == 83


def test_names_are_safe_and_distinct_examples():
    texts = ["Axe 1", "Frontière FR/DE", 'a:b*c?"d"<e>|f\\g', "Élise O'Neil", "Œuvre été",
             "x" * 300, "CON", "nul.txt", "COM1", "Lpt9", "", "...", "  trailing. ",
             "Axe 1", "axe-1", "Axe/1", "\x00\x1f ctrl", "=HYPERLINK(\"x\")"]
    stems = unique_stems(texts)
    assert stems[:6] == ["Axe-1", "Frontiere-FR-DE", "a-b-c-d-e-f-g", "Elise-O-Neil",
                         "Oeuvre-ete", "x" * 80]
    assert stems[6:10] == ["CON_", "nul_.txt", "COM1_", "Lpt9_"]
    assert stems[13:16] == ["Axe-1-2", "axe-1-3", "Axe-1-4"]
    assert len({s.casefold() for s in stems}) == len(stems)
    for stem in stems:
        assert SAFE_STEM.match(stem) and len(stem) <= 80


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=320), min_size=1, max_size=12))
def test_names_property(texts):
    stems = unique_stems(texts + texts[:3], max_len=80, taken=["index"])
    assert len({s.casefold() for s in stems} | {"index"}) == len(stems) + 1
    for stem in stems:
        assert re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?", stem), stem
        assert len(stem) <= 80
        assert stem.split(".")[0].upper() not in WINDOWS_RESERVED
        assert ".." not in stem
    assert unique_stems(texts) == unique_stems(texts)  # deterministic


def test_program_text_stays_text(make_programme, tmp_path, cli):
    path = make_programme([
        ["1", "[SOCLE] AXE 1"], ["1.1", "OBJECTIF"],
        ["1.1", '=HYPERLINK("http://example.com","x")', "=cmd|' /C calc'!A0", None, 1, 10],
        ["1.1", "+33 action", "@SUM(A1)", None, 2, 20],
        ["1.1", "-1 action", "Anne", None, 3, 30]])
    out = tmp_path / "out"
    result = cli("report", path, "--by", "person", "--by", "axis", "-o", out)
    assert result.code == 0, result.err
    files = sorted(out.glob("*.xlsx"))
    assert "cmd-C-calc-A0.xlsx" in {p.name.split("Responsable-")[-1] for p in files}
    for file in files:
        with zipfile.ZipFile(file) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    assert not re.search(rb"<f[ >]", archive.read(name)), (file.name, name)
    labels = [r["Libellé"] for r in suivi_actions(out / "Axe-1.xlsx")]
    assert labels == ['=HYPERLINK("http://example.com","x")', "+33 action", "-1 action"]


def test_a_failing_group_does_not_lose_the_others(figures_seed, tmp_path, cli, monkeypatch):
    source, _ = figures_seed
    real = jobs.render_workbook

    def render(path, tabs, **kwargs):
        if tabs[0].value_at(0, 0) == "Rapport — Axe 2":
            raise RuntimeError("disque plein")
        return real(path, tabs, **kwargs)

    monkeypatch.setattr(jobs, "render_workbook", render)
    out = tmp_path / "out"
    result = cli("report", source, "--by", "axis", "-o", out)
    assert result.code == 1
    assert "motxl : échec du rapport « Axe 2 » (Axe-2.xlsx) : erreur inattendue " \
           "(RuntimeError : disque plein)." in result.err
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "Axe-1.xlsx", "Axe-3.xlsx",
                                                    "index.xlsx"]
    assert "2 rapport(s) écrit(s)" in result.out and "1 échec(s)" in result.out


def test_rerun_replaces_cleanly_and_keeps_other_files(make_programme, tmp_path, cli,
                                                      monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    rows = [["1", "[SOCLE] AXE 1"], ["1.1", "OBJ"], ["1.1", "a", "Anne", None, 1, 10],
            ["1.1", "b", "Paul", None, 2, 20], ["1.1", "c", "Zoé", None, 3, 30],
            ["2", "[SOCLE] AXE 2"], ["2.1", "OBJ"], ["2.1", "d", "Anne", None, 4, 40]]
    out = tmp_path / "out"
    assert cli("report", make_programme(rows), "--by", "person", "--by", "axis",
               "-o", out).code == 0
    (out / "mes notes.txt").write_text("à garder")
    first = {p.name for p in out.iterdir()}
    assert {"Responsable-Zoe.xlsx", "Axe-2.xlsx"} <= first
    # Zoé leaves; axis 2 loses its action. Re-run for persons only.
    rows2 = rows[:4] + rows[5:7] + [["2.1", "d", "Paul", None, 4, 40]]
    result = cli("report", make_programme(rows2), "--by", "person", "-o", out, "--format",
                 "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["removed"] == ["Responsable-Zoe.xlsx"]
    names = {p.name for p in out.iterdir()}
    assert names == first - {"Responsable-Zoe.xlsx"}  # axis reports of run 1 are kept
    assert key_figures(out / "Responsable-Paul.xlsx")["Actions"] == 2
    index = sheet_rows(out / "index.xlsx", "Rapports")
    listed = {r[2] for r in index if r and r[2].endswith(".xlsx")}
    assert listed == {n for n in names if n.endswith(".xlsx")} - {"index.xlsx"}
    # Re-run axis: axis 2 has an action again (Paul's), axis reports replaced.
    assert cli("report", make_programme(rows2), "--by", "axis", "-o", out).code == 0
    assert (out / "mes notes.txt").read_text() == "à garder"
    assert not list(out.glob(".motxl-tmp-*"))


def test_foreign_file_with_a_report_name_stops_before_writing(figures_seed, tmp_path, cli):
    source, _ = figures_seed
    out = tmp_path / "out"
    out.mkdir()
    (out / "Axe-2.xlsx").write_bytes(b"mon fichier")
    result = cli("report", source, "--by", "axis", "-o", out)
    assert result.code == 2
    assert "Axe-2.xlsx" in result.err and "n'a pas écrit" in result.err
    assert [p.name for p in out.iterdir()] == ["Axe-2.xlsx"]
    assert (out / "Axe-2.xlsx").read_bytes() == b"mon fichier"


def test_jobs_2_gives_the_same_files_as_jobs_1(figures_seed, tmp_path, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    source, _ = figures_seed
    one, two = tmp_path / "one", tmp_path / "two"
    assert cli("report", source, "--by", "person", "--by", "axis", "-o", one).code == 0
    result = cli("report", source, "--by", "person", "--by", "axis", "-o", two, "--jobs", "2")
    assert result.code == 0, result.err
    files = sorted(p.name for p in one.glob("*.xlsx"))
    assert files == sorted(p.name for p in two.glob("*.xlsx")) and len(files) == 7
    for name in files:
        values_one, values_two = all_values(one / name), all_values(two / name)
        if name == "index.xlsx":  # its subtitle names the folder
            values_one["Rapports"][1] = values_two["Rapports"][1] = None
        assert values_one == values_two, name
    cover = sheet_rows(one / "Axe-1.xlsx", "Couverture")
    assert ["Produit le", "01/07/2023 à 09:30"] == [r for r in cover if r[0] == "Produit le"][0][:2]


def test_usage_and_unusable_input(tmp_path, cli, figures_seed):
    source, _ = figures_seed
    result = cli("report", source, "--by", "couleur", "-o", tmp_path / "o")
    assert result.code == 2 and "regroupement inconnu « couleur »" in result.err
    result = cli("report", source, "--by", "axis", "-o", tmp_path / "o", "--jobs", "0")
    assert result.code == 2 and "--jobs" in result.err
    result = cli("report", tmp_path / "absent.xlsx", "--by", "axis", "-o", tmp_path / "o")
    assert result.code == 2 and "introuvable" in result.err
    assert not (tmp_path / "o").exists()
    (tmp_path / "fichier").write_text("")
    result = cli("report", source, "--by", "axis", "-o", tmp_path / "fichier")
    assert result.code == 2 and "n'est pas un dossier" in result.err


def test_pdf_without_libreoffice_writes_nothing(figures_seed, tmp_path, cli, monkeypatch):
    source, _ = figures_seed
    monkeypatch.setattr(batch, "find_soffice", lambda: None)
    out = tmp_path / "out"
    result = cli("report", source, "--by", "axis", "-o", out, "--pdf")
    assert result.code == 2
    assert "LibreOffice (soffice) est introuvable" in result.err
    assert not out.exists()


def test_no_progress_codes_when_not_a_terminal(figures_seed, tmp_path, cli):
    source, _ = figures_seed
    result = cli("report", source, "--by", "axis", "-o", tmp_path / "out")
    assert "\x1b[" not in result.err and "\x1b[" not in result.out


def test_group_findings_and_sub_programme(figures_seed):
    from motxl.core.checks import validate
    from motxl.workbooks.reading import read_programme

    programme = read_programme(figures_seed[0])
    report = validate(programme)
    axis3 = next(g for g in batch.groups_of(programme, "axis") if g.key == "3")
    cells = {f.cell for f in batch.group_report(report, axis3).findings}
    assert {"A112", "A101", "A109", "B103", "B106"} <= cells  # the section's own findings
    assert "A27" not in cells
    sub = batch.sub_programme(programme, axis3.rows)
    assert {h.code.split(".")[0] for h in sub.headings} == {"3"}
    assert len(sub.actions) == 28
    objectives = batch.groups_of(programme, "objective")
    assert [g.key for g in objectives][:3] == ["1.1", "1.2", "1.3"]
    assert sum(len(g.rows) for g in objectives) == 83


@pytest.fixture(scope="session")
def soffice_profile(tmp_path_factory):
    return tmp_path_factory.mktemp("libreoffice-profile")


@pytest.mark.libreoffice
def test_libreoffice_opens_and_converts_each_report(figures_seed, tmp_path, cli, monkeypatch,
                                                    soffice_profile):
    if find_soffice() is None:
        pytest.skip("LibreOffice (soffice) n'est pas installé")
    monkeypatch.setenv("MOTXL_SOFFICE_PROFILE", str(soffice_profile))
    source, _ = figures_seed
    out = tmp_path / "out"
    result = cli("report", source, "--by", "axis", "--by", "funding", "-o", out, "--pdf",
                 "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert len(data["reports"]) == 6
    for entry in data["reports"]:
        pdf = out / entry["pdf"]
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5000
    assert not [p for p in out.iterdir() if p.name.startswith(".motxl-pdf-")]
    index = sheet_rows(out / "index.xlsx", "Rapports")
    assert sum(1 for r in index if str(r[3]).endswith(".pdf")) == 6
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out / "Axe-1.pdf")], capture_output=True,
                              text=True, timeout=60).stdout
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 4
    # Re-run without --pdf: the PDFs no longer match their workbooks and go.
    result = cli("report", source, "--by", "axis", "-o", out)
    assert result.code == 0
    assert not list(out.glob("Axe-*.pdf")) and len(list(out.glob("Financement-*.pdf"))) == 3


def test_figures_of_the_seed_fixture(figures_seed):
    _, actions = figures_seed
    per_axis = defaultdict(int)
    for a in actions:
        per_axis[a["axis"]] += 1
    assert dict(per_axis) == {"1": 27, "2": 28, "3": 28}


def test_manifest_cannot_make_motxl_delete_other_files(make_programme, tmp_path, cli):
    rows = [["1", "[SOCLE] AXE 1"], ["1.1", "OBJ"], ["1.1", "a", "Anne", None, 1, 10]]
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "precieux.xlsx"
    outside.write_text("x")
    (out / "notes.xlsx").write_text("x")
    (out / MANIFEST).write_text(json.dumps({"files": ["../precieux.xlsx", "notes.txt"],
                                            "reports": [{"dimension": "axis",
                                                         "file": "../precieux.xlsx"},
                                                        {"dimension": "axis",
                                                         "file": "notes.xlsx", "pdf": None}]}))
    result = cli("report", make_programme(rows), "--by", "axis", "-o", out)
    assert result.code == 0, result.err
    assert outside.exists()
    assert {p.name for p in out.iterdir()} == {MANIFEST, "Axe-1.xlsx", "index.xlsx"}
    # notes.xlsx was listed as a report of ours in a valid entry: it was removed as stale.
    (out / MANIFEST).write_text("{ pas du json")
    (out / "mes-notes.xlsx").write_text("x")
    result = cli("report", make_programme(rows), "--by", "axis", "-o", out)
    assert result.code == 2 and "Axe-1.xlsx" in result.err  # unknown owner: not replaced
    assert (out / "mes-notes.xlsx").exists()


def test_old_temporaries_go_and_empty_dimensions_warn(make_programme, tmp_path, cli):
    import os

    out = tmp_path / "out"
    out.mkdir()
    old = out / ".motxl-tmp-0123456789ab.xlsx.tmp"
    old.write_text("x")
    os.utime(old, (1, 1))
    recent = out / ".motxl-tmp-ba9876543210.xlsx.tmp"  # perhaps another run's, still writing
    recent.write_text("x")
    other = out / ".motxl-tmp-notes"
    other.write_text("x")
    os.utime(other, (1, 1))
    rows = [["1", "[SOCLE] AXE 1"], ["1.1", "OBJ"], ["1.1", "sans frontière", "Anne"]]
    result = cli("report", make_programme(rows), "--by", "border", "-o", out)
    assert result.code == 0, result.err
    assert "aucun groupe pour le regroupement « Frontière »" in result.err
    assert not old.exists() and recent.exists() and other.exists()
    assert "0 rapport(s) écrit(s)" in result.out
