"""Options shared by the sub-commands: one place says how a programme file is named on the line.

Every command that reads a programme takes ``FICHIER`` and ``--sheet FEUILLE`` from here, so the
metavars and help texts are the same everywhere; options that every reading command gains later
(programme year, situation date) are added here once.
"""

from __future__ import annotations

import argparse


def add_programme_file(parser: argparse.ArgumentParser) -> None:
    """``FICHIER`` and ``--sheet FEUILLE``: the workbook and its programme sheet."""
    parser.add_argument("file", metavar="FICHIER", help="classeur .xlsx ou .xlsm")
    parser.add_argument("--sheet", default=None, metavar="FEUILLE",
                        help="feuille du programme (défaut : Programme)")
    parser.add_argument("--year", type=programme_year, default=None, metavar="AAAA",
                        help="année du programme (défaut : lue dans l'en-tête, un titre, le nom "
                             "de la feuille ou du fichier)")


def programme_year(text: str) -> int:
    """``--year``: a year of four digits, 2000 to 2099 (the years motxl reads in a sheet)."""
    if not (len(text) == 4 and text.isdigit() and text.startswith("20")):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une année (AAAA, par exemple "
                                         "2024)")
    return int(text)


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", metavar="FORMAT",
                        help="text (défaut) : tableaux lisibles ; json : pour un programme")


def add_as_of(parser: argparse.ArgumentParser) -> None:
    """``--as-of DATE``: the situation date, over the workbook's ``DateSituation`` cell."""
    parser.add_argument("--as-of", dest="as_of", default=None, metavar="DATE",
                        help="date de situation (31/10/2023 ou 2023-10-31) ; défaut : la "
                             "cellule DateSituation du classeur, sinon aujourd'hui")
