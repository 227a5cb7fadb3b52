"""The one exception that faces turn into a French one-line message and exit code 2."""


class MotxlError(Exception):
    """A problem the user must fix (unusable file, refused save...).

    The message is French, one line, and says what to do. Faces print it and exit with
    ``exit_code``; they never show a traceback for it.
    """

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def os_error_in(exc: BaseException) -> OSError | None:
    """The OSError behind ``exc``, if any: XlsxWriter wraps a failed write (disk full, I/O
    error) in its own FileCreateError, with the OSError as its argument or its cause."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError):
            return current
        todo += [a for a in getattr(current, "args", ()) if isinstance(a, BaseException)]
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]
    return None
