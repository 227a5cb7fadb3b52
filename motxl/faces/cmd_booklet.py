"""``motxl booklet FICHIER -o LIVRET.pdf``: one PDF for the general assembly."""

from __future__ import annotations

import argparse
from pathlib import Path

from motxl.faces.cmd_report import DIMENSION_HELP, _dimension
from motxl.faces.options import add_as_of, add_programme_file


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "booklet", help="livret PDF pour l'assemblée générale : couverture, sommaire, "
                        "Synthèse, puis une section par groupe (LibreOffice requis)")
    add_programme_file(parser)
    parser.add_argument("-o", "--output", required=True, metavar="FICHIER",
                        help="livret .pdf à écrire (remplacé s'il existe)")
    parser.add_argument("--by", dest="by", action="append", type=_dimension, default=None,
                        metavar="REGROUPEMENT",
                        help=f"{DIMENSION_HELP} (défaut : axis) ; répétez --by pour plusieurs "
                             "jeux de sections")
    add_as_of(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from motxl.errors import MotxlError
    from motxl.faces.batch import report_time
    from motxl.faces.reports.booklet import build_booklet
    from motxl.faces.reports.pdf import find_soffice
    from motxl.workbooks.reading import read_programme
    from motxl.workbooks.situation_cell import check_as_of, situation_of

    output = Path(args.output)
    if output.suffix.lower() != ".pdf":
        raise MotxlError(f"« {output.name} » : le livret est un fichier .pdf ; donnez par "
                         "exemple -o livret.pdf.")
    if not output.parent.is_dir():
        raise MotxlError(f"Le dossier {output.parent} n'existe pas : créez-le ou choisissez "
                         "un autre chemin (-o). Aucun fichier n'a été écrit.")
    soffice = find_soffice()
    if soffice is None:
        raise MotxlError("LibreOffice (soffice) est introuvable : il faut l'installer pour "
                         "imprimer le livret (ou indiquez son chemin dans MOTXL_SOFFICE). "
                         "Aucun fichier n'a été écrit.")
    check_as_of(args.as_of)
    programme = read_programme(args.file, args.sheet)
    situation = situation_of(args.file, args.as_of, programme=programme)
    dimensions = list(dict.fromkeys(args.by or ["axis"]))
    result = build_booklet(programme, dimensions, output, soffice=soffice, now=report_time(),
                           situation=situation.date)
    print(f"Livret écrit : {result.path} ({result.pages} pages, "
          f"{len(result.sections)} sections).")
    return 0
