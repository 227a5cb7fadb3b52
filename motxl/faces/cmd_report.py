"""``motxl report FILE --by DIMENSION -o DIR``: one report workbook per group, and an index."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from motxl.faces.options import add_as_of, add_format, add_programme_file

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

DIMENSION_HELP = "axe|objectif|financement|frontiere|responsable|statut (ou en anglais : " \
                 "axis, objective, funding, border, person, status)"


def _dimension(text: str) -> str:
    from motxl.faces.batch import dimension_key

    try:
        return dimension_key(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"regroupement inconnu « {text} » : choisissez "
                                         f"{DIMENSION_HELP}") from None


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"« {text} » : il faut un nombre entier de processus "
                                         "(1 ou plus)")
    return value


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "report", help="rapports : un classeur par axe, objectif, financement, frontière, "
                       "responsable ou statut, et un index")
    add_programme_file(parser)
    parser.add_argument("--by", dest="by", action="append", type=_dimension, required=True,
                        metavar="REGROUPEMENT",
                        help=f"{DIMENSION_HELP} ; répétez --by pour plusieurs jeux de rapports")
    parser.add_argument("-o", "--output", dest="output", required=True, metavar="DOSSIER",
                        help="dossier des rapports (créé s'il n'existe pas)")
    parser.add_argument("--pdf", action="store_true",
                        help="convertir aussi chaque rapport en PDF (LibreOffice requis)")
    parser.add_argument("--jobs", type=_jobs, default=1, metavar="N",
                        help="nombre de processus en parallèle (défaut : 1)")
    add_format(parser)
    add_as_of(parser)
    parser.set_defaults(run=run)


class _RichProgress:
    """A progress bar on stderr, only when stderr is a terminal."""

    def __init__(self, console) -> None:
        self.console = console
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def start(self, total: int, description: str) -> None:
        if not self.console.is_terminal or total <= 0:
            return
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn)

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=self.console, transient=True)
        self.bar.start()
        self.task = self.bar.add_task(description, total=total)

    def advance(self, result=None) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " s"


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from motxl.faces.batch import run_batch
    from motxl.faces.terminal import one_line
    from motxl.workbooks.reading import read_programme

    from motxl.workbooks.situation_cell import check_as_of, situation_of

    errors = Console(stderr=True, highlight=False)
    check_as_of(args.as_of)
    programme = read_programme(args.file, args.sheet, year=args.year)
    situation = situation_of(args.file, args.as_of, programme=programme)
    result = run_batch(programme, args.by, args.output, jobs=args.jobs, pdf=args.pdf,
                       progress=_RichProgress(errors), situation=situation)
    for line in result.failures:
        print(f"motxl : {one_line(line)}", file=sys.stderr)
    for line in result.warnings:
        print(f"motxl : attention, {one_line(line)}", file=sys.stderr)
    written = result.written
    summary = (f"{len(written)} rapport(s) écrit(s) dans {result.directory}"
               f"{' (+ ' + result.index + ')' if result.index else ''}"
               f"{f', {len(result.removed)} ancien(s) fichier(s) supprimé(s)' if result.removed else ''}"
               f" en {_seconds(result.seconds)}"
               f"{f' ; {len(result.failures)} échec(s)' if result.failures else ''}.")
    if args.format == "json":
        import json

        print(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
        print(one_line(summary), file=sys.stderr)
    else:
        _print_table(written)
        print(one_line(summary))
    return result.exit_code


def _print_table(written) -> None:
    from rich.console import Console
    from rich.table import Table

    from motxl.faces.terminal import plain
    from motxl.faces.text_output import _days, _euros

    if not written:
        return
    from rich import box

    table = Table(title="Rapports écrits", title_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False)
    table.add_column("Fichier", no_wrap=True)
    table.add_column("Groupe", min_width=10, overflow="fold")
    for name in ("Actions", "Jours prévus", "Budget prévu"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in written:
        f = r.figures
        table.add_row(r.file + (" + PDF" if r.pdf else ""), plain(r.title), str(f["actions"]),
                      _days(f["days_planned"]), _euros(f["budget_planned"]))
    Console(highlight=False).print(table)
