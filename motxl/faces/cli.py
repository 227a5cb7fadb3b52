"""The ``motxl`` command. Each sub-command is a thin call into the core or a face module.

argparse (standard library) parses, so that every usage error can be said in French on one line;
rich prints tables and progress.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Sequence

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


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(prog="motxl", description="Contrôle, synthèse et rapports du "
                          "programme de travail de la MOT.")
    parser.add_argument("--version", action="version", version=f"motxl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)
    commands.required = True

    for module in _command_modules():
        module.register(commands)
    return parser


def _command_modules() -> list:
    """The sub-commands, in the order a user meets them: one explicit list."""
    from motxl.faces import cmd_build, cmd_refresh, cmd_report, cmd_summary, cmd_validate
    from motxl.faces import cmd_compare, cmd_history

    return [cmd_validate, cmd_summary, cmd_refresh, cmd_report, cmd_build, cmd_compare,
            cmd_history]


def main(argv: Sequence[str] | None = None) -> int:
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
