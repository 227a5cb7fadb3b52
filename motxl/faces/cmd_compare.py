"""``motxl compare ANCIEN NOUVEAU``: what changed between two versions of the programme."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from motxl.errors import MotxlError
from motxl.faces.options import add_format


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "compare", help="comparer deux versions du programme, action par action",
        description="Rapproche les actions de deux versions du programme (même année ou deux "
                    "années) et dit, pour chacune : inchangée, modifiée, déplacée, reformulée, "
                    "ajoutée ou supprimée ; avec les écarts par axe et par financement.")
    parser.add_argument("old", metavar="ANCIEN", help="classeur de l'ancienne version")
    parser.add_argument("new", metavar="NOUVEAU", help="classeur de la nouvelle version")
    parser.add_argument("--sheet-old", default=None, metavar="FEUILLE",
                        help="feuille du programme dans ANCIEN (défaut : Programme)")
    parser.add_argument("--sheet-new", default=None, metavar="FEUILLE",
                        help="feuille du programme dans NOUVEAU (défaut : Programme)")
    parser.add_argument("-o", "--output", metavar="FICHIER", default=None,
                        help="écrire aussi la comparaison dans ce classeur .xlsx (onglet "
                             "« Comparaison »)")
    add_format(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from motxl.core.compare import compare
    from motxl.workbooks.reading import read_programme

    output = Path(args.output) if args.output else None
    if output is not None:
        _check_output(output, [Path(args.old), Path(args.new)])
    changes = compare(read_programme(args.old, args.sheet_old),
                      read_programme(args.new, args.sheet_new))
    if output is not None:
        write_comparison(changes, output)
    if args.format == "json":
        import json

        print(json.dumps(changes.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        from motxl.faces.compare_output import print_changes

        print_changes(changes)
        if output is not None:
            print(f"Comparaison écrite dans {output}.")
    return 0


def _check_output(output: Path, inputs: list[Path]) -> None:
    if output.suffix.lower() != ".xlsx":
        raise MotxlError(f"{output.name} : la comparaison s'écrit dans un classeur .xlsx ; "
                         "changez le nom donné à -o.")
    for path in inputs:
        try:
            same = output.exists() and path.exists() and output.samefile(path)
        except OSError:
            same = False
        if same:
            raise MotxlError(f"-o {output.name} est l'une des versions comparées : choisissez "
                             "un autre nom de fichier.")


def write_comparison(changes, output: Path, now: dt.datetime | None = None) -> None:
    """The Comparaison tab in a new .xlsx, saved atomically (no half-written file)."""
    from motxl.presentation.comparaison import comparaison_tab
    from motxl.render.xlsxwriter_file import render_workbook
    from motxl.workbooks.saving import save_workbook_atomically

    now = (now or dt.datetime.now()).replace(second=0, microsecond=0)
    tab = comparaison_tab(changes, now=now)

    def write(temp: Path) -> None:
        render_workbook(temp, [tab], created=now,
                        properties={"title": "Comparaison de deux versions"})

    save_workbook_atomically(output, write, backup=False)
