"""Write ``workbook/lite/main.py`` and ``workbook/lite/requirements.txt`` for xlwings Lite.

    python scripts/make_lite.py            # (re)write the two files
    python scripts/make_lite.py --check    # exit 1 if the committed files are out of date

A user pastes the two files into the xlwings Lite add-in (``main.py`` and ``requirements.txt``
tabs; docs/excel.md says how). motxl is not on PyPI, so ``main.py`` carries the part of motxl
that runs in Lite (``LITE_SOURCES``: the domain, the tab descriptions, the xlwings adapter and
the buttons' faces) as a zip archive in base64, put on ``sys.path`` with the standard
``zipimport``; the rest of motxl (file writing, command line) and its native or heavy
dependencies stay out. The only requirement is xlwings itself (the domain model is plain
dataclasses). Equal sources give byte-identical files (fixed zip timestamps, sorted entries).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import sys
import textwrap
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "motxl"
OUT_DIR = ROOT / "workbook" / "lite"
#: motxl's files on the Lite path (folders: every .py file in them).
LITE_SOURCES = ("__init__.py", "errors.py", "core", "presentation", "render/__init__.py",
                "render/xlwings_live.py", "faces/__init__.py", "faces/excel.py",
                "faces/lite.py")
#: Pinned like the VBA module (motxl/vba/xlwings.bas) and the package (pyproject.toml).
XLWINGS_VERSION = "0.37.8"
REQUIREMENTS = f"xlwings=={XLWINGS_VERSION}\n"
#: Each Lite script: (function name, display name, motxl.faces.lite function, docstring).
SCRIPTS = (
    ("valider", "Valider", "validate",
     "Contrôle le programme, remplit l'onglet « Contrôles » et sélectionne la première erreur."),
    ("actualiser_la_synthese", "Actualiser la synthèse", "refresh_summary",
     "Réécrit les onglets « Synthèse », « Suivi » et « Contrôles »."),
    ("diagnostic", "Diagnostic", "diagnose",
     "Versions de Python, motxl et xlwings dans xlwings Lite, et le classeur."),
)
ASYNC = {"refresh_summary"}


def lite_files(package: Path = PACKAGE) -> list[Path]:
    files: list[Path] = []
    for entry in LITE_SOURCES:
        path = package / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def motxl_zip(package: Path = PACKAGE) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in lite_files(package):
            name = "motxl/" + path.relative_to(package).as_posix()
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def main_py(package: Path = PACKAGE) -> str:
    data = motxl_zip(package)
    digest = hashlib.sha256(data).hexdigest()[:12]
    encoded = base64.b64encode(data).decode("ascii")
    chunks = "\n".join(f'    "{line}"' for line in textwrap.wrap(encoded, 92))
    version = (package / "__init__.py").read_text(encoding="utf-8").split(
        '__version__ = "', 1)[1].split('"', 1)[0]
    scripts = []
    for function, display, target, doc in SCRIPTS:
        prefix, call = ("async ", f"await lite.{target}(book)") if target in ASYNC else (
            "", f"lite.{target}(book)")
        scripts.append(f'@script(name="{display}")\n{prefix}def {function}(book: xw.Book):\n'
                       f'    """{doc}"""\n    {call}\n')
    return (
        f"# motxl {version} pour xlwings Lite : fichier généré par scripts/make_lite.py, "
        "ne pas le modifier.\n"
        "# Collez-le dans l'onglet main.py de xlwings Lite (et requirements.txt dans le sien).\n"
        "import base64\nimport sys\nimport tempfile\nfrom pathlib import Path\n\n"
        "import xlwings as xw\nfrom xlwings import script\n\n"
        "# motxl's modules that run in xlwings Lite, as a zip archive (zipimport)\n"
        f"_MOTXL_ZIP = (\n{chunks}\n)\n\n\n"
        "def _motxl_on_path() -> None:\n"
        f'    path = Path(tempfile.gettempdir()) / "motxl-{digest}.zip"\n'
        "    if not path.exists():\n"
        "        path.write_bytes(base64.b64decode(_MOTXL_ZIP))\n"
        "    if str(path) not in sys.path:\n"
        "        sys.path.insert(0, str(path))\n\n\n"
        "_motxl_on_path()\n"
        "from motxl.faces import lite  # noqa: E402\n\n\n"
        + "\n\n".join(scripts)
    )


def write(out_dir: Path = OUT_DIR) -> dict[Path, str]:
    return {out_dir / "main.py": main_py(), out_dir / "requirements.txt": REQUIREMENTS}


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed files differ from what would be written")
    args = parser.parse_args(argv)
    stale = []
    for path, text in write().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if args.check:
            stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            print(f"écrit : {path.relative_to(ROOT)}")
    if stale:
        print("À régénérer (python scripts/make_lite.py) : "
              + ", ".join(str(p.relative_to(ROOT)) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run())
