"""A representative subset of the corpus run as users run it: ``python -m motxl ...`` in a fresh
process, without MOTXL_DEBUG, so that a crash would show as a traceback, an "erreur inattendue"
line or a signal (python-calamine aborts the whole process when it cannot allocate a sheet)."""

from __future__ import annotations

import pytest

from tests.trust.corpus import BY_NAME
from tests.trust.harness import check, prepare, run_process

SUBSET = [
    ("programme-xlsm", "refresh"),
    ("tronque-moitie", "validate"),
    ("protege", "summary"),
    ("ancien-xls", "report"),
    ("bombe-zip-menteuse", "validate"),
    ("milliard-de-rires-chaines", "refresh-o"),
    ("entite-externe-proprietes", "refresh"),
    ("cellule-XFD1048576", "validate"),
    ("loin-sans-reference", "summary"),
    ("libelles-formules", "report"),
    ("nombres-texte", "validate"),
    ("ouvert-dans-excel", "refresh"),
]


@pytest.mark.parametrize(("name", "command"), SUBSET, ids=[f"{n}-{c}" for n, c in SUBSET])
def test_real_process(name, command, corpus, tmp_path):
    case = BY_NAME[name]
    run = prepare(case, command, corpus(case), tmp_path / "run")
    result = run_process(run)
    assert result.code >= 0, f"{name} × {command}: killed by signal {-result.code}"
    check(run, result)
