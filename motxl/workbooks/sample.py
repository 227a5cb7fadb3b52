"""Synthetic programmes of any size with the seed's headings, for benchmarks and scale tests.

The headings (axes, objectives, sub-objectives) are the seed's; actions are spread over the
headings that carry actions in the seed, with deterministic pseudo-random planning figures.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from motxl.core.headers import HEADER_TEXT
from motxl.core.model import STATUSES
from motxl.workbooks.writing import save_sheets

SEED = Path(__file__).resolve().parents[2] / "workbook" / "source" / "programme-seed.txt"
FIELDS = list(HEADER_TEXT)


def seed_structure(text: str) -> list[tuple[str, str, bool]]:
    """(code, label, is_heading) per non-blank seed line after the header."""
    seen: set[str] = set()
    lines = []
    for line in text.splitlines():
        if not line.strip() or "\t" not in line:
            continue
        code, label = line.split("\t", 1)
        if code == "Axe":
            continue
        key = code.rstrip(".")
        lines.append((code, label, key not in seen))
        seen.add(key)
    return lines


def sample_rows(actions: int, persons: int = 50, seed: int = 2023,
                seed_text: str | None = None) -> list[list]:
    """Header + rows of a programme with ``actions`` actions under the seed's headings."""
    rng = random.Random(seed)
    structure = seed_structure(seed_text if seed_text is not None
                               else SEED.read_text(encoding="utf-8"))
    headings = [(code, label) for code, label, heading in structure if heading]
    hosts = sorted({c.rstrip(".") for c, _, h in structure if not h})
    people = [f"Personne {i:02d}" for i in range(1, persons + 1)]
    per_host = {h: actions // len(hosts) + (1 if i < actions % len(hosts) else 0)
                for i, h in enumerate(hosts)}
    rows: list[list] = [[HEADER_TEXT[f] for f in FIELDS]]
    for code, label in headings:
        rows.append([code, label] + [None] * (len(FIELDS) - 2))
        for n in range(per_host.get(code.rstrip("."), 0)):
            planned_days = rng.randint(1, 40) / 2
            budget = rng.randint(5, 400) * 100
            done = rng.random()
            rows.append([code.rstrip("."), f"Action {code.rstrip('.')}-{n + 1}",
                         rng.choice(people), None, planned_days, budget,
                         round(planned_days * done, 1), round(budget * done * 1.1, 2),
                         rng.choice(STATUSES), dt.date(2023, rng.randint(1, 12),
                                                       rng.randint(1, 28)), None])
    return rows


def write_sample(path: Path, actions: int, persons: int = 50) -> Path:
    save_sheets(path, {"Programme": sample_rows(actions, persons)})
    return path
