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
