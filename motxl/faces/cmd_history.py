"""``motxl history FICHIER``: the situations recorded in the workbook's Historique sheet."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from motxl.faces.options import add_format


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "history", help="historique des situations enregistrées à chaque actualisation",
        description="Affiche l'onglet Historique : à chaque actualisation, les actions, jours "
                    "et euros prévus et réalisés par axe et au total, par date de situation.")
    parser.add_argument("file", metavar="FICHIER", help="classeur .xlsx ou .xlsm")
    add_format(parser)
    parser.set_defaults(run=run)


def history_json(path: Path, history) -> dict:
    from motxl.core.history import FIGURES, HISTORIQUE

    situations: dict[dt.date, dict] = {}
    for entry in history.entries:
        row = entry.parsed
        if row is None:
            continue
        item = situations.setdefault(row.date, {"date": row.date.isoformat(), "refreshed": None,
                                                "axes": [], "totals": None})
        if row.refreshed is not None:
            item["refreshed"] = row.refreshed.isoformat(timespec="minutes")
        figures = {name: _plain(row.figures[name]) for name in FIGURES}
        if row.axis == "Total":
            item["totals"] = figures
        else:
            item["axes"].append({"code": row.axis, "label": row.label, **figures, "row": entry.row})
    return {"source": str(path), "sheet": HISTORIQUE, "found": history.found,
            "situations": [situations[d] for d in sorted(situations)],
            "unread_rows": [e.row for e in history.entries if e.parsed is None],
            "findings": [f._asdict() for f in history.findings]}


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


def run(args: argparse.Namespace) -> int:
    from motxl.workbooks.history import read_history
    from motxl.workbooks.preflight import check_workbook_file

    path = Path(args.file)
    check_workbook_file(path)
    history = read_history(path)
    if args.format == "json":
        import json

        print(json.dumps(history_json(path, history), ensure_ascii=False, indent=2))
        return 0
    from motxl.faces.compare_output import print_history

    print_history(path, history)
    return 0
