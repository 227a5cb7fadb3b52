"""``motxl refresh FILE``: write the Synthèse, Suivi and Contrôles tabs into the workbook."""

from __future__ import annotations

import argparse

from motxl.faces.options import add_as_of, add_programme_file


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("refresh", help="écrire les onglets Synthèse, Suivi et "
                                 "Contrôles dans le classeur")
    add_programme_file(parser)
    parser.add_argument("-o", "--output", metavar="FICHIER", default=None,
                        help="écrire dans ce fichier au lieu de modifier FICHIER")
    add_as_of(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from motxl.workbooks.refresh import refresh_file

    result = refresh_file(args.file, sheet=args.sheet, output=args.output, year=args.year,
                          as_of=args.as_of)
    print(summary_line(result))
    return 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def summary_line(result) -> str:
    """One French line: what was written where, the backup, the findings."""
    tabs = ", ".join(result.sheets[:-1]) + f" et {result.sheets[-1]}" if len(result.sheets) > 1 \
        else "".join(result.sheets)
    backup = f" (sauvegarde : {result.backup})" if result.backup else ""
    counts = result.counts
    findings = ", ".join([_plural(counts.get("error", 0), "erreur"),
                          _plural(counts.get("warning", 0), "avertissement"),
                          _plural(counts.get("info", 0), "information")])
    return (f"Onglets {tabs} écrits dans {result.path}{backup} : "
            f"{_plural(result.actions, 'action')}, {findings}.")
