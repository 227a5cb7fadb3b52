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
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if os.environ.get("MOTXL_CHECK_JSON"):
        from motxl.faces.json_models import check

        check(kind, data, text)
    return text
