"""``motxl summary FILE``: the roll-up, as a text table or JSON."""

from __future__ import annotations

import argparse

from motxl.faces.options import add_format, add_programme_file
import json


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("summary", help="synthèse : actions, jours et euros par niveau")
    add_programme_file(parser)
    add_format(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from motxl.core.rollup import roll_up
    from motxl.workbooks.reading import read_programme

    programme = read_programme(args.file, args.sheet, year=args.year)
    rollup = roll_up(programme)
    if args.format == "json":
        data = rollup.to_json_dict()
        # where the year comes from: option, header, title, sheet, file or none
        data.update(year=programme.year, year_source=programme.year_source)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        from motxl.faces.text_output import print_rollup

        print_rollup(rollup)
    return 0
