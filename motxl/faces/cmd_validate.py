"""``motxl validate FILE``: the findings of the checks, as text or JSON."""

from __future__ import annotations

import argparse

from motxl.faces.options import add_as_of, add_format, add_programme_file


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("validate", help="contrôler la feuille du programme")
    add_programme_file(parser)
    add_format(parser)
    add_as_of(parser)
    parser.set_defaults(run=run, read_only=True)


def run(args: argparse.Namespace) -> int:
    from motxl.core.checks import validate
    from motxl.faces.ending import keep_until_exit
    from motxl.workbooks.reading import read_programme

    from motxl.workbooks.situation_cell import check_as_of

    check_as_of(args.as_of)  # the checks need no date, but a wrong one is still refused
    programme = read_programme(args.file, args.sheet, year=args.year)
    report = validate(programme)
    keep_until_exit(programme, report)  # not freed one by one if the process ends here
    if args.format == "json":
        from motxl.faces.json_output import dumps

        print(dumps("validate", report.to_json_dict()))
    else:
        from motxl.faces.text_output import print_report

        print_report(report)
    return report.exit_code
