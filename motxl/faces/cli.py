"""The ``motxl`` command. Each sub-command is a thin call into the core or a face module.

argparse (standard library) parses, so that every usage error can be said in French on one line;
rich prints tables and progress.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from typing import Sequence

from motxl import __version__
from motxl.errors import MotxlError
from motxl.faces.terminal import one_line


def _say(message: str) -> None:
    print(f"motxl : {one_line(message)}", file=sys.stderr)


class FrenchHelpFormatter(argparse.HelpFormatter):
    """argparse's help layout with French words: « Utilisation : », « Options : »."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="Utilisation : " if prefix is None
                          else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(f"{heading} " if heading else heading)  # French « Titre : »


class FrenchParser(argparse.ArgumentParser):
    """French help (-h, --help), and usage errors as one French line on stderr, exit code 2,
    pointing to the help of the command that was typed."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "Arguments"
        self._optionals.title = "Options"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="afficher cette aide et quitter")

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"motxl : commande incorrecte ({_in_french(message)}). "
                     f"Aide : {self.prog} --help\n")


#: argparse's own messages (English, from its gettext catalogue) → French.
_ARGPARSE_FR = [
    (re.compile(r"the following arguments are required: (.*)"), r"il manque : \1"),
    (re.compile(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)"),
     r"\1 : « \2 » n'est pas prévu ; choix possibles : \3"),
    (re.compile(r"unrecognized arguments: (.*)"), r"arguments inconnus : \1"),
    (re.compile(r"argument (\S+): expected one argument"), r"\1 attend une valeur"),
    (re.compile(r"ambiguous option: (\S+) could match (.*)"),
     r"option ambiguë \1 : elle peut désigner \2"),
    (re.compile(r"argument (\S+): ignored explicit argument '([^']*)'"),
     r"\1 ne prend pas de valeur (« \2 » ignoré)"),
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
                          "programme de travail de la MOT.",
                          epilog="Aide d'une sous-commande : motxl SOUS-COMMANDE --help")
    parser.add_argument("--version", action="version", version=f"motxl {__version__}",
                        help="afficher la version de motxl et quitter")
    commands = parser.add_subparsers(dest="command", metavar="SOUS-COMMANDE",
                                     title="Sous-commandes", parser_class=FrenchParser)
    commands.required = True

    for module in _command_modules():
        module.register(commands)
    for choice in commands._choices_actions:  # each sub-command's help opens with its summary
        sub = commands.choices[choice.dest]
        if sub.description is None and choice.help:
            sub.description = choice.help[0].upper() + choice.help[1:] + "."
    return parser


def _sub_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._subparsers._group_actions if parser._subparsers else ():
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            return action.choices[name]
    return parser


def _command_modules() -> list:
    """The sub-commands, in the order a user meets them: one explicit list."""
    from motxl.faces import cmd_build, cmd_refresh, cmd_report, cmd_summary, cmd_validate
    from motxl.faces import cmd_booklet, cmd_compare, cmd_history

    return [cmd_validate, cmd_summary, cmd_refresh, cmd_report, cmd_booklet, cmd_compare,
            cmd_history, cmd_build]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extras = parser.parse_known_args(argv)
    if extras:  # said by the sub-command, so that the message points to its own help
        _sub_parser(parser, args.command).error(f"unrecognized arguments: {' '.join(extras)}")
    collecting = gc.isenabled()
    if getattr(args, "read_only", False):
        # A command that reads, computes and prints makes no cyclic garbage worth collecting,
        # and the collector, let run again while a large programme is alive, would pass over
        # every object of it (0.3 s at 100,000 actions). Reference counting still frees; the
        # collector is back once the command's objects are gone.
        gc.disable()
    try:
        return _run(args)
    finally:
        if collecting:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    try:
        return args.run(args)
    except MotxlError as exc:
        _say(exc.message)
        return exc.exit_code
    except BrokenPipeError:  # the reader went away (`motxl summary … | head`): nothing to say
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (Python flushes it at exit)
        return 0
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
    from motxl.faces import ending

    ending.process_ends_with_command()
    ending.end_process(main())


if __name__ == "__main__":
    entry_point()
