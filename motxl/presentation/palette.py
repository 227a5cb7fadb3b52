"""The one palette for statuses and flags, in every tab, chart and report.

    red    late, over budget (dépassement)     amber  pending (en attente), due soon
    green  done (réalisé)                       grey   abandoned
    blue   not started (à lancer)               none   under way (en cours)

Fundings get colours of their own (``FUNDING_COLOURS``), none of the status colours.

A state's colour comes in two tones: ``fill``/``text`` for cells (light fill, dark text, readable
when printed in black and white) and ``solid`` for chart bars and slices. Action states are
those of ``motxl.core.situation`` (their precedence is documented there); statuses are the
programme's « Statut » values, mapped to the state they mean.
"""

from __future__ import annotations

from dataclasses import dataclass

from motxl.core.model import STATUSES


@dataclass(frozen=True)
class Tone:
    fill: str  # cell background, 'RRGGBB'
    text: str  # cell text
    solid: str  # chart bars and slices


RED = Tone("FFC7CE", "9C0006", "C00000")
AMBER = Tone("FFEB9C", "9C5700", "FFC000")
GREEN = Tone("C6EFCE", "006100", "70AD47")
GREY = Tone("EDEDED", "595959", "A5A5A5")
BLUE = Tone("DDEBF7", "1F4E79", "5B9BD5")
NEUTRAL = Tone("FFFFFF", "000000", "00808A")  # teal in charts: not a status colour

#: Colour of each action state (motxl.core.situation.STATE_ORDER).
STATE_TONES: dict[str, Tone] = {
    "abandoned": GREY, "pending": AMBER, "late": RED, "over": RED, "done": GREEN,
    "due_soon": AMBER, "not_started": BLUE, "under_way": NEUTRAL,
}
#: Colour of each « Statut » value (charts and tables by status).
STATUS_TONES: dict[str, Tone] = {
    "À lancer": BLUE, "En cours": NEUTRAL, "Réalisé": GREEN, "En attente": AMBER,
    "Abandonné": GREY,
}
assert set(STATUS_TONES) == set(STATUSES)
#: Names of the conditional-format looks (spec.CONDITIONAL_STYLES) by tone.
TONE_NAMES = {"red": RED, "amber": AMBER, "green": GREEN, "grey": GREY, "blue": BLUE}


#: Fundings are not states: their colours are none of the above (a grey or green slice would
#: read as "abandoned" or "done").
FUNDING_COLOURS = {"Socle": "2F5597", "Sur-mesure": "7030A0", "Marché public": "843C0C",
                   "Non précisé": "C9A0DC"}


def funding_colour(funding: str) -> str:
    return FUNDING_COLOURS.get(funding, "C9A0DC")


def tone_name(tone: Tone) -> str:
    return next(name for name, t in TONE_NAMES.items() if t == tone)


def status_colour(status: str) -> str:
    """The solid colour of a status in charts (the neutral blue for unknown ones)."""
    return STATUS_TONES.get(status, NEUTRAL).solid
