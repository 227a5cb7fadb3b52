"""Write the JSON Schema of every ``--format json`` document into docs/json/ (a test checks
that the committed files are current)."""

from __future__ import annotations

import json
from pathlib import Path

from motxl.faces.json_models import json_schemas

TARGET = Path(__file__).resolve().parent.parent / "docs" / "json"


def rendered() -> dict[str, str]:
    return {f"{kind}.schema.json": json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
            for kind, schema in json_schemas().items()}


def main() -> None:
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, text in rendered().items():
        (TARGET / name).write_text(text, encoding="utf-8")
        print(f"écrit : docs/json/{name}")


if __name__ == "__main__":
    main()
