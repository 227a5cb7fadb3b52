"""Text helpers shared by the parser and the checks: header keys, markup, tags."""

from __future__ import annotations

import re
from functools import lru_cache
import unicodedata

_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
# A border tag stands before " / ": FR-DE, FR-IT-MC, OM... (uppercase country codes).
_BORDER = re.compile(r"(?<![\w-])((?:FR(?:-[A-Z]{2,3})+)|OM)\s*/")
_INSTITUTION = re.compile(r"(?<![\w-])(PE|CE|CoR)\s+/")
_PENDING = re.compile(r"\(\s*en attente\s*\)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case, accents removed, only letters and digits kept: 'Budget prévu (€)' → 'budgetprevu'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).lower()


def has_markup(label: str) -> bool:
    return bool(_MARKUP.search(label))


def strip_markup(label: str) -> str:
    """'<i>Marché public - X</i>' → 'Marché public - X'."""
    return _MARKUP.sub("", label).strip()


def _tags(pattern: re.Pattern, label: str) -> list[str]:
    """The pattern's first group, in order of appearance, without duplicates."""
    if "/" not in label:  # every tag ends with " /": most labels have none
        return []
    return list(dict.fromkeys(match.group(1) for match in pattern.finditer(label)))


def border_tags(label: str) -> list[str]:
    """'FR-DE / ...' → ['FR-DE']; also 'FR-IT-MC /', 'OM /'."""
    return _tags(_BORDER, label)


def institution_tags(label: str) -> list[str]:
    """'PE / ...' → ['PE']; also 'CE /', 'CoR /'."""
    return _tags(_INSTITUTION, label)


def is_pending_label(label: str) -> bool:
    return bool(_PENDING.search(label))


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


#: Country codes of the border tags, for their full names (ISO 3166 alpha-2, plus the tags the
#: programme uses). "FR-IT-MC" → "France – Italie – Monaco"; "OM" is the overseas territories.
COUNTRY_NAMES = {
    "FR": "France", "AD": "Andorre", "BE": "Belgique", "BR": "Brésil", "CH": "Suisse",
    "DE": "Allemagne", "ES": "Espagne", "GB": "Royaume-Uni", "UK": "Royaume-Uni",
    "IT": "Italie", "LU": "Luxembourg", "MC": "Monaco", "NL": "Pays-Bas", "SR": "Suriname",
}
SPECIAL_BORDERS = {"OM": "Outre-mer"}
_FUNDING_TAG = re.compile(r"^\s*\[(?:SOCLE|SUR-MESURE)\]\s*", re.IGNORECASE)


def border_name(tag: str) -> str:
    """'FR-BE' → 'France – Belgique'; unknown codes stay as they are."""
    if tag in SPECIAL_BORDERS:
        return SPECIAL_BORDERS[tag]
    return " – ".join(COUNTRY_NAMES.get(part, part) for part in tag.split("-"))


def without_funding_tag(label: str) -> str:
    """'[SOCLE] AXE 1 - …' → 'AXE 1 - …', for tables that show the funding in its own column."""
    return _FUNDING_TAG.sub("", label, count=1)


@lru_cache(maxsize=4096)  # a few dozen people, met on every action row
def person_key(name: str) -> str:
    """What two spellings of one person share: 'M. Dupont', 'm. dupont ', 'M.\xa0Dupont'."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())
