"""Build ``workbook/Programme2023.xlsm`` from text sources, reproducibly, without Excel.

Sources (all text, in the repository):

* ``workbook/source/programme-seed.txt``: the programme as handed over (sheet row N = line N);
* ``workbook/source/example-figures.tsv``: illustrative planning figures for the action rows,
  keyed by sheet row (written once by ``workbook/source/make_example_figures.py``);
* ``motxl/vba/motxl.bas`` (the buttons' macros) and ``motxl/vba/xlwings.bas`` (xlwings'
  standalone module, a verbatim copy of the pinned package's ``xlwings/xlwings.bas``), and
  ``motxl/vba/Dictionary.cls`` (the class ``xlwings.bas`` uses on a Mac, a verbatim copy of the
  pinned package's ``xlwings/addin/Dictionary.cls``).

The VBA project is written from source by ``motxl.build.vba_project`` (source only: Office
compiles it on open), with a document module for ``ThisWorkbook`` and for every sheet code
name; XlsxWriter assembles the workbook and its buttons. Equal sources give byte-identical
files (fixed creation date, fixed zip timestamps, VBA project IDs derived from the input).

The Synthèse, Suivi and Contrôles sheets are left empty for the buttons to fill (xlwings),
except for a hint in A1 and what xlwings' desktop engines cannot set later and
``sheet.clear()`` keeps: frozen panes, print set-up and tab colour, taken from the TabSpecs
of the example programme.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import motxl
from motxl.build.manual import XLWINGS_CONF, manual_lines, page_breaks, situation_lines
from motxl.build.programme_sheet import (FIELD_ORDER, LINE_HEIGHT, wrapped_lines,
                                         write_programme_sheet)
from motxl.build.vba_project import VbaModule, build_vba_project
from motxl.core.checks import validate
from motxl.core.grid import Grid
from motxl.core.history import HEADER as HISTORY_HEADER, HISTORIQUE
from motxl.core.headers import HEADER_TEXT, field_of
from motxl.core.model import Programme
from motxl.core.parse import parse_programme
from motxl.core.rollup import roll_up
from motxl.core.situation import NAME as SITUATION_NAME
from motxl.core.situation import Situation, flags
from motxl.presentation import CONTROLES, SUIVI, SYNTHESE, build_tabs
from motxl.presentation.names import MARK_NAME, MARK_VALUE
from motxl.presentation.spec import DATE, NAVY, TabSpec, page_header, situation_label
from motxl.render.xlsxwriter_file import print_setup
from motxl.errors import MotxlError
from motxl.workbooks.opc import Package, read_custom_property
from motxl.workbooks.preflight import refuse_if_open
from motxl.workbooks.saving import save_workbook_atomically
from motxl.workbooks.writing import seed_rows

WORKBOOK_NAME = "Programme2023.xlsm"
SEED_NAME = "programme-seed.txt"
FIGURES_NAME = "example-figures.tsv"
PACKAGE_DIR = Path(motxl.__file__).resolve().parent
VBA_DIR = PACKAGE_DIR / "vba"
#: The workbook's document properties; ``created`` is fixed so that builds are reproducible.
CREATED = dt.datetime(2023, 1, 1)
PROPERTIES = {
    "title": "Programme de travail 2023 de la MOT",
    "subject": "Programme de travail, contrôles et synthèse (boutons motxl)",
    "author": "MOT",
    "company": "Mission Opérationnelle Transfrontalière",
    "comments": "Construit par « motxl build-workbook » à partir de workbook/source et "
                "motxl/vba. Les chiffres du programme sont des exemples à remplacer.",
    "created": CREATED,
}
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False, "in_memory": True}

PROGRAMME = "Programme"
MODE_EMPLOI = "Mode d'emploi"
#: Sheets in tab order, with their VBA code names (each gets a document module).
SHEETS = ((PROGRAMME, "Programme"), (SYNTHESE, "Synthese"), (SUIVI, "Suivi"),
          (CONTROLES, "Controles"), (HISTORIQUE, "Historique"), (MODE_EMPLOI, "ModeEmploi"),
          (XLWINGS_CONF, "XlwingsConf"))
#: The buttons above the header: (macro, caption, width in pixels).
BUTTONS = (("Valider", "Valider", 110), ("ActualiserSynthese", "Actualiser la synthèse", 170),
           ("Comparer", "Comparer…", 110), ("Diagnostic", "Diagnostic", 110))
#: The Python function each macro runs (motxl/vba/motxl.bas says the same).
MACRO_CALLS = {"Valider": "import motxl.faces.excel; motxl.faces.excel.validate()",
               "ActualiserSynthese": "import motxl.faces.excel; motxl.faces.excel.refresh_summary()",
               "Diagnostic": "import motxl.faces.excel; motxl.faces.excel.diagnose()"}
#: Comparer's call: VBA's AvecChemin puts the chosen path in the parentheses, as the codes of
#: its characters (motxl.faces.excel.compare_with).
COMPARE_CALL = "import motxl.faces.excel; motxl.faces.excel.compare_with()"
BUTTON_ROW, NOTE_ROW = 1, 2  # sheet rows (blank in the seed)
#: The situation date of the example (defined name DateSituation), right of the buttons: the
#: example figures tell their story as of that day (workbook/source/make_example_figures.py).
SITUATION_DATE = dt.date(2023, 10, 31)
SITUATION_LABEL_CELL, SITUATION_CELL = "C1", "D1"
NOTE = ("Attention : les chiffres des colonnes C à K (responsables, financements, jours, "
        "budgets, dépenses, statuts, échéances, commentaires) sont des EXEMPLES fictifs, à "
        "remplacer par les vôtres — voir l'onglet « Mode d'emploi ».")
HINTS = {
    SYNTHESE: "Onglet rempli par le bouton « Actualiser la synthèse » de l'onglet « Programme ».",
    SUIVI: "Onglet rempli par le bouton « Actualiser la synthèse » de l'onglet « Programme ».",
    CONTROLES: "Onglet rempli par les boutons « Valider » et « Actualiser la synthèse » de "
               "l'onglet « Programme ».",
    HISTORIQUE: "Onglet complété à chaque « Actualiser la synthèse » : une ligne par axe et un "
                "total par date de situation.",
}
#: xlwings.conf keys left empty on purpose: xlwings then runs ``python`` from the PATH.
CONF_KEYS = (
    ("Interpreter_Win", "Windows : laisser vide pour utiliser « python » du PATH ; sinon chemin "
                        "complet de python.exe (ex. C:\\Users\\nom\\motxl\\.venv\\Scripts\\"
                        "python.exe)."),
    ("Interpreter_Mac", "macOS : chemin complet de Python, affiché par "
                        "python3 -c \"import sys; print(sys.executable)\"."),
)
PLANNING_FIELDS = FIELD_ORDER[2:]


def repo_dir() -> Path:
    return PACKAGE_DIR.parent


def default_source_dir() -> Path:
    """``workbook/source`` of the repository the running motxl package belongs to.

    Never the current folder's: a look-alike there (another clone, a copy) must not be the
    one a bare ``motxl build-workbook`` rewrites.
    """
    candidate = repo_dir() / "workbook" / "source"
    if (candidate / SEED_NAME).is_file():
        return candidate
    raise MotxlError(f"Sources du classeur introuvables à côté de motxl ({candidate}) : "
                     "indiquez --source DOSSIER et -o FICHIER.")


def default_output(source_dir: Path | None = None) -> Path:
    """``workbook/Programme2023.xlsm`` beside the sources."""
    return (source_dir or default_source_dir()).parent / WORKBOOK_NAME


# -- sources -----------------------------------------------------------------------------------

def _figure_value(name: str, text: str, where: str) -> Any:
    if text == "":
        return None
    try:
        if name == "deadline":
            return dt.date.fromisoformat(text)
        if name in ("days_planned", "days_actual", "budget_planned", "spent_actual"):
            number = float(text)
            return int(number) if number.is_integer() else number
    except ValueError:
        raise MotxlError(f"{where} : « {text} » n'est pas lisible pour « {HEADER_TEXT[name]} » "
                         "(nombre avec un point décimal, date aaaa-mm-jj).") from None
    return text


def read_example_figures(path: Path) -> dict[int, dict[str, Any]]:
    """Sheet row → {field: value} from the TSV (header: Ligne + the planning headers)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise MotxlError(f"{path.name} est vide.")
    header = lines[0].split("\t")
    fields = [field_of(h) or "" for h in header[1:]]
    if header[0] != "Ligne" or any(f not in PLANNING_FIELDS for f in fields):
        raise MotxlError(f"{path.name} : l'en-tête doit être « Ligne » puis les colonnes "
                         f"{', '.join(HEADER_TEXT[f] for f in PLANNING_FIELDS)}.")
    figures: dict[int, dict[str, Any]] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        where = f"{path.name}, ligne {number}"
        if len(cells) > len(header):
            raise MotxlError(f"{where} : {len(cells)} colonnes pour {len(header)} en-têtes.")
        try:
            row = int(cells[0])
        except ValueError:
            raise MotxlError(f"{where} : « {cells[0]} » n'est pas un numéro de ligne.") from None
        if row in figures:
            raise MotxlError(f"{where} : la ligne {row} du programme figure deux fois.")
        cells += [""] * (len(header) - len(cells))
        figures[row] = {name: _figure_value(name, text, where)
                        for name, text in zip(fields, cells[1:])}
    return figures


def programme_rows(seed_text: str, figures: dict[int, dict[str, Any]]) -> list[list[Any]]:
    """The Programme sheet's rows (row 1 first): the seed verbatim, then the planning columns.

    The header row keeps the seed's own cells and gets the planning headers; figures go to
    action rows only (MotxlError otherwise).
    """
    rows = seed_rows(seed_text)
    programme = parse_programme(Grid(PROGRAMME, rows))
    if programme.columns.get("code") != "A" or programme.columns.get("label") != "B":
        raise MotxlError("Le programme source doit avoir ses codes en colonne A et ses "
                         "libellés en colonne B.")
    kinds = {source.row: source.kind for source in programme.rows}
    for row in figures:
        if kinds.get(row) != "action":
            what = {"heading": "une ligne de titre", "blank": "une ligne vide"}.get(
                kinds.get(row) or "", "hors du programme")
            raise MotxlError(f"{FIGURES_NAME} donne des chiffres pour la ligne {row}, qui est "
                             f"{what} : seules les actions en reçoivent.")
    out: list[list[Any]] = []
    for index, seed in enumerate(rows):
        row = index + 1
        if len(seed) > 2:
            raise MotxlError(f"{SEED_NAME}, ligne {row} : plus de deux colonnes.")
        if not seed:
            out.append([])
            continue
        base = list(seed) + [None] * (2 - len(seed))
        if row == programme.header_row:
            out.append(base + [HEADER_TEXT[f] for f in PLANNING_FIELDS])
        else:
            values = figures.get(row, {})
            out.append(base + [values.get(f) for f in PLANNING_FIELDS])
    return out


def vba_modules(vba_dir: Path = VBA_DIR) -> list[VbaModule]:
    """ThisWorkbook, one document module per sheet code name, then motxl, xlwings and the
    Dictionary class xlwings needs on a Mac."""
    modules = [VbaModule("ThisWorkbook", "document")]
    modules += [VbaModule(code_name, "document") for _, code_name in SHEETS]
    modules.append(VbaModule("motxl", "standard",
                             (vba_dir / "motxl.bas").read_text(encoding="utf-8")))
    modules.append(VbaModule("xlwings", "standard",
                             (vba_dir / "xlwings.bas").read_bytes().decode("cp1252")))
    # xlwings.bas uses this class under #If Mac (verbatim from the pinned xlwings' add-in)
    modules.append(VbaModule("Dictionary", "class",
                             (vba_dir / "Dictionary.cls").read_bytes().decode("cp1252")))
    return modules


def xlwings_bas_version(vba_dir: Path = VBA_DIR) -> str:
    """The version ``xlwings.bas`` declares (its ``XLWINGS_VERSION`` constant)."""
    for line in (vba_dir / "xlwings.bas").read_bytes().decode("cp1252").splitlines():
        if line.startswith("Public Const XLWINGS_VERSION As String = "):
            return line.split("=", 1)[1].strip().strip('"')
    raise MotxlError("motxl/vba/xlwings.bas ne déclare pas XLWINGS_VERSION.")


# -- the workbook ------------------------------------------------------------------------------

def _example_findings(programme: Programme, seed_text: str):
    """(warnings the example figures add on purpose, the seed's own warnings)."""
    seed_report = validate(parse_programme(Grid(PROGRAMME, seed_rows(seed_text))))
    seed_keys = {(f.rule, f.cell) for f in seed_report.findings}
    report = validate(programme)
    examples = [f for f in report.findings
                if f.severity != "info" and (f.rule, f.cell) not in seed_keys]
    seed_warnings = [f for f in seed_report.findings if f.severity == "warning"]
    return report, examples, seed_warnings


def _situation_cell(workbook, worksheet) -> None:
    """The labelled DateSituation cell right of the buttons, with a date validation."""
    label = workbook.add_format({"bold": True, "align": "right", "valign": "vcenter",
                                 "font_color": "#" + NAVY})
    date = workbook.add_format({"bold": True, "num_format": DATE, "align": "center",
                                "valign": "vcenter", "bg_color": "#FFF2CC", "pattern": 1,
                                "border": 1, "font_color": "#" + NAVY})
    hint = workbook.add_format({"italic": True, "font_color": "#595959", "valign": "vcenter"})
    worksheet.write_string(SITUATION_LABEL_CELL, "Date de situation :", label)
    worksheet.write_datetime(SITUATION_CELL, dt.datetime.combine(SITUATION_DATE, dt.time()),
                             date)
    row, col = _cell_index(SITUATION_CELL)
    worksheet.write_string(row, col + 1, "retards et échéances comptés à cette date (vide = "
                           "aujourd'hui)", hint)
    worksheet.data_validation(SITUATION_CELL, {
        "validate": "date", "criteria": "between", "minimum": dt.date(2000, 1, 1),
        "maximum": dt.date(2100, 12, 31), "input_title": "Date de situation",
        "input_message": "Date à laquelle le programme est regardé (JJ/MM/AAAA).",
        "error_title": "Date de situation", "error_message": "Saisissez une date JJ/MM/AAAA."})
    absolute = "$" + SITUATION_CELL[0] + "$" + SITUATION_CELL[1:]
    workbook.define_name(SITUATION_NAME, f"={PROGRAMME}!{absolute}")


def _cell_index(cell: str) -> tuple[int, int]:
    from xlsxwriter.utility import xl_cell_to_rowcol

    return xl_cell_to_rowcol(cell)


def _story(programme: Programme, as_of: dt.date) -> dict[str, int]:
    """How many actions are in each state at the situation date (and how many are late)."""
    story: dict[str, int] = {}
    for action in programme.actions:
        f = flags(action, as_of)
        story[f.state] = story.get(f.state, 0) + 1
    story["late"] = sum(1 for a in programme.actions if flags(a, as_of).late)
    story["over"] = sum(1 for a in programme.actions if flags(a, as_of).over)
    return story


def _own_tab(workbook, worksheet, spec: TabSpec, hint: str, hint_format) -> None:
    worksheet.write_string(0, 0, hint, hint_format)
    print_setup(worksheet, spec)
    if spec.freeze is not None:
        worksheet.freeze_panes(*spec.freeze)
    if spec.tab_color:
        worksheet.set_tab_color("#" + spec.tab_color)


def _history_sheet(workbook, worksheet, hint_format, year: int | None) -> None:
    """The hint and the header only: the rows come with the refreshes (motxl.core.history)."""
    from motxl.presentation.history import HEADER_ROW, historique_tab

    spec = historique_tab([], year=year)
    _own_tab(workbook, worksheet, spec, HINTS[HISTORIQUE], hint_format)
    header_format = workbook.add_format({"bold": True, "font_color": "#FFFFFF",
                                         "bg_color": "#2F5597", "text_wrap": True})
    worksheet.write_row(HEADER_ROW, 0, HISTORY_HEADER, header_format)
    for col, width in spec.column_widths.items():
        worksheet.set_column(col, col, width)


def _manual_sheet(workbook, worksheet, lines: list[tuple[str, str]], header: str) -> None:
    looks = {
        "title": {"bold": True, "font_size": 16, "font_color": "#" + NAVY},
        "section": {"bold": True, "font_size": 12, "font_color": "#" + NAVY},
        "text": {"text_wrap": True, "valign": "top"},
        "item": {"text_wrap": True, "valign": "top", "indent": 1},
        "code": {"font_name": "Consolas", "bg_color": "#F2F2F2", "pattern": 1, "indent": 2},
        "alert": {"bold": True, "text_wrap": True, "valign": "top", "font_color": "#9C0006",
                  "bg_color": "#FFEB9C", "pattern": 1},
    }
    formats = {name: workbook.add_format(props) for name, props in looks.items()}
    width = 110
    worksheet.set_column(0, 0, width)
    heights = []
    for index, (look, text) in enumerate(lines):
        height = LINE_HEIGHT
        if text:
            worksheet.write_string(index, 0, text, formats[look])
            count = wrapped_lines(text, width - (4 if look == "item" else 0),
                                  bold=look == "alert")
            if look == "title":
                height = 24
            elif count > 1:
                height = LINE_HEIGHT * count
            if height != LINE_HEIGHT:
                worksheet.set_row(index, height)
        heights.append(height)
    worksheet.set_tab_color("#7F7F7F")
    worksheet.set_landscape()
    worksheet.set_paper(9)
    # Whole pages at 100 % (the column fits the width): Excel ignores manual page breaks under
    # "fit to page", so the breaks that keep each heading with its text are set instead.
    worksheet.set_margins(left=0.6, right=0.6, top=0.6, bottom=0.6)
    worksheet.set_h_pagebreaks(page_breaks(lines, heights))
    worksheet.set_footer("&CPage &P / &N")
    worksheet.set_header(header)


def _conf_sheet(workbook, worksheet) -> dict[str, str]:
    """Keys in column A from A1 down (what xlwings reads), empty values in B, notes in C."""
    key_format = workbook.add_format({"bold": True})
    value_format = workbook.add_format({"bg_color": "#FFF2CC", "pattern": 1, "border": 1})
    note_format = workbook.add_format({"italic": True, "font_color": "#595959",
                                       "text_wrap": True, "valign": "top"})
    cells = {}
    for index, (key, note) in enumerate(CONF_KEYS):
        worksheet.write_string(index, 0, key, key_format)
        worksheet.write_blank(index, 1, None, value_format)
        worksheet.write_string(index, 2, note, note_format)
        cells[key] = f"B{index + 1}"
    worksheet.write_string(len(CONF_KEYS) + 1, 2,
                           "Réglages de xlwings pour ce classeur. L'onglet doit garder le nom "
                           "« xlwings.conf ». Laissez les valeurs vides si motxl est installé dans "
                           "le Python du PATH (voir l'onglet « Mode d'emploi »). N'écrivez rien "
                           "d'autre en colonne A.", note_format)
    worksheet.set_column(0, 0, 18)
    worksheet.set_column(1, 1, 60)
    worksheet.set_column(2, 2, 90)
    # Hidden, not "very hidden": nobody prints it by mistake, a user can still show it; xlwings
    # finds it by name (xlwings.bas: SheetExists → wb.Sheets(name)), whatever its visibility.
    worksheet.hide()
    return cells


def build_workbook_bytes(source_dir: Path | None = None, vba_dir: Path = VBA_DIR) -> bytes:
    """The .xlsm file's bytes, built from ``source_dir`` (default: the repository's)."""
    import xlsxwriter

    source_dir = source_dir or default_source_dir()
    seed_text = (source_dir / SEED_NAME).read_text(encoding="utf-8")
    rows = programme_rows(seed_text, read_example_figures(source_dir / FIGURES_NAME))
    vba_bin = build_vba_project(vba_modules(vba_dir))

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, dict(WORKBOOK_OPTIONS))
    workbook.set_properties(dict(PROPERTIES))
    workbook.set_vba_name("ThisWorkbook")
    sheets = {}
    for name, code_name in SHEETS:
        sheets[name] = workbook.add_worksheet(name)
        sheets[name].set_vba_name(code_name)

    programme_sheet = sheets[PROGRAMME]
    layout = write_programme_sheet(workbook, programme_sheet, rows, sheet_name=PROGRAMME,
                                   note=NOTE, note_row=NOTE_ROW)
    programme_sheet.set_row(BUTTON_ROW - 1, 30)
    x_offset = 6
    for macro, caption, width in BUTTONS:
        programme_sheet.insert_button(BUTTON_ROW - 1, 0, {
            "macro": macro, "caption": caption, "width": width, "height": 30,
            "x_offset": x_offset, "y_offset": 5})
        x_offset += width + 12
    _situation_cell(workbook, programme_sheet)
    programme_sheet.activate()

    programme = layout.programme
    report, examples, seed_warnings = _example_findings(programme, seed_text)
    situation = Situation(SITUATION_DATE, "workbook")
    tabs = build_tabs(programme, report, roll_up(programme, SITUATION_DATE),
                      situation=situation, source_name=WORKBOOK_NAME)
    hint_format = workbook.add_format({"italic": True, "font_color": "#7F7F7F"})
    for spec in tabs:
        _own_tab(workbook, sheets[spec.name], spec, HINTS[spec.name], hint_format)
        workbook.define_name(f"'{spec.name}'!{MARK_NAME}", f"={MARK_VALUE}")
    _history_sheet(workbook, sheets[HISTORIQUE], hint_format, programme.year)
    workbook.define_name(f"'{HISTORIQUE}'!{MARK_NAME}", f"={MARK_VALUE}")  # motxl's own

    conf_cells = _conf_sheet(workbook, sheets[XLWINGS_CONF])
    _manual_sheet(workbook, sheets[MODE_EMPLOI], manual_lines(
        workbook_name=WORKBOOK_NAME, xlwings_version=xlwings_bas_version(vba_dir),
        year=programme.year, examples=examples, seed_warnings=seed_warnings,
        interpreter_cells=conf_cells, situation_section=situation_lines(
            date_cell=SITUATION_CELL, situation=SITUATION_DATE,
            story=_story(programme, SITUATION_DATE), actions=len(programme.actions))),
        page_header(situation_label(programme.year)))  # static pages: the year, not a date

    workbook.add_vba_project(io.BytesIO(vba_bin), is_stream=True)
    workbook.set_custom_property(BUILD_PROPERTY, _PLACEHOLDER)
    workbook.close()
    return _stamped(buffer.getvalue())


@dataclass
class BuildResult:
    path: Path
    backup: Path | None  # the copy of the file replaced with --force
    unchanged: bool  # the file was already exactly this build


def build_workbook(output: str | Path | None = None, source_dir: str | Path | None = None, *,
                   force: bool = False) -> BuildResult:
    """Build the workbook and write it atomically (temp file beside it, then rename).

    An existing file is replaced only when it is still a build output, untouched since (see
    ``is_build_output``); anything else (a refreshed workbook, a file saved by Excel) is
    refused unless ``force``, and then backed up first like ``refresh`` does.
    """
    source = Path(source_dir) if source_dir else default_source_dir()
    if not (source / SEED_NAME).is_file():
        raise MotxlError(f"{source} ne contient pas {SEED_NAME} : indiquez le dossier des "
                         "sources du classeur (workbook/source).")
    target = Path(output) if output else default_output(source)
    if target.suffix.lower() != ".xlsm":
        raise MotxlError(f"{target.name} : le classeur à macros doit avoir l'extension .xlsm.")
    if not target.parent.is_dir():
        raise MotxlError(f"Dossier introuvable : {target.parent}.")
    refuse_if_open(target, "fermez-le puis relancez la construction.")
    data = build_workbook_bytes(source)
    backup = False
    if target.exists():
        if target.is_file() and target.read_bytes() == data:
            return BuildResult(target, None, unchanged=True)
        if not is_build_output(target):
            if not force:
                raise MotxlError(f"{target} n'est plus le classeur construit (actualisé ou "
                                 "modifié depuis) : motxl ne l'écrase pas ; écrivez ailleurs "
                                 "avec -o FICHIER, ou relancez avec --force (une sauvegarde "
                                 "sera faite dans .motxl-backup).")
            backup = True
    def write(temp: Path) -> None:
        temp.write_bytes(data)

    saved = save_workbook_atomically(target, write, backup=backup)
    return BuildResult(target, saved, unchanged=False)


# -- the build stamp ---------------------------------------------------------------------------

#: The custom document property that holds the digest of every other part of a built file.
BUILD_PROPERTY = "motxl-build"
CUSTOM_PART = "docProps/custom.xml"
_PLACEHOLDER = "0" * 64


def _digest(parts: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in parts:
        if name != CUSTOM_PART:
            digest.update(b"%s\0%d\0" % (name.encode("utf-8"), len(data)) + data)
    return digest.hexdigest()


def _stamped(data: bytes) -> bytes:
    """The built file with the placeholder of ``BUILD_PROPERTY`` replaced by the digest."""
    package = Package(io.BytesIO(data))
    parts = list(package.data.items())
    stamp = _digest(parts).encode("ascii")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info, (name, body) in zip(package.infos, parts):
            if name == CUSTOM_PART:
                body = body.replace(_PLACEHOLDER.encode("ascii"), stamp, 1)
            archive.writestr(info, body, compress_type=info.compress_type)
    return out.getvalue()


def is_build_output(path: Path) -> bool:
    """Whether ``path`` is a file ``build-workbook`` wrote and nothing changed since: its
    ``BUILD_PROPERTY`` equals the digest of its other parts (Excel, LibreOffice and ``refresh``
    all rewrite some part when they save, so their files never pass)."""
    try:
        parts = list(Package(path).data.items())
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, RuntimeError):
        return False
    custom = dict(parts).get(CUSTOM_PART)
    return custom is not None and read_custom_property(custom, BUILD_PROPERTY) == _digest(parts)
