"""The ``motxl`` command. Each sub-command is a thin call into the core or a face module.

argparse (standard library) parses, so that every usage error can be said in French on one line;
rich prints tables and progress.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Callable, Sequence

from motxl import __version__
from motxl.errors import MotxlError
from motxl.faces.terminal import one_line


def _say(message: str) -> None:
    print(f"motxl : {one_line(message)}", file=sys.stderr)


class FrenchParser(argparse.ArgumentParser):
    """Usage errors as one French line on stderr, exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"motxl : commande incorrecte ({_in_french(message)}). "
                     "Aide : motxl --help\n")


#: argparse's own messages (English, from its gettext catalogue) → French.
_ARGPARSE_FR = [
    (re.compile(r"the following arguments are required: (.*)"), r"il manque : \1"),
    (re.compile(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)"),
     r"\1 : « \2 » n'est pas prévu ; choix possibles : \3"),
    (re.compile(r"unrecognized arguments: (.*)"), r"arguments inconnus : \1"),
    (re.compile(r"argument (\S+): expected one argument"), r"\1 attend une valeur"),
    (re.compile(r"argument (\S+): invalid (\w+) value: '([^']*)'"),
     r"\1 : « \3 » n'est pas une valeur valide"),
    (re.compile(r"argument (\S+): (.*)"), r"\1 : \2"),  # our own type checks, already French
]


def _in_french(message: str) -> str:
    for pattern, french in _ARGPARSE_FR:
        if pattern.fullmatch(message):
            return pattern.sub(french, message)
    return message


def _add_file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FICHIER", help="classeur .xlsx ou .xlsm")
    parser.add_argument("--sheet", default=None, help="feuille du programme (défaut : Programme)")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(prog="motxl", description="Contrôle, synthèse et rapports du "
                          "programme de travail de la MOT.")
    parser.add_argument("--version", action="version", version=f"motxl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)
    commands.required = True

    validate = commands.add_parser("validate", help="contrôler la feuille du programme")
    _add_file(validate)
    validate.add_argument("--format", choices=("text", "json"), default="text")
    validate.set_defaults(run=_run_validate)

    for register in _EXTRA_COMMANDS:
        register(commands)
    return parser


def _run_validate(args: argparse.Namespace) -> int:
    from motxl.core.checks import validate
    from motxl.faces.text_output import print_report
    from motxl.workbooks.reading import read_programme

    programme = read_programme(args.file, args.sheet)
    report = validate(programme)
    if args.format == "json":
        print(json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return report.exit_code


#: Other modules add their sub-commands here (summary, refresh, report, build-workbook).
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = []


def _load_extra_commands() -> None:
    from motxl.faces import commands  # noqa: F401  (registers into _EXTRA_COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    _load_extra_commands()
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except MotxlError as exc:
        _say(exc.message)
        return exc.exit_code
    except KeyboardInterrupt:
        _say("interrompu ; le classeur n'a pas été modifié : relancez la commande.")
        return 130
    except MemoryError:
        _say("mémoire insuffisante pour ce classeur : fermez d'autres applications et "
             "relancez, ou allégez le classeur.")
        return 2
    except Exception as exc:  # a bug: still one French line, the traceback only on request
        if os.environ.get("MOTXL_DEBUG"):
            raise
        detail = " ".join(str(exc).split())[:160]
        _say(f"erreur inattendue ({type(exc).__name__}: {detail}) ; le classeur n'a pas été "
             "modifié. Relancez avec MOTXL_DEBUG=1 pour le détail et signalez-la.")
        return 2


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
