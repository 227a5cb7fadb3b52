"""PDF copies of the reports with LibreOffice headless."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

#: LibreOffice prints numbers and dates in its own "locale setting", which defaults to the
#: machine's (en-US on most servers: ``199,200 €``, ``277.0``). The private profile fixes it to
#: French, so every PDF shows ``199 200 €``, ``277,0``, ``35 %`` whatever the machine.
LOCALE = "fr-FR"
_LOCALE_ITEMS = (
    '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" '
    f'oor:op="fuse"><value>{LOCALE}</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" '
    f'oor:op="fuse"><value>{LOCALE}</value></prop></item>\n'
)
_REGISTRY = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
             'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
             f'{_LOCALE_ITEMS}</oor:items>\n')


def french_profile(profile: Path) -> None:
    """Make ``profile`` (a LibreOffice user installation) print in French.

    A new profile gets a registry holding only the locale; an existing one without it gets the
    two items appended (the last value of a property wins; LibreOffice merges them on exit).
    """
    registry = profile / "user" / "registrymodifications.xcu"
    if not registry.exists():
        registry.parent.mkdir(parents=True, exist_ok=True)
        registry.write_text(_REGISTRY, encoding="utf-8")
        return
    text = registry.read_text(encoding="utf-8")
    if all(item in text for item in _LOCALE_ITEMS.splitlines()):
        return
    registry.write_text(text.replace("</oor:items>", _LOCALE_ITEMS + "</oor:items>"),
                        encoding="utf-8")


# --------------------------------------------------------------------------------------------
# PDF with LibreOffice

_SOFFICE_PLACES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
)


def find_soffice() -> str | None:
    """LibreOffice's soffice: $MOTXL_SOFFICE, the PATH, then the usual install places."""
    wanted = os.environ.get("MOTXL_SOFFICE")
    if wanted:
        return wanted if Path(wanted).exists() or shutil.which(wanted) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _SOFFICE_PLACES if Path(p).exists()), None)


def convert_to_pdf(files: Sequence[Path], soffice: str, *, timeout: float | None = None,
                   chunk: int = 40) -> dict[str, str | None]:
    """Convert the workbooks to PDF beside them (replacing older PDFs atomically).

    Few soffice calls (``chunk`` files each), a private LibreOffice profile
    ($MOTXL_SOFFICE_PROFILE if set, else a temporary one), a timeout. Returns
    {xlsx name: None if converted, else a French reason}.
    """
    outcome: dict[str, str | None] = {}
    if not files:
        return outcome
    directory = files[0].parent
    shared_profile = os.environ.get("MOTXL_SOFFICE_PROFILE")
    profile = Path(shared_profile) if shared_profile else Path(tempfile.mkdtemp(prefix="motxl-lo-"))
    work = Path(tempfile.mkdtemp(prefix=".motxl-pdf-", dir=directory))
    try:
        for start in range(0, len(files), chunk):
            part = list(files[start:start + chunk])
            error = _run_soffice(soffice, profile, work, part,
                                 timeout or 60 + 20 * len(part))
            for path in part:
                produced = work / (path.stem + ".pdf")
                if produced.exists() and produced.stat().st_size > 0:
                    os.replace(produced, path.with_suffix(".pdf"))
                    outcome[path.name] = None
                else:
                    outcome[path.name] = error or "LibreOffice n'a pas produit de PDF."
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not shared_profile:
            shutil.rmtree(profile, ignore_errors=True)
    return outcome


def _run_soffice(soffice: str, profile: Path, outdir: Path, files: Sequence[Path],
                 timeout: float) -> str | None:
    french_profile(profile)
    command = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
               "--invisible", "--norestore", "--nolockcheck", "--nodefault",
               "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
    posix = os.name == "posix"
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=posix)
    except OSError as exc:
        return f"LibreOffice ne démarre pas ({exc.strerror or exc})."
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if posix:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                proc.kill()
        else:
            proc.kill()
        proc.communicate()
        return f"LibreOffice n'a pas fini en {timeout:.0f} s (conversion abandonnée)."
    if proc.returncode:
        detail = " ".join(err.decode("utf-8", "replace").split())[:160]
        return f"LibreOffice a échoué (code {proc.returncode}{' : ' + detail if detail else ''})."
    return None
