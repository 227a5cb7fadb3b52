"""The recording double stands for xlwings' desktop engines: row grouping goes through ``api``
there (Windows COM), never through ``Range.group`` (remote engine only)."""

import pytest


@pytest.fixture(autouse=True)
def desktop_outline(monkeypatch):
    monkeypatch.setattr("motxl.render.xlwings_live.outline_mode",
                        lambda engine="excel": "group" if engine == "remote" else "com")
