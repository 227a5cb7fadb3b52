"""One function run in a thread while the caller goes on; its value, or what it raised, handed
back when the caller asks. The readers use it where the work releases the GIL (zlib's
inflation, python-calamine's parse)."""

from __future__ import annotations

import threading
from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")


class InThread(Generic[T]):
    """``function(*args)`` started at once in a daemon thread named ``name``."""

    def __init__(self, name: str, function: Callable[..., T], *args: Any) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, args), daemon=True,
                                        name=name)
        self._thread.start()

    def _run(self, function: Callable[..., T], args: tuple) -> None:
        try:
            self._value = function(*args)
        except BaseException as exc:  # noqa: BLE001 - Rust panics too; raised by result()
            self._error = exc

    def result(self) -> T:
        """Wait for the function; its value, or raise what it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]
