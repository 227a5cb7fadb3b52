"""Odd targets for the write commands: exit 2 and one French line, nothing written, or a run that
keeps its promises (the same file given as -o gets its backup)."""

from __future__ import annotations


import pytest

from tests.trust import builders as b
from tests.trust.harness import listing, sha256
from tests.trust.harness import run_main




@pytest.mark.parametrize(("target", "keyword"), [
    ("absent/sortie.xlsx", "n'existe pas"),
    ("dossier", "dossier"),
    ("sortie.xlsm", "même extension"),
], ids=["missing-folder", "a-folder", "other-extension"])
def test_refresh_to_an_odd_target(target, keyword, tmp_path, monkeypatch):
    monkeypatch.setenv("MOTXL_DEBUG", "1")
    source = b.programme(tmp_path / "programme.xlsx")
    (tmp_path / "dossier").mkdir()
    original, before = sha256(source), listing(tmp_path)
    code, out, err = run_main("refresh", source, "-o", tmp_path / target)
    assert sha256(source) == original
    assert code == 2 and out == "" and err.count("\n") == 1 and err.startswith("motxl : ")
    assert keyword in err, err
    assert listing(tmp_path) == before


def test_refresh_to_itself_keeps_a_backup(tmp_path):
    source = b.programme(tmp_path / "programme.xlsx")
    original = sha256(source)
    code, out, err = run_main("refresh", source, "-o", source)
    assert code == 0, err
    backups = list((tmp_path / ".motxl-backup").iterdir())
    assert len(backups) == 1 and sha256(backups[0]) == original


def test_report_into_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTXL_DEBUG", "1")
    source = b.programme(tmp_path / "programme.xlsx")
    taken = tmp_path / "rapports"
    taken.write_bytes(b"not a folder")
    before = listing(tmp_path)
    code, out, err = run_main("report", source, "--by", "axis", "-o", taken)
    assert code == 2 and err.count("\n") == 1 and "n'est pas un dossier" in err, err
    assert taken.read_bytes() == b"not a folder" and listing(tmp_path) == before
