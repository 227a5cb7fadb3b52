"""``motxl summary FILE``: the roll-up, as a text table or JSON."""

from __future__ import annotations

import argparse

from motxl.faces.options import add_as_of, add_format, add_programme_file


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("summary", help="synthèse : actions, jours et euros par niveau")
    add_programme_file(parser)
    add_format(parser)
    add_as_of(parser)
    parser.set_defaults(run=run, read_only=True)


def run(args: argparse.Namespace) -> int:
    from motxl.core.rollup import roll_up
    from motxl.faces.ending import keep_until_exit
    from motxl.workbooks.reading import read_programme
    from motxl.workbooks.situation_cell import check_as_of, situation_of

    check_as_of(args.as_of)
    programme = read_programme(args.file, args.sheet, year=args.year)
    situation = situation_of(args.file, args.as_of, programme=programme)
    rollup = roll_up(programme, situation.date)
    keep_until_exit(programme, rollup)  # not freed one by one if the process ends here
    if args.format == "json":
        figures = rollup.to_json_dict()
        data = {"source": figures.pop("source"), "sheet": figures.pop("sheet"),
                # where the year comes from: option, header, title, sheet, file or none
                "year": programme.year, "year_source": programme.year_source,
                "as_of": situation.date.isoformat(), "as_of_source": situation.source,
                **figures}
        from motxl.faces.json_output import dumps

        print(dumps("summary", data))
    else:
        from motxl.faces.text_output import print_rollup

        print_rollup(rollup, situation=situation)
    return 0
