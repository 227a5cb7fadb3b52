"""Open a workbook in headless LibreOffice through Python-UNO and print what it sees, as JSON.

Run with the system Python that has the ``uno`` module (not the project's):

    /usr/bin/python3 tests/workbook/lo_inspect.py WORKBOOK.xlsm

Starts ``soffice --headless`` with a private profile and a private pipe, loads the file hidden
and read-only with macro execution off, and prints one JSON object:

    {"sheets": [...], "code_names": {sheet: code name},
     "basic_libraries": {library: {module: source}},
     "buttons": {sheet: [{"label": ..., "events": [{"type", "script"}]}]}}

Exit code 0 when the document was inspected, 2 on any failure (message on stderr). The script
kills the LibreOffice process it started, whatever happens.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid

TIMEOUT = 60.0


def _connect(pipe_name, deadline):
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe_name
    last_error = None
    while time.monotonic() < deadline:
        try:
            return resolver.resolve(url)
        except Exception as exc:  # NoConnectException until soffice listens
            last_error = exc
            time.sleep(0.2)
    raise RuntimeError("no connection to soffice: %s" % last_error)


def _prop(name, value):
    import uno

    prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    prop.Name, prop.Value = name, value
    return prop


def _basic_libraries(doc):
    libraries = {}
    container = doc.BasicLibraries
    for name in container.getElementNames():
        if not container.isLibraryLoaded(name):
            container.loadLibrary(name)
        library = container.getByName(name)
        libraries[name] = {module: library.getByName(module)
                           for module in library.getElementNames()}
    return libraries


def _code_names(doc):
    names = {}
    sheets = doc.Sheets
    for index in range(sheets.getCount()):
        sheet = sheets.getByIndex(index)
        try:
            names[sheet.getName()] = sheet.getPropertyValue("CodeName")
        except Exception:
            names[sheet.getName()] = None
    return names


def _buttons(doc):
    """Form controls per sheet, with the events (macros) bound to them."""
    found = {}
    sheets = doc.Sheets
    for index in range(sheets.getCount()):
        sheet = sheets.getByIndex(index)
        forms = sheet.getDrawPage().getForms()
        controls = []
        for f in range(forms.getCount()):
            form = forms.getByIndex(f)
            for c in range(form.getCount()):
                model = form.getByIndex(c)
                events = [{"type": e.ScriptType, "script": e.ScriptCode,
                           "listener": e.ListenerType, "method": e.EventMethod}
                          for e in form.getScriptEvents(c)]
                label = None
                try:
                    label = model.getPropertyValue("Label")
                except Exception:
                    pass
                controls.append({"name": model.getPropertyValue("Name"), "label": label,
                                 "events": events})
        if controls:
            found[sheet.getName()] = controls
    return found


def inspect(path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise RuntimeError("soffice not found")
    profile = tempfile.mkdtemp(prefix="motxl-lo-profile-")
    pipe_name = "motxl_%s" % uuid.uuid4().hex
    process = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "--nolockcheck", "-env:UserInstallation=file://%s" % profile,
         "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe_name],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + TIMEOUT
    try:
        context = _connect(pipe_name, deadline)
        import uno

        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (
            _prop("Hidden", True), _prop("ReadOnly", True),
            _prop("MacroExecutionMode", 0)))  # NEVER_EXECUTE: inspect, never run
        if doc is None:
            raise RuntimeError("LibreOffice could not load %s" % path)
        try:
            result = {
                "sheets": list(doc.Sheets.getElementNames()),
                "code_names": _code_names(doc),
                "basic_libraries": _basic_libraries(doc),
                "buttons": _buttons(doc),
            }
        finally:
            doc.close(True)
        try:
            desktop.terminate()
        except Exception:  # the bridge drops as soffice exits
            pass
        return result
    finally:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(profile, ignore_errors=True)


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: lo_inspect.py WORKBOOK\n")
        return 2
    try:
        result = inspect(argv[1])
    except Exception as exc:
        sys.stderr.write("lo_inspect: %s: %s\n" % (type(exc).__name__, exc))
        return 2
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
