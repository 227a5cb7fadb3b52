"""``--format json``: the documents printed with the standard library, checked in the tests.

Their shapes are the pydantic models of ``json_models`` (the published contract, with its JSON
Schemas). Printing does not import pydantic (0.3 s alone); with MOTXL_CHECK_JSON=1, as in the
test suite, every printed document is checked against its model before it is printed.
"""

from __future__ import annotations

import json
import os
from typing import Any


def dumps(kind: str, data: dict[str, Any]) -> str:
    """``data`` as indented UTF-8 JSON: a document of ``kind`` (see ``json_models``)."""
    try:
        text = _indented(data, "\n")
    except _Unusual:
        text = json.dumps(data, ensure_ascii=False, indent=2)
    if os.environ.get("MOTXL_CHECK_JSON"):
        from motxl.faces.json_models import check

        check(kind, data, text)
    return text


class _Unusual(Exception):
    """A value the fast writer leaves to ``json.dumps`` (a key that is not text, a type JSON
    does not know)."""


_encode_text = json.encoder.encode_basestring  # the C function json.dumps uses for text
_CONSTANTS = {True: "true", False: "false", None: "null"}


def _indented(value: Any, newline: str) -> str:
    """Exactly ``json.dumps(value, ensure_ascii=False, indent=2)``, several times faster: with
    ``indent`` the standard library leaves its C encoder for a generator a value (0.1 s for
    the 9,000 findings of 100,000 actions). ``newline`` is a line break and the current
    indentation. The tests print every document both ways (``json_models.check``)."""
    kind = value.__class__
    if kind is str:
        return _encode_text(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + "  "
        for key in value:
            if key.__class__ is not str:
                raise _Unusual
        return "{" + ",".join([
            inner + _encode_text(key) + ": "
            + (_encode_text(item) if item.__class__ is str else _indented(item, inner))
            for key, item in value.items()]) + newline + "}"
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = newline + "  "
        return "[" + ",".join([inner + (_encode_text(item) if item.__class__ is str
                                        else _indented(item, inner))
                               for item in value]) + newline + "]"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        return float.__repr__(value) if value == value and value not in _INFINITIES else \
            json.dumps(value)
    if value is None or kind is bool:
        return _CONSTANTS[value]
    raise _Unusual


_INFINITIES = (float("inf"), float("-inf"))
