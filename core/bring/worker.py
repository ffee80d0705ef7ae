"""Reading units with the readers, so that a file the parser cannot handle costs one sentence, never
the whole run.

``read_unit`` reads one unit in this process; ``read_units`` reads many, in order. A reader's
``Unreadable``/``MissingPart`` is the sentence given; any other exception from a parser is turned into
one naming the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from reverie.core.bring.doc import Doc, MissingPart, Skipped, Unreadable
from reverie.core.bring.plan import Unit, reader
from reverie.core.sources import clip

Result = list[Doc | Skipped] | str


def read_unit(unit: Unit, flavour: str = "markdown") -> Result:
    """The docs (and skipped entries) of one unit, or the sentence saying why it was left out."""
    mod = reader(unit.reader)
    if mod is None:
        return f"{clip(unit.rel, 120)} needs a reader this install does not have; it was left out."
    try:
        if hasattr(mod, "read_export"):
            return list(mod.read_export(Path(unit.abspath)))
        if unit.reader == "markdown":
            return [mod.read_file(Path(unit.abspath), unit.rel, flavour)]
        return [mod.read_file(Path(unit.abspath), unit.rel)]
    except (Unreadable, MissingPart) as exc:
        return str(exc)
    except MemoryError:
        return f"{clip(unit.rel, 120)} needs more memory to read than Reverie allows; it was left out."
    except RecursionError:
        return f"{clip(unit.rel, 120)} is nested too deeply to read; it was left out."
    except Exception as exc:  # noqa: BLE001 - a parser's bug on one file must not stop the others
        return f"{clip(unit.rel, 120)} could not be read ({type(exc).__name__}); it was left out."


def read_units(units: Iterable[Unit], flavour: str = "markdown") -> Iterator[tuple[Unit, Result]]:
    """Each unit with what reading it gave, in the order given."""
    for unit in units:
        yield unit, read_unit(unit, flavour)
