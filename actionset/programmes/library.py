"""The evaluation library as an evaluation plan reads it: which instruments exist, their names and levels.

Programmes sits below evaluation, so it cannot import the evaluation app's models. The evaluation app hands its
library over when it starts (`EvaluationConfig.ready()` calls `library_register`); a plan only reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LibraryInstrument:
    code: str
    name: str
    kirkpatrick_level: int


class InstrumentLibrary(Protocol):
    def instruments(self) -> list[LibraryInstrument]:
        """Every instrument in the library, built-in ones first, then by name."""
        ...

    def instrument(self, code: str) -> LibraryInstrument | None:
        """The instrument with this code, or None when the library does not hold it (yet)."""
        ...

    def instruments_with_codes(self, codes: Iterable[str]) -> dict[str, LibraryInstrument]:
        """The instruments the library holds of these codes, by code, read together (a plan's, for one page)."""
        ...


class _Empty:
    """No library registered: a plan can still name instruments by code (see `EvaluationPoint.instrument_choices`)."""

    def instruments(self) -> list[LibraryInstrument]:
        return []

    def instrument(self, code: str) -> LibraryInstrument | None:
        return None

    def instruments_with_codes(self, codes: Iterable[str]) -> dict[str, LibraryInstrument]:
        return {}


_library: InstrumentLibrary = _Empty()


def library_register(library: InstrumentLibrary) -> None:
    global _library
    _library = library


def library() -> InstrumentLibrary:
    return _library
