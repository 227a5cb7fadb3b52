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


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", metavar="FORMAT",
                        help="text (défaut) : tableaux lisibles ; json : pour un programme")
