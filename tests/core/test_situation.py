"""The situation date and the flags computed against it: at, just before and just after."""

import datetime as dt

import pytest

from motxl.core.model import Action
from motxl.core.situation import (DUE_SOON_DAYS, STATE_ORDER, flags, parse_date, resolve)
from motxl.errors import MotxlError

AS_OF = dt.date(2023, 10, 31)


def action(**fields) -> Action:
    base = {"row": 5, "code": "1.1", "axis": "1", "label": "A", "status": "En cours",
            "days_planned": 4, "budget_planned": 400, "days_actual": 1, "spent_actual": 100}
    base.update(fields)
    return Action(**base)


@pytest.mark.parametrize("deadline, late, due_soon", [
    (AS_OF - dt.timedelta(days=1), True, False),   # just before: late
    (AS_OF, False, True),                          # on the day: not late yet, due soon
    (AS_OF + dt.timedelta(days=1), False, True),   # just after
    (AS_OF + dt.timedelta(days=DUE_SOON_DAYS), False, True),
    (AS_OF + dt.timedelta(days=DUE_SOON_DAYS + 1), False, False),
])
def test_late_and_due_soon_around_the_situation_date(deadline, late, due_soon):
    f = flags(action(deadline=deadline), AS_OF)
    assert (f.late, f.due_soon) == (late, due_soon)
    assert f.state == ("late" if late else "due_soon" if due_soon else "under_way")


@pytest.mark.parametrize("status", ["Réalisé", "Abandonné"])
def test_closed_actions_are_never_late_nor_due(status):
    f = flags(action(deadline=AS_OF - dt.timedelta(days=100), status=status), AS_OF)
    assert not f.late and not f.due_soon and not f.not_started
    assert f.state == {"Réalisé": "done", "Abandonné": "abandoned"}[status]


def test_not_started_only_while_the_deadline_is_ahead():
    ahead = action(status="À lancer", days_actual=None, spent_actual=None,
                   deadline=AS_OF + dt.timedelta(days=60))
    behind = action(status="À lancer", days_actual=None, spent_actual=None,
                    deadline=AS_OF - dt.timedelta(days=1))
    assert flags(ahead, AS_OF).not_started and flags(ahead, AS_OF).state == "not_started"
    assert not flags(behind, AS_OF).not_started and flags(behind, AS_OF).state == "late"
    no_status = action(status=None, days_actual=None, spent_actual=None, deadline=None)
    assert flags(no_status, AS_OF).state == "not_started"


def test_precedence_one_state_per_action():
    late_pending = action(pending=True, deadline=AS_OF - dt.timedelta(days=3))
    f = flags(late_pending, AS_OF)
    assert f.late and f.pending and f.state == "pending"  # amber shows; late keeps its column
    over_done = action(status="Réalisé", spent_actual=500)
    assert flags(over_done, AS_OF).state == "over"
    late_over = action(spent_actual=999, deadline=AS_OF - dt.timedelta(days=1))
    assert flags(late_over, AS_OF).state == "late"
    assert flags(action(status="Abandonné", pending=True), AS_OF).state == "abandoned"
    assert STATE_ORDER.index("pending") < STATE_ORDER.index("late") < STATE_ORDER.index("done")


@pytest.mark.parametrize("text", ["31/10/2023", "2023-10-31", " 31/10/2023 ", "2023-10-31T00:00:00Z",
                                  dt.date(2023, 10, 31), dt.datetime(2023, 10, 31, 8), 45230])
def test_dates_read_in_every_form_users_give(text):
    assert parse_date(text, "x") == AS_OF


@pytest.mark.parametrize("text", ["31/13/2023", "demain", "10/31/2023x", "2023-02-30", True, ""])
def test_unreadable_dates_are_a_french_error(text):
    with pytest.raises(MotxlError, match="Date de situation illisible"):
        parse_date(text, "l'option --as-of")


def test_option_over_cell_over_today():
    today = dt.date(2026, 1, 5)
    assert resolve("2023-01-02", dt.date(2023, 5, 5), today=today).source == "option"
    assert resolve("2023-01-02", None, today=today).date == dt.date(2023, 1, 2)
    cell = resolve(None, dt.datetime(2023, 5, 5), today=today)
    assert (cell.date, cell.source) == (dt.date(2023, 5, 5), "workbook")
    for empty in (None, "", "  "):
        assert resolve(None, empty, today=today) == resolve(None, None, today=today)
        assert resolve(None, empty, today=today).source == "today"
    with pytest.raises(MotxlError, match="cellule DateSituation"):
        resolve(None, "bientôt", today=today)
