"""Report file names: ASCII, safe on Windows, macOS and Linux, capped, distinct."""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable



MAX_STEM = 80



# --------------------------------------------------------------------------------------------
# File names

_TRANSLIT = str.maketrans({"œ": "oe", "Œ": "Oe", "æ": "ae", "Æ": "Ae", "ß": "ss", "ø": "o",
                           "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th",
                           "Þ": "Th", "ð": "d", "Ð": "D", "ı": "i", "€": "EUR"})
_NOT_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EDGES = "-._"
#: What every name motxl gives a report matches (before its extension).
SAFE_STEM = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$")
WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                              *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))})


def _cap(stem: str, length: int) -> str:
    return stem[:length].rstrip(_EDGES)


def _collapse(stem: str) -> str:
    stem = re.sub(r"-{2,}", "-", stem)
    stem = re.sub(r"[-._]*\.[-._]*", lambda m: "." if m.group(0).count(".") else m.group(0),
                  stem)
    return stem


def safe_stem(text: str, max_len: int = MAX_STEM) -> str:
    """A file name (without extension) safe on Windows, macOS and Linux.

    Accents become plain letters, every other character outside ``A-Z a-z 0-9 . _ -`` becomes
    ``-``; no leading or trailing dot, dash or space; at most ``max_len`` characters; Windows'
    reserved device names (CON, NUL, COM1...) get a trailing ``_``.
    """
    text = unicodedata.normalize("NFKD", str(text).translate(_TRANSLIT))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.encode("ascii", "ignore").decode("ascii")
    stem = _collapse(_NOT_SAFE.sub("-", text)).strip(_EDGES)
    stem = _cap(stem, max_len) or "Sans-nom"
    base = stem.split(".", 1)[0]
    if base.upper() in WINDOWS_RESERVED:  # 'CON' → 'CON_', 'nul.txt' → 'nul_.txt'
        if len(base) >= max_len:
            base = base[:max(max_len - 1, 1)]
        stem = (base + "_" + stem[len(base):])[:max_len].rstrip("-.")
    return stem


def unique_stems(texts: Iterable[str], max_len: int = MAX_STEM,
                 taken: Iterable[str] = ()) -> list[str]:
    """Safe stems, distinct even on case-insensitive file systems: repeats get -2, -3...
    in the order given (so the same groups always get the same names)."""
    used = {t.casefold() for t in taken}
    stems = []
    for text in texts:
        stem = safe_stem(text, max_len)
        candidate, n = stem, 2
        while candidate.casefold() in used:
            suffix = f"-{n}"
            candidate = (_cap(stem, max_len - len(suffix)) or "Sans-nom") + suffix
            n += 1
        used.add(candidate.casefold())
        stems.append(candidate)
    return stems
