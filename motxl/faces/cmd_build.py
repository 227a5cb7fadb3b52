"""``motxl build-workbook [-o FICHIER]``: rebuild the macro-enabled workbook from its sources."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "build-workbook",
        help="reconstruire le classeur à macros (Programme2023.xlsm) à partir de ses sources")
    parser.add_argument("-o", "--output", metavar="FICHIER", default=None,
                        help="classeur .xlsm à écrire (défaut : workbook/Programme2023.xlsm du "
                             "dépôt de motxl, jamais celui du dossier courant)")
    parser.add_argument("--source", metavar="DOSSIER", default=None,
                        help="dossier des sources : programme-seed.txt et example-figures.tsv "
                             "(défaut : workbook/source du dépôt de motxl)")
    parser.add_argument("--force", action="store_true",
                        help="remplacer le classeur même s'il a été actualisé ou modifié depuis "
                             "sa construction (une sauvegarde est faite dans .motxl-backup)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import time

    from motxl.build.workbook import build_workbook

    start = time.perf_counter()
    result = build_workbook(args.output, args.source, force=args.force)
    path = result.path
    if result.unchanged:
        print(f"Classeur déjà à jour : {path} (identique à la construction, non réécrit).")
        return 0
    elapsed = time.perf_counter() - start
    size = f"{path.stat().st_size:,}".replace(",", "\u202f")
    seconds = f"{elapsed:.1f}".replace(".", ",")
    backup = f" ; l'ancien est sauvegardé dans {result.backup}" if result.backup else ""
    print(f"Classeur construit : {path} ({size} octets, {seconds} s){backup}.")
    return 0
