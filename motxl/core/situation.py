"""The situation date ("Situation au 31/10/2023") and the monitoring flags computed against it.

Every figure that depends on time (late, due soon, not started) is "as of" one date, chosen by the
user, not the day a button was clicked. It comes, first found wins, from the ``--as-of`` option,
the workbook's ``DateSituation`` cell, or today. A date that cannot be read is a French error
(exit code 2), never a silent today.

Each action has several flags (each in its own Suivi column, for filtering) but one *state*, the
one its row is coloured with. The precedence, first match wins (``STATE_ORDER``):

1. ``abandoned``   status « Abandonné »
2. ``pending``     « (en attente) » in the label or status « En attente »: the action waits on
                   someone else, so its deadline is not what a reader must act on
3. ``late``        deadline before the situation date, neither done nor abandoned
4. ``over``        days or euros spent above those planned (done actions too)
5. ``done``        status « Réalisé »
6. ``due_soon``    deadline within ``DUE_SOON_DAYS`` days from the situation date, not done
7. ``not_started`` « À lancer » (or no status and nothing spent), deadline not passed
8. ``under_way``   anything else

The colours of the states live in ``motxl.presentation.palette`` (core knows no looks).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal, NamedTuple

from motxl.core.model import Action
from motxl.errors import MotxlError

Source = Literal["option", "workbook", "today"]
DUE_SOON_DAYS = 30
DONE, ABANDONED, TO_START = "Réalisé", "Abandonné", "À lancer"
STATE_ORDER = ("abandoned", "pending", "late", "over", "done", "due_soon", "not_started",
               "under_way")
#: What each state is called in the tabs.
STATE_LABELS = {"abandoned": "Abandonnée", "pending": "En attente", "late": "En retard",
                "over": "Dépassement", "done": "Réalisée", "due_soon": "Échéance proche",
                "not_started": "Non démarrée", "under_way": "En cours"}
NAME = "DateSituation"  # the workbook's defined name for the cell

_FRENCH = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?Z?)?\s*$")


class Situation(NamedTuple):
    date: dt.date
    source: Source

    @property
    def label(self) -> str:
        """'Situation au 31/10/2023'."""
        return f"Situation au {self.date:%d/%m/%Y}"


def parse_date(value: Any, where: str) -> dt.date:
    """31/10/2023, 2023-10-31, a date, or an Excel serial number → a date; MotxlError if not.

    ``where`` names the origin in the message ("l'option --as-of", "la cellule DateSituation").
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serials: 1900-01-01 … 9999-12-31
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    elif isinstance(value, str):
        for pattern, order in ((_FRENCH, (3, 2, 1)), (_ISO, (1, 2, 3))):
            match = pattern.match(value)
            if match:
                try:
                    return dt.date(*(int(match.group(i)) for i in order))
                except ValueError:
                    break
    shown = str(value).strip()[:40]
    raise MotxlError(f"Date de situation illisible dans {where} : « {shown} ». Écrivez-la "
                     "sous la forme 31/10/2023 (ou 2023-10-31).")


def resolve(option: Any = None, cell: Any = None, *, today: dt.date | None = None) -> Situation:
    """The situation date: the option, else the workbook's cell when filled, else today."""
    if option is not None and option != "":
        return Situation(parse_date(option, "l'option --as-of"), "option")
    if cell is not None and not (isinstance(cell, str) and not cell.strip()):
        return Situation(parse_date(cell, f"la cellule {NAME} du classeur"), "workbook")
    return Situation(today or dt.date.today(), "today")


class Flags(NamedTuple):
    late: bool
    due_soon: bool
    pending: bool
    over: bool
    not_started: bool
    state: str  # one of STATE_ORDER


def is_late(action: Action, as_of: dt.date) -> bool:
    """Deadline before the situation date, neither done nor abandoned."""
    return (action.deadline is not None and action.deadline < as_of
            and action.status not in (DONE, ABANDONED))


def flags(action: Action, as_of: dt.date) -> Flags:
    """The monitoring flags of an action at the situation date, and its one colour state."""
    closed = action.status in (DONE, ABANDONED)
    late = is_late(action, as_of)
    due_soon = (action.deadline is not None and not closed
                and as_of <= action.deadline <= as_of + dt.timedelta(days=DUE_SOON_DAYS))
    over = ((action.spent_actual or 0) > (action.budget_planned or 0)
            or (action.days_actual or 0) > (action.days_planned or 0))
    started = bool(action.days_actual or action.spent_actual)
    not_started = (not late and not closed
                   and (action.status == TO_START or (action.status is None and not started)))
    conditions = {"abandoned": action.status == ABANDONED, "pending": action.pending,
                  "late": late, "over": over, "done": action.status == DONE,
                  "due_soon": due_soon, "not_started": not_started}
    state = next((s for s in STATE_ORDER if conditions.get(s)), "under_way")
    return Flags(late=late, due_soon=due_soon, pending=action.pending, over=over,
                 not_started=not_started, state=state)
