"""Every bad input × every command: works, or exit 2 with one French line; input unchanged,
nothing left behind. In-process for speed; test_processes.py runs a subset as real processes."""

from __future__ import annotations

import pytest

from tests.trust.conftest import RUN_SLOW
from tests.trust.corpus import CASES, COMMANDS, runs
from tests.trust.harness import check, prepare, run_in_process, run_process


def _params():
    for case, command in runs():
        marks = []
        if command in case.slow:
            marks.append(pytest.mark.slow)
            if not RUN_SLOW:
                marks.append(pytest.mark.skip(reason="slow: set MOTXL_TRUST_SLOW=1"))
        if command in case.xfail:
            marks.append(pytest.mark.xfail(strict=True, reason=case.xfail[command]))
        yield pytest.param(case, command, id=f"{case.name}-{command}", marks=marks)


@pytest.mark.parametrize(("case", "command"), list(_params()))
def test_case(case, command, corpus, tmp_path, capsys, monkeypatch):
    run = prepare(case, command, corpus(case), tmp_path / "run")
    if case.isolate:
        result = run_process(run)
        assert result.code >= 0, f"{case.name} × {command}: killed by signal {-result.code}"
    else:
        result = run_in_process(run, capsys, monkeypatch)
    check(run, result)


def test_the_corpus_is_what_the_issue_asks_for():
    names = {case.name for case in CASES}
    for wanted in ("tronque-moitie", "ancien-xls", "protege", "sans-feuille-programme",
                   "entetes-renommes", "entetes-doubles", "fusions", "formules-erreurs",
                   "dates-texte", "nombres-texte", "100000-lignes", "16384-colonnes",
                   "libelles-32767", "caracteres-controle", "libelles-formules", "bombe-zip",
                   "milliard-de-rires-feuille", "milliard-de-rires-chaines", "entite-externe",
                   "classeur-vide", "feuille-absente", "nom-de-feuille-bizarre",
                   "ouvert-dans-excel"):
        assert wanted in names
    assert len(COMMANDS) == 5
