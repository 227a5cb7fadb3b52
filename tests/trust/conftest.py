"""The corpus is built once per session, each case in its own folder, on first use."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.trust.corpus import Case

#: MOTXL_TRUST_SLOW=1 also runs the slow pairs (refresh and report of 100,000 actions).
RUN_SLOW = os.environ.get("MOTXL_TRUST_SLOW") == "1"


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """``corpus(case)`` → the case's input file, made on first use."""
    root = tmp_path_factory.mktemp("corpus")
    made: dict[str, Path] = {}

    def get(case: Case) -> Path:
        if case.name not in made:
            folder = root / case.name
            folder.mkdir()
            made[case.name] = case.build(folder)
        return made[case.name]

    return get
