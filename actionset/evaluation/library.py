"""The library of instruments, handed to the programmes app for its evaluation plans (see
`actionset.programmes.library`, which cannot import this app)."""

from __future__ import annotations

from collections.abc import Iterable

from actionset.evaluation.models import Instrument
from actionset.evaluation.services import builtins_ensure
from actionset.programmes.library import LibraryInstrument


class Library:
    def instruments(self) -> list[LibraryInstrument]:
        # A plan is offered the built-in instruments even after a database flush took them away.
        builtins_ensure()
        rows = Instrument.objects.order_by("-built_in", "name").values_list("code", "name", "kirkpatrick_level")
        return [LibraryInstrument(code=code, name=name, kirkpatrick_level=level) for code, name, level in rows]

    def instrument(self, code: str) -> LibraryInstrument | None:
        found = Instrument.objects.filter(code=code).values_list("name", "kirkpatrick_level").first()
        if found is None:
            return None
        name, level = found
        return LibraryInstrument(code=code, name=name, kirkpatrick_level=level)

    def instruments_with_codes(self, codes: Iterable[str]) -> dict[str, LibraryInstrument]:
        rows = Instrument.objects.filter(code__in=set(codes)).values_list("code", "name", "kirkpatrick_level")
        return {code: LibraryInstrument(code=code, name=name, kirkpatrick_level=level) for code, name, level in rows}
