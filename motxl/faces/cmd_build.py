"""``motxl build-workbook [-o FICHIER]``: rebuild the macro-enabled workbook from its sources."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "build-workbook",
        help="reconstruire le classeur à macros (Programme2023.xlsm) à partir de ses sources")
    parser.add_argument("-o", "--output", metavar="FICHIER", default=None,
                        help="classeur .xlsm à écrire (défaut : workbook/Programme2023.xlsm)")
    parser.add_argument("--source", metavar="DOSSIER", default=None,
                        help="dossier des sources : programme-seed.txt et example-figures.tsv "
                             "(défaut : workbook/source)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import time

    from motxl.build.workbook import build_workbook

    start = time.perf_counter()
    path = build_workbook(args.output, args.source)
    elapsed = time.perf_counter() - start
    size = f"{path.stat().st_size:,}".replace(",", "\u202f")
    seconds = f"{elapsed:.1f}".replace(".", ",")
    print(f"Classeur construit : {path} ({size} octets, {seconds} s).")
    return 0
