"""Every error cathodeml raises on purpose, in one place.

A scientist's mistake (a typo in a spreadsheet, a missing model, a malformed search space) must
reach them as a sentence that names the row, the column or the file and the rule — never as a
traceback. Each front end (CLI, REST, MLflow model) therefore catches :class:`CathodeMLError`
and its subclasses and renders them; anything else is a bug.

The classes also derive from the built-in exception a Python caller would expect
(``ValueError`` for bad values, ``FileNotFoundError`` for a missing model), so code written
against the built-ins keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CathodeMLError(Exception):
    """Base of every error cathodeml raises for bad input or a missing resource."""


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (spreadsheet row, column), what value, and why."""

    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        head = ", ".join(where)
        shown = self.value is not None and repr(self.value) not in self.message
        val = f"{self.value!r} " if shown else ""
        return f"{head}: {val}{self.message}" if head else f"{val}{self.message}"


class RecipeValidationError(CathodeMLError, ValueError):
    """A recipe table broke one or more rules; ``problems`` lists every one."""

    def __init__(self, path: str | Path | None, problems: list[Problem], ignored: list[str] | None = None):
        self.path = None if path is None else Path(path)
        self.problems = problems
        self.ignored_columns = ignored or []
        where = f"{self.path}: " if self.path else ""
        lines = [f"{where}{len(problems)} problem(s)"] + [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))


class RecipeError(CathodeMLError, ValueError):
    """One recipe (a :class:`~cathodeml.data.recipe.Recipe`) broke rules, one per line."""


class CathodeError(CathodeMLError, ValueError):
    """A cathode string that is neither a known shorthand nor a layered-oxide formula."""


class CoatingError(CathodeMLError, ValueError):
    """A coating that is neither a formula nor a known named material."""


class SpaceError(CathodeMLError, ValueError):
    """A search space that cannot be used; the message lists every problem."""


class ConfigError(CathodeMLError, ValueError):
    """A training configuration (YAML file or options) that cannot be used."""


class ModelNotFoundError(CathodeMLError, FileNotFoundError):
    """No model at the given place; the message says what was tried."""


class ModelIntegrityError(CathodeMLError, ValueError):
    """A model directory that fails its sha256 manifest (or has none): refused before unpickling."""


class OutputIsInputError(CathodeMLError, ValueError):
    """An output path that is one of the command's inputs (same file by any name)."""


class TrackingStoreError(CathodeMLError):
    """The MLflow store cannot be opened or used; the message has the URI with its password masked."""


class OutputFormatError(ConfigError):
    """An output file name whose suffix names no table format cathodeml writes (a bad option)."""


class DatasetError(CathodeMLError, ValueError):
    """A user dataset (``cathodeml data add|show|remove``, ``train --data lab:NAME``) that cannot be
    used as asked: an unknown lab or version, datasets that clash when trained together."""
