"""Write ``example-figures.tsv``: ILLUSTRATIVE planning figures for the seed's actions.

The figures are fictional: persons, days, euros, statuses and deadlines are invented so that a
refresh of the workbook shows a meaningful summary. They are examples for the finance staff to
replace, and the workbook says so (note row above the header, "Mode d'emploi" sheet).

Run once; the TSV is committed and the workbook build reads it (``motxl build-workbook``):

    python workbook/source/make_example_figures.py            # rewrites example-figures.tsv
    python workbook/source/make_example_figures.py --stdout   # prints it instead

Deterministic: every choice comes from a SHA-256 hash of the sheet row and a salt, so the output
is the same on every machine and Python version. Only ACTION rows get figures (never heading or
blank rows); motxl's own parser tells which rows are actions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parents[1]) not in sys.path:  # run from a checkout where motxl is not installed
    sys.path.insert(0, str(HERE.parents[1]))

from motxl.core.grid import Grid  # noqa: E402
from motxl.core.headers import HEADER_TEXT  # noqa: E402
from motxl.core.parse import parse_programme  # noqa: E402
from motxl.workbooks.writing import seed_rows  # noqa: E402

SEED = HERE / "programme-seed.txt"
OUTPUT = HERE / "example-figures.tsv"

#: Fictional staff (any resemblance to real persons is accidental).
PEOPLE = ("Claire Dubois", "Julien Moreau", "Sophie Lambert", "Thomas Girard",
          "Élodie Marchand", "Nicolas Fabre", "Camille Roussel")
FIELDS = ("person", "funding", "days_planned", "budget_planned", "days_actual", "spent_actual",
          "status", "deadline", "comment")
COLUMNS = ("Ligne", *(HEADER_TEXT[f] for f in FIELDS))
DAY_RATE = 600  # € per planned day (illustrative)
CONTRACT_DAY_RATE = 900  # € per day for "Marché public" contracts (illustrative)
PLACEHOLDERS = ("bons-à-tirer", "autres missions à déterminer")
OVERSPENT_COMMENT = ("Exemple volontaire de dépassement (jours réalisés > jours prévus) : "
                     "Valider le signale.")


def draw(row: int, salt: str, n: int) -> int:
    """A deterministic integer in [0, n) for this row and purpose."""
    digest = hashlib.sha256(f"{row}/{salt}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n


def date_in(row: int, salt: str, first_month: int, last_month: int) -> dt.date:
    month = first_month + draw(row, salt + "/m", last_month - first_month + 1)
    return dt.date(2023, month, 1 + draw(row, salt + "/d", 28))


def figures_for(action) -> dict:
    row = action.row
    label = action.label.casefold()
    placeholder = label.startswith(PLACEHOLDERS)
    contract = action.funding == "Marché public"
    days = (20, 25, 30, 35, 40)[draw(row, "days", 5)] if contract else \
        (2, 3, 4, 5, 6, 8, 10, 12, 15, 20)[draw(row, "days", 10)]
    budget = days * (CONTRACT_DAY_RATE if contract else DAY_RATE)
    if action.pending:
        status = "En attente"
    elif placeholder:
        status = "À lancer"
    else:
        pick = draw(row, "status", 20)
        status = ("Réalisé" if pick < 6 else "En cours" if pick < 14 else
                  "À lancer" if pick < 19 else "Abandonné")
    # The story at the workbook's situation date (motxl.build.workbook.SITUATION_DATE,
    # 31/10/2023, told in "Mode d'emploi"): done actions were due before it; most
    # actions under way are due in November or December, one in six was due earlier (late);
    # actions to launch are due in December, one in eight was due in September (late).
    late = draw(row, "late", 6 if status == "En cours" else 8) == 0
    deadline = {"Réalisé": date_in(row, "deadline", 2, 10),
                "En cours": date_in(row, "deadline", *((8, 10) if late else (11, 12))),
                "À lancer": date_in(row, "deadline", *((9, 9) if late else (12, 12))),
                "En attente": dt.date(2023, 12, 31),
                "Abandonné": date_in(row, "deadline", 3, 9)}[status]
    days_actual = spent = None
    comment = ""
    if status == "Réalisé":
        days_actual = days - draw(row, "actual", 2) * (1 if days > 2 else 0)
        spent = round(budget * (90 + draw(row, "spent", 11)) / 100, -2)
    elif status == "En cours" and draw(row, "started", 4):
        share = (30 + draw(row, "share", 41)) / 100
        days_actual = round(days * share * 2) / 2
        spent = round(budget * share, -2)
    elif status == "Abandonné":
        comment = "Reporté au programme 2024."
    elif status == "En attente":
        comment = "En attente de confirmation du financement."
    return {"person": "" if placeholder else PEOPLE[draw(row, "person", len(PEOPLE))],
            "funding": action.funding or "", "days_planned": days, "budget_planned": budget,
            "days_actual": days_actual, "spent_actual": spent, "status": status,
            "deadline": deadline, "comment": comment}


def example_figures(seed_text: str) -> dict[int, dict]:
    """Sheet row → figures, for every action of the seed."""
    programme = parse_programme(Grid("Programme", seed_rows(seed_text)))
    figures = {action.row: figures_for(action) for action in programme.actions}
    # One deliberate warning, named in the workbook's "Mode d'emploi": the first finished
    # action of axis 2 spent two days more than planned.
    overspent = next(a.row for a in programme.actions
                     if a.axis == "2" and figures[a.row]["status"] == "Réalisé")
    figures[overspent]["days_actual"] = figures[overspent]["days_planned"] + 2
    figures[overspent]["comment"] = OVERSPENT_COMMENT
    return figures


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_tsv(figures: dict[int, dict]) -> str:
    lines = ["\t".join(COLUMNS)]
    for row in sorted(figures):
        lines.append("\t".join([str(row), *(_text(figures[row][f]) for f in FIELDS)]))
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render_tsv(example_figures(SEED.read_text(encoding="utf-8")))
    if "--stdout" in argv:
        sys.stdout.write(text)
    else:
        OUTPUT.write_text(text, encoding="utf-8", newline="\n")
        print(f"{OUTPUT} : {text.count(chr(10)) - 1} lignes d'exemple écrites.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
