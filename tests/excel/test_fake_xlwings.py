"""The recording double cannot invent an API: everything it offers is xlwings' own.

Checked against ``xlwings.main`` (attributes, properties and their setters, parameter names)
and against xlwings' Windows and macOS engines, read from their source with ``ast`` (they
cannot be imported on Linux): every ``self.impl.<name>`` the real attribute uses must be
implemented there. This is what keeps the adapter off the parts of the API only the xlwings
Server / Lite engines have (``freeze_panes``, ``adjust_indent``...).
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from functools import lru_cache
from pathlib import Path

import pytest
import xlwings
import xlwings.main as xlm

from tests.excel.fake_xlwings import FAKE_CLASSES

ENGINES = ("_xlwindows.py", "_xlmac.py")
DUNDERS = ("__iter__", "__len__", "__getitem__", "__contains__")
_IMPL = re.compile(r"self\.impl\.([A-Za-z]\w*)")


def offered(fake) -> list[str]:
    names = [n for n in vars(fake) if not n.startswith("_") and n != "REAL"]
    return names + [n for n in DUNDERS if n in vars(fake)]


@lru_cache(maxsize=None)
def engine_members(engine: str) -> dict[str, set[str]]:
    """Class name → names defined in it (methods, properties, class attributes)."""
    source = (Path(xlwings.__file__).parent / engine).read_text(encoding="utf-8")
    members: dict[str, set[str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            names = members.setdefault(node.name, set())
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names.add(item.name)
                elif isinstance(item, ast.Assign):
                    names.update(t.id for t in item.targets if isinstance(t, ast.Name))
            for base in node.bases:  # single-level inheritance inside the engine module
                if isinstance(base, ast.Name) and base.id in members:
                    names |= members[base.id]
    return members


def real_functions(real_class, name: str) -> list:
    member = inspect.getattr_static(real_class, name, None)
    if member is None:
        for base in real_class.__mro__:
            if name in vars(base):
                member = vars(base)[name]
                break
    if isinstance(member, property):
        return [f for f in (member.fget, member.fset) if f is not None]
    if isinstance(member, (classmethod, staticmethod)):
        return [member.__func__]
    return [member] if callable(member) else []


@pytest.mark.parametrize("fake", FAKE_CLASSES, ids=lambda f: f.__name__)
def test_every_attribute_exists_on_the_real_class(fake):
    real = getattr(xlm, fake.REAL)
    for name in offered(fake):
        assert hasattr(real, name), f"xlwings.main.{fake.REAL} has no {name!r}"
        fake_member = inspect.getattr_static(fake, name)
        real_member = inspect.getattr_static(real, name, None)
        if real_member is None:  # inherited (Collection)
            real_member = next(vars(b)[name] for b in real.__mro__ if name in vars(b))
        if isinstance(fake_member, property):
            assert isinstance(real_member, property), f"{fake.REAL}.{name} is not a property"
            if fake_member.fset is not None:
                assert real_member.fset is not None, f"{fake.REAL}.{name} cannot be set"
        else:
            assert callable(real_member) and not isinstance(real_member, property), \
                f"{fake.REAL}.{name} is not a method"
            fake_params = list(inspect.signature(fake_member).parameters)
            real_params = list(inspect.signature(real_member).parameters)
            assert set(fake_params) <= set(real_params), \
                f"{fake.REAL}.{name}{inspect.signature(fake_member)} is not a signature of " \
                f"xlwings' {real_params}"
            positional = [p for p in fake_params if inspect.signature(fake_member).parameters[
                p].kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,)]
            assert positional == real_params[:len(positional)], \
                f"{fake.REAL}.{name}: positional parameters differ from xlwings'"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("fake", FAKE_CLASSES, ids=lambda f: f.__name__)
def test_every_attribute_is_implemented_by_the_desktop_engines(fake, engine):
    members = engine_members(engine)
    real = getattr(xlm, fake.REAL)
    missing = []
    for name in offered(fake):
        for function in real_functions(real, name):
            try:
                source = textwrap.dedent(inspect.getsource(function))
            except (OSError, TypeError):
                continue
            for impl_name in set(_IMPL.findall(source)):
                if fake.REAL in members and impl_name not in members[fake.REAL]:
                    missing.append(f"{fake.REAL}.{name} → impl.{impl_name}")
    assert not missing, f"not implemented by {engine}: {missing}"


def test_the_check_catches_what_desktop_engines_lack():
    """Sanity check of the check itself: freeze panes exist only for xlwings Server/Lite."""
    members = engine_members("_xlwindows.py")
    source = inspect.getsource(xlm.Sheet.freeze_panes.fget)
    assert "freeze_panes" in _IMPL.findall(source)
    assert "freeze_panes" not in members["Sheet"]
    assert "adjust_indent" not in members["Range"]
    assert "used_range" in members["Sheet"] and "alert" in members["App"]
