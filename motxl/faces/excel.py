"""The workbook's buttons: what ``RunPython`` calls (motxl/vba/motxl.bas).

    RunPython "import motxl.faces.excel; motxl.faces.excel.validate()"          ' Valider
    RunPython "import motxl.faces.excel; motxl.faces.excel.refresh_summary()"   ' Actualiser…
    RunPython "import motxl.faces.excel; motxl.faces.excel.diagnose()"          ' Diagnostic
    RunPython "import motxl.faces.excel; motxl.faces.excel.compare_with(67,58,…)"  ' Comparer…

Each function takes the calling workbook with ``xw.Book.caller()`` (inside the function, never
at import), reads the programme sheet in one block and runs the same core as the command line
(parse, checks, roll-up, ``build_tabs``), then draws tabs through ``motxl.render.xlwings_live``
with screen updating off and a status-bar message. Whatever happens, the user gets a French
message box, never a traceback. Validate writes only the Contrôles tab and never a programme
cell; it selects the first error's cell. Refresh also records the situation in the Historique
tab (``motxl.core.history``).

*Comparer…* passes the file the user picked as the character codes of its path: digits and
commas cross every layer unchanged (VBA string, cmd.exe's command line with its quotes and
``%VAR%`` expansion, the ``|``-separated parameters of xlwings' AppleScript on macOS, Python),
where a quoted path would need escaping for each.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Callable

from motxl.errors import MotxlError

PROGRAMME_SHEET = "Programme"
TITLE = "motxl"
HELP = "Voir l'onglet « Mode d'emploi », ou cliquez sur « Diagnostic »."


def _now() -> dt.datetime:
    """The "Situation au …" time of the tabs (a function, so that tests can fix it)."""
    return dt.datetime.now()


class _Outcome:
    def __init__(self, message: str, mode: str = "info", deferred: list | None = None):
        self.message = message
        self.mode = mode
        self.deferred = deferred or []  # chart series for xlwings Lite (render_tab)


# -- entry points ------------------------------------------------------------------------------

def validate() -> None:
    """Button « Valider »: check the programme, write « Contrôles », select the first error."""
    _run("motxl : contrôle du programme en cours…", _validate)


def refresh_summary() -> None:
    """Button « Actualiser la synthèse »: rewrite « Synthèse », « Suivi » and « Contrôles »."""
    _run("motxl : actualisation de la synthèse en cours…", _refresh)


def diagnose() -> None:
    """Button « Diagnostic »: Python, motxl and xlwings versions, the workbook's path."""
    _run("motxl : diagnostic…", _diagnose, quiet=True)


def compare_with(*codes: int) -> None:
    """Button « Comparer… »: compare the file chosen in Excel's dialog (the earlier version,
    its path as character codes) with this workbook; write the « Comparaison » tab."""
    _run("motxl : comparaison en cours…", lambda book: _compare(book, path_from_codes(codes)))


def path_from_codes(codes) -> str:
    """The path VBA sent as ``AscW`` codes (UTF-16 code units, negative above 0x7FFF)."""
    units = [int(c) & 0xFFFF for c in codes]
    data = b"".join(unit.to_bytes(2, "little") for unit in units)
    return data.decode("utf-16-le", errors="replace")


# -- the run frame -----------------------------------------------------------------------------

def _caller_book():
    try:
        import xlwings as xw

        return xw.Book.caller()
    except Exception as exc:  # no Excel, or not started by RunPython
        print("motxl : ce bouton doit être lancé depuis le classeur ouvert dans Excel "
              f"(xlwings : {_short(exc)}). {HELP}", file=sys.stderr)
        raise SystemExit(1) from None


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "…"


def _run(status: str, work: Callable[[object], _Outcome], *, quiet: bool = False) -> None:
    """The button's frame around ``work`` for the book that called ``RunPython``."""
    run_on(_caller_book(), status, work, quiet=quiet)


def run_on(book, status: str, work: Callable[[object], _Outcome], *,
           quiet: bool = False) -> _Outcome:
    """Run ``work(book)`` with screen updating off and a status bar (where the engine has one);
    always end on a message. Also the frame of the xlwings Lite scripts (motxl.faces.lite)."""
    from motxl.render.xlwings_live import engine_of

    app = book.app
    status_bar = engine_of(book).status_bar
    try:
        if not quiet:
            app.screen_updating = False
            if status_bar:
                app.status_bar = status
        outcome = work(book)
    except MotxlError as exc:
        outcome = _Outcome(exc.message, "critical")
    except MemoryError:
        outcome = _Outcome("Mémoire insuffisante pour traiter ce classeur.", "critical")
    except Exception as exc:  # noqa: BLE001 - the user gets a message, never a traceback
        outcome = _Outcome(
            f"Erreur inattendue ({type(exc).__name__} : {_short(exc)}).\n\n"
            "Le classeur n'a peut-être été mis à jour qu'en partie : relancez le bouton. "
            "Si l'erreur revient, transmettez ce message avec celui de « Diagnostic ».",
            "critical")
    finally:
        try:
            if not quiet:
                app.screen_updating = True
            if status_bar:
                app.status_bar = False  # also clears the "Running..." xlwings shows on macOS
        except Exception:  # noqa: BLE001 - Excel gone: nothing left to restore
            pass
    try:
        app.alert(outcome.message, title=TITLE, mode=outcome.mode)
    except Exception as exc:  # noqa: BLE001 - last resort: xlwings shows stderr
        print(f"motxl : {outcome.message} (message non affiché : {_short(exc)})",
              file=sys.stderr)
        raise SystemExit(1) from None
    return outcome


# -- the work ----------------------------------------------------------------------------------

def _book_names(book) -> tuple[str, str]:
    """(full name, file name) of the workbook."""
    full = str(book.fullname)
    name = full.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or full
    return full, name


def _read(book, sheets):
    from motxl.core.parse import parse_programme
    from motxl.render.xlwings_live import read_grid

    sheet = sheets.get(PROGRAMME_SHEET)
    if sheet is None:
        raise MotxlError(f"Ce classeur n'a pas d'onglet « {PROGRAMME_SHEET} » : renommez "
                         "l'onglet du programme en « Programme ».")
    full, name = _book_names(book)
    programme = parse_programme(read_grid(sheet, PROGRAMME_SHEET, source=full))
    return sheet, programme, name


def _situation(book):
    """The situation date: the workbook's ``DateSituation`` cell when filled, else today (the
    same rule as the command line without --as-of); a cell holding no date stops the button
    with a French message."""
    from motxl.core.situation import NAME, resolve

    names = book.names
    value = names[NAME].refers_to_range.value if NAME in names else None
    return resolve(None, value, today=_now().date())


def _tabs(programme, report, name: str, book, rollup=None, history=None, situation=None):
    from motxl.core.rollup import roll_up
    from motxl.presentation import build_tabs

    situation = situation or _situation(book)
    rollup = rollup or roll_up(programme, situation.date)
    return {tab.name: tab for tab in build_tabs(programme, report, rollup,
                                                situation=situation, source_name=name,
                                                history=history)}


def _counts_text(report) -> str:
    counts = report.counts
    return (f"{counts['error']} erreur(s), {counts['warning']} avertissement(s), "
            f"{counts['info']} information(s)")


def _validate(book) -> _Outcome:
    from motxl.core.checks import validate as check
    from motxl.presentation import CONTROLES
    from motxl.render.xlwings_live import SheetFinder, render_tab

    sheets = SheetFinder(book)
    sheet, programme, name = _read(book, sheets)
    report = check(programme)
    tab = _tabs(programme, report, name, book)[CONTROLES]
    render_tab(sheets.get(CONTROLES, create=True), tab, engine=sheets.engine)
    first_error = next((f for f in report.findings if f.severity == "error"), None)
    sheet.activate()
    actions = f"{len(programme.actions)} actions contrôlées"
    if first_error is not None:
        sheet.range(first_error.cell).select()
        return _Outcome(
            f"Programme NON valide : {_counts_text(report)} ({actions}).\n\n"
            f"La première erreur est sélectionnée, cellule {first_error.cell} :\n"
            f"{first_error.message}\n\n"
            f"La liste complète est dans l'onglet « {CONTROLES} » : chaque cellule citée est "
            "un lien vers la ligne.", "critical")
    if report.counts["warning"]:
        return _Outcome(f"Programme valide : aucune erreur ({actions}).\n\n"
                        f"{report.counts['warning']} avertissement(s) et "
                        f"{report.counts['info']} information(s) : voir l'onglet "
                        f"« {CONTROLES} ».")
    return _Outcome(f"Programme valide : aucune erreur ni avertissement ({actions}).")


def _refresh(book) -> _Outcome:
    from motxl.core.checks import validate as check
    from motxl.presentation import CONTROLES, OWN_TABS, SYNTHESE
    from motxl.render.xlwings_live import SheetFinder, render_tab

    from motxl.core.rollup import roll_up

    sheets = SheetFinder(book)
    _, programme, name = _read(book, sheets)
    situation = _situation(book)
    rollup = roll_up(programme, situation.date)
    history = _history(sheets, rollup, programme.year, situation.date)
    report = history.with_findings(check(programme))
    tabs = _tabs(programme, report, name, book, rollup, history.situations(), situation)
    deferred = []
    for tab_name in OWN_TABS:
        deferred += render_tab(sheets.get(tab_name, create=True), tabs[tab_name],
                               engine=sheets.engine)
    deferred += render_tab(sheets.get(history.tab.name, create=True), history.tab,
                           engine=sheets.engine)
    sheets.get(SYNTHESE).activate()
    totals = _totals_text(programme)
    message = (f"Synthèse actualisée : {totals}.\n\nOnglets « {SYNTHESE} », « Suivi », "
               f"« {CONTROLES} » et « {history.tab.name} » mis à jour.")
    if history.findings:
        message += (f"\n\nL'onglet « {history.tab.name} » a {len(history.findings)} ligne(s) "
                    f"à vérifier : voir l'onglet « {CONTROLES} ».")
    if not report.valid:
        return _Outcome(message + f"\n\nAttention : le programme a {report.counts['error']} "
                        "erreur(s) ; les montants illisibles ne sont pas comptés. Cliquez sur "
                        "« Valider » pour les voir.", "critical", deferred)
    return _Outcome(message, deferred=deferred)


def _history(sheets, rollup, year, date):
    """The Historique sheet as read from the open workbook, with this situation added."""
    from motxl.core.history import HISTORIQUE, parse_history
    from motxl.render.xlwings_live import read_grid
    from motxl.presentation.history import update_history

    sheet = sheets.get(HISTORIQUE)
    rows: list[list] = []
    if sheet is not None:
        grid = read_grid(sheet, HISTORIQUE)
        rows = [[] for _ in range(grid.first_row - 1)]
        rows += [[None] * (grid.first_col - 1) + list(r) for r in grid.rows]
    return update_history(parse_history(rows, found=sheet is not None), rollup, _now(), year,
                          date)


def _compare(book, other: str) -> _Outcome:
    from pathlib import Path

    from motxl.core.compare import compare
    from motxl.presentation.comparaison import COMPARAISON, STATUS_FR, comparaison_tab
    from motxl.render.xlwings_live import SheetFinder, render_tab
    from motxl.workbooks.reading import read_programme

    sheets = SheetFinder(book)
    _, programme, name = _read(book, sheets)
    older = read_programme(Path(other))
    changes = compare(older, programme)
    render_tab(sheets.get(COMPARAISON, create=True), comparaison_tab(changes, now=_now()),
               engine=sheets.engine)
    sheets.get(COMPARAISON).activate()
    counts = changes.counts
    listed = ", ".join(f"{counts[s]} {STATUS_FR[s].lower()}" for s in STATUS_FR)
    other_name = other.replace("\\", "/").rsplit("/", 1)[-1]
    return _Outcome(f"Comparaison de « {name} » avec « {other_name} » (ancienne version) :\n"
                    f"{listed}.\n\nDétail dans l'onglet « {COMPARAISON} ».")


def _totals_text(programme) -> str:
    def number(value: float, decimals: int = 0) -> str:
        text = f"{value:,.{decimals}f}"
        return text.replace(",", "\u202f").replace(".", ",")

    days = sum(a.days_planned or 0 for a in programme.actions)
    euros = sum(a.budget_planned or 0 for a in programme.actions)
    return (f"{len(programme.actions)} actions, {number(days, 1)} jours et {number(euros)} € "
            "prévus")


def _diagnose(book) -> _Outcome:
    import platform
    from pathlib import Path

    import xlwings

    import motxl
    from motxl.render.xlwings_live import engine_of

    full, _ = _book_names(book)
    location = Path(motxl.__file__).resolve().parent
    if engine_of(book).name == "remote":  # xlwings Lite: no macros, no local Python
        return _Outcome("\n".join([
            f"Python : {platform.python_version()} ({sys.platform}, dans xlwings Lite)",
            f"motxl : {motxl.__version__}",
            f"xlwings : {xlwings.__version__}",
            f"Classeur : {full}",
        ]))
    from motxl.build.workbook import xlwings_bas_version  # not on xlwings Lite's path

    try:
        expected = xlwings_bas_version()
    except (OSError, MotxlError):
        expected = "inconnue"
    lines = [
        f"Python : {sys.executable} (version {platform.python_version()})",
        f"motxl : {motxl.__version__} ({location})",
        f"xlwings : {xlwings.__version__} (attendue par les macros : {expected})",
        f"Classeur : {full}",
    ]
    mode = "info"
    if expected != "inconnue" and xlwings.__version__ != expected:
        lines.append(f"\nLa version de xlwings diffère de celle des macros : installez-la avec "
                     f"« python -m pip install xlwings=={expected} ».")
        mode = "critical"
    return _Outcome("\n".join(lines), mode)


#: The work behind each button, for other faces (xlwings Lite: motxl.faces.lite):
#: name → (status-bar text, work, quiet).
BUTTON_WORK: dict[str, tuple[str, Callable[[object], _Outcome], bool]] = {
    "validate": ("motxl : contrôle du programme en cours…", _validate, False),
    "refresh_summary": ("motxl : actualisation de la synthèse en cours…", _refresh, False),
    "diagnose": ("motxl : diagnostic…", _diagnose, True),
}
