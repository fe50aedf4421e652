"""The recipe rules as one table: what each rule checks, in which order, and what it says.

Two executors run this table and must give the same answers, problem for problem:

* :func:`cathodeml.data.rules.check_frame` — whole columns at once (pandas/numpy), for files and
  million-row chunks;
* :func:`cathodeml.data.rowcheck.check_rows` — a few rows in plain Python, for a REST request or
  one :class:`~cathodeml.data.recipe.Recipe`, where building a pandas object per column costs
  more than the rules themselves (~9 ms of fixed work against well under 1 ms).

Everything an executor may not decide on its own lives here: the tokens read as unknown, the
tolerances, how a value is quoted and the text of every message. ``tests/data/test_rowcheck.py``
runs both executors on fuzzed rows and compares their problems, their order and the typed values.

The rules, in the order both executors apply them (problems are then sorted by row and column,
stably, so within one cell this order is the order of the messages):

===================  ============================================================================
rule                 what it checks
===================  ============================================================================
``header``           duplicated names and near misses of canonical ones (:mod:`.headers`)
``column``           per column: numbers are numbers (:func:`not_a_number`) within the column's
                     range (:func:`out_of_range`), whole in ``int`` columns; enums one of their
                     choices; text columns read ``MISSING_TOKENS`` (and ``none`` for coating and
                     dopant) as unknown. A value that breaks its range takes part in no later rule
``voltage_window``   ``v_min`` below ``v_max``
``fraction_sum``     the given Ni/Co/Mn/Al fractions do not exceed 1, all four sum to 1 (± tol)
``cathode``          the cathode parses (:mod:`.cathode`) and agrees with given fractions
``cathode_given``    each row names its cathode or its fractions
``coating``          the coating parses (:mod:`.coatings`)
``dopant``           the dopant lists element symbols, each once (:func:`parse_dopant`)
``treatment``        a treatment's conditions come with the treatment (:data:`TREATMENT_NEEDS`):
                     an amount, method or anneal needs a ``coating``, a ``dopant_mol_pct`` a
                     ``dopant``, a Li source or relithiation/sintering step a ``regen_method``
                     other than ``none`` — otherwise the model would silently read an untreated
                     recipe with stray numbers
``unique_record_id`` given record ids are unique
``dataset``          (training tables only) record_id and source given, a measured target, and
                     the cycle count / Rct timing of a measured retention / Rct
===================  ============================================================================
"""

from __future__ import annotations

import math
import re
from numbers import Number

import numpy as np

from cathodeml.data.elements import FormulaError, check_symbol
from cathodeml.errors import Problem
from cathodeml.schema import CANONICAL, MAX_NAME_CHARS, NONE_TOKENS, SPECS, ColumnSpec

#: The rules in the order both executors apply them (see the module docstring).
RULES: tuple[str, ...] = ("header", "column", "voltage_window", "fraction_sum", "cathode", "cathode_given",
                          "coating", "dopant", "treatment", "unique_record_id", "dataset")
#: Cell texts read as "unknown" (besides the empty cell). Documented in the README.
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null"})  # not "none": a regen_method value
#: Tolerance for formula-vs-fraction agreement and for fractions summing to one.
FRACTION_TOL = 0.02
#: Spreadsheet row of the first data row (row 1 holds the header).
FIRST_ROW = 2
#: The rules of the ``dataset`` table: a measured target needs the protocol value saying when.
DATASET_NEEDS: tuple[tuple[str, str], ...] = (("retention_pct", "cycles"), ("rct_ohm", "rct_after_cycles"))
#: The ``treatment`` rule: (treatment column, the columns that describe it). A condition without its
#: treatment (an empty coating, or ``regen_method`` empty or ``none``) is an error on the condition;
#: a stated 0 (``coating_wt_pct`` 0 for an uncoated control, as spreadsheets often write it) is not.
TREATMENT_NEEDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("coating", ("coating_wt_pct", "coating_thickness_nm", "coating_method", "anneal_temp_c", "anneal_time_h")),
    ("dopant", ("dopant_mol_pct",)),
    ("regen_method", ("regen_li_source", "regen_temp_c", "regen_time_h", "sinter_temp_c", "sinter_time_h")),
)


#: Text columns that hold chemistry, where ``Na`` written as an element symbol is sodium, not "n/a".
CHEMISTRY_TEXT = frozenset({"cathode", "coating", "dopant", "regen_li_source"})


def empty_tokens(column: str) -> frozenset[str]:
    """Texts of a text column that mean unknown (coating/dopant: also a stated ``none``)."""
    return MISSING_TOKENS | NONE_TOKENS.get(column, frozenset())


def reads_as_empty(column: str, text: str) -> bool:
    """Whether a text cell of ``column`` means unknown (or none): its stripped, lower-cased text is
    one of :func:`empty_tokens` — except the element symbol ``Na`` in a chemistry column (a
    Na-doped cathode is not a cathode of unknown dopant; ``NA``, ``na`` and ``N/A`` stay unknown)."""
    t = text.strip()
    return t.lower() in empty_tokens(column) and not (column in CHEMISTRY_TEXT and t == "Na")


def is_number(value: object) -> bool:
    """A number as the rules see one: ints, floats and numpy numbers, never a bool."""
    return isinstance(value, Number) and not isinstance(value, bool)


def fmt_value(value: object) -> str:
    """How a cell is quoted in a message: text as written (stripped), a number the same whichever
    dtype pandas gave its column: a whole number without a decimal point (``60`` and ``60.0`` are
    ``'60'``, as a recipe file or a JSON body usually writes it), others as Python's shortest float."""
    if is_number(value):
        try:
            # A float32 cell as numpy prints it (5.7, not 5.699999809265137); ints and floats through
            # float64, so both executors quote a cell alike whatever its dtype (exact up to 2**53).
            x = float(str(value)) if isinstance(value, np.floating) and value.dtype.itemsize < 8 else float(value)
        except OverflowError:  # an int too large for a float: shown whole
            return str(value)
        return str(int(x)) if x.is_integer() and abs(x) < 1e16 else repr(x)
    return str(value).strip()


def problem_order(p: Problem) -> tuple[int, int]:
    """Sort key of the problem list: by row (header problems first), then by canonical column."""
    return (p.row if p.row is not None else 0, CANONICAL.index(p.column) if p.column in SPECS else -1)


# ---- the messages, rule by rule ---------------------------------------------------------------

def out_of_range(spec: ColumnSpec) -> str:
    hint = f" — {spec.hint}" if spec.hint else ""
    return f"is outside {spec.range_text()}{hint}"


NOT_WHOLE = "is not a whole number"
#: Whole numbers a float64 holds exactly (the rules read numbers as float64; beyond this an int
#: column's value would round): the bound of JSON ints in the service and in search spaces.
EXACT_INT = 2**53

_DECIMAL_COMMA = re.compile(r"^[+-]?\d*,\d+$")
_WITH_UNIT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)\s*([%a-zA-Zµ°Ω/]+.*)$")


def not_a_number(spec: ColumnSpec, value: object) -> str:
    """"is not a number", with the likely cause when the text shows one (runs on bad cells only)."""
    text = str(value).strip()
    try:
        if not math.isfinite(float(text)):
            return f"is outside {spec.range_text()} (too large to be a number here)"
    except ValueError:
        pass
    if _DECIMAL_COMMA.match(text):
        return f"is not a number — decimal comma? write {text.replace(',', '.')}"
    m = _WITH_UNIT.match(text)
    if m:
        return f"is not a number — write the number alone ({m.group(1)}): the unit is in the column name"
    if text.startswith("="):
        return "is not a number — a spreadsheet formula? save the values, not the formulas"
    if text.startswith("#") and text.endswith(("!", "?", "A")):
        return "is not a number — a spreadsheet error value; fix that cell"
    return "is not a number"


def not_one_of(spec: ColumnSpec) -> str:
    return f"is not one of: {', '.join(spec.choices)}"


def v_min_not_below(v_max: float) -> str:
    return f"must be below v_max ({v_max:g} V)"


def fractions_off(total: float) -> str:
    return f"ni+co+mn+al fractions sum to {total:.3f}, not ~1 (±{FRACTION_TOL})"


def disagrees_with_cathode(cathode: object, implied: float) -> str:
    return f"disagrees with cathode {cathode!r}, which implies {implied:.3f} (tolerance {FRACTION_TOL})"


NO_CATHODE_COLUMNS = ("is missing from the header (and so is ni_frac): add a cathode column with a formula "
                      "or shorthand, or the ni_frac…al_frac columns")
NI_EMPTY_WITHOUT_CATHODE_COLUMN = "is empty and the header has no cathode column: give the fractions"
NO_CATHODE = "is empty and so is ni_frac: give a formula, a shorthand or the fractions"
NOT_UNIQUE = "is not unique"
DATASET_COLUMN_MISSING = "is required in a dataset and missing from the header"
DATASET_CELL_EMPTY = "is empty; every dataset row needs one"


def no_measured_target(targets: tuple[str, ...]) -> str:
    return f"has no measured target ({', '.join(targets)})"


def treatment_missing(treatment: str) -> str:
    if treatment == "regen_method":
        return ("is given but regen_method is empty or none: name the regeneration (hydrothermal, molten_salt, "
                "solid_state, …) or leave its conditions empty")
    return f"is given but {treatment} is empty: name the {treatment} it describes, or leave this cell empty"


def treatment_absent(value: object) -> bool:
    """A treatment cell that says "no treatment": unknown, or ``none`` (regen_method's value)."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == "none"


def unmeasured_when(target: str) -> str:
    return f"is empty but {target} is given; say when it was measured"


def fraction_sum_broken(total, all_given):  # noqa: ANN001, ANN201 — floats/bools or numpy arrays of them
    """The ``fraction_sum`` rule: ``total`` of the given fractions, ``all_given`` when all four are."""
    return (total > 1 + FRACTION_TOL) | (all_given & (total < 1 - FRACTION_TOL))


def parse_dopant(text: str) -> tuple[str, ...]:
    """Dopant element symbols, each one of the periodic table's 118 (so ``D``, ``T`` are refused)."""
    if len(text.strip()) > MAX_NAME_CHARS:
        raise ValueError(f"is {len(text.strip())} characters long; dopant lists of at most {MAX_NAME_CHARS} characters are read")
    symbols = tuple(s.strip() for s in text.split(","))
    for s in symbols:
        try:
            check_symbol(s)
        except FormulaError as exc:
            raise ValueError(f"{exc} (write symbols comma-separated, e.g. 'Al,Mg')") from None
    twice = sorted({s for s in symbols if symbols.count(s) > 1})
    if twice:
        raise ValueError(f"lists {', '.join(twice)} more than once")
    return symbols
