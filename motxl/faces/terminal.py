"""What the terminal is sent: text from a workbook can neither break the line nor drive it.

A label may hold ESC sequences (clear screen, window title, OSC 8 links), line breaks,
bidirectional overrides or rich markup (``[bold]``): all are shown as plain characters.
"""

from __future__ import annotations

import re

#: Control characters, line and paragraph separators, bidirectional overrides.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(text: object) -> str:
    """``text`` as one printable line."""
    return _UNPRINTABLE.sub(" ", str(text))


def plain(text: object):
    """A rich ``Text`` of ``one_line(text)``: printed as is, never read as markup."""
    from rich.text import Text

    return Text(one_line(text))
