"""The rule table: one place for the rules' messages and quoting, used by both executors."""

import ast
from pathlib import Path

import numpy as np
import pandas as pd

from cathodeml.data import ruletable as rt
from cathodeml.data.rules import check_frame
from cathodeml.errors import Problem

DATA = Path(rt.__file__).parent
#: Names of the table that are rules' texts or pieces of a rule (not helpers of one executor).
SHARED = ["out_of_range", "NOT_WHOLE", "not_a_number", "not_one_of", "v_min_not_below", "fractions_off",
          "disagrees_with_cathode", "NO_CATHODE_COLUMNS", "NI_EMPTY_WITHOUT_CATHODE_COLUMN", "NO_CATHODE", "NOT_UNIQUE",
          "DATASET_COLUMN_MISSING", "DATASET_CELL_EMPTY", "no_measured_target", "unmeasured_when", "fraction_sum_broken",
          "parse_dopant", "reads_as_empty", "fmt_value", "problem_order", "DATASET_NEEDS", "TREATMENT_NEEDS",
          "treatment_missing"]


def _names(module: str) -> set[str]:
    tree = ast.parse((DATA / module).read_text(encoding="utf-8"))
    return {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)} | {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}


#: A number written as text is read by pandas, so the row executor hands such a column to the frame
#: executor's column rule (see cathodeml.data.rowcheck) and never says "not a number" itself.
NOT_IN = {"rowcheck.py": {"not_a_number"}}


def test_both_executors_take_every_rule_text_from_the_table():
    for module in ("rules.py", "rowcheck.py"):
        missing = [name for name in SHARED if name not in _names(module) and name not in NOT_IN.get(module, set())]
        assert not missing, f"{module} does not use {missing} from the rule table"
    assert set(SHARED) <= set(dir(rt))
    # ... and neither writes a message of its own: no "is …" string literal outside the table.
    for module in ("rules.py", "rowcheck.py"):
        tree = ast.parse((DATA / module).read_text(encoding="utf-8"))
        own = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
               and n.value.startswith(("is ", "must ", "has ", "disagrees", "ni+co"))]
        assert not own, f"{module} writes rule messages itself: {own}"


def test_a_number_is_quoted_the_same_whatever_dtype_pandas_gave_its_column():
    assert rt.fmt_value(60) == rt.fmt_value(60.0) == rt.fmt_value(np.int64(60)) == rt.fmt_value(np.float64(60)) == "60"
    assert rt.fmt_value(60.5) == "60.5" and rt.fmt_value(1e-300) == "1e-300"
    assert rt.fmt_value(" 4,3 ") == "4,3" and rt.fmt_value(True) == "True" and rt.fmt_value(10**400) == str(10**400)
    alone = check_frame(pd.DataFrame({"cathode": ["NCM811"], "cycles": [0]})).problems
    beside_a_blank = check_frame(pd.DataFrame({"cathode": ["NCM811", "NCM811"], "cycles": [0, None]})).problems
    assert [p.value for p in alone] == [p.value for p in beside_a_blank] == ["0"]


def test_problems_sort_by_row_then_canonical_column_with_header_problems_first():
    ps = [Problem(3, "v_max", None, "x"), Problem(2, "v_max", None, "x"), Problem(2, "cathode", None, "x"),
          Problem(None, "Coating", None, "x"), Problem(2, None, None, "x")]
    assert [(p.row, p.column) for p in sorted(ps, key=rt.problem_order)] == [
        (None, "Coating"), (2, None), (2, "cathode"), (2, "v_max"), (3, "v_max")]


def test_the_rule_order_is_documented():
    assert rt.RULES[0] == "header" and rt.RULES[1] == "column" and rt.RULES[-1] == "dataset"
    assert all(f"``{rule}``" in rt.__doc__ for rule in rt.RULES)


def test_a_float32_cell_is_quoted_as_numpy_prints_it():
    assert rt.fmt_value(np.float32(5.7)) == "5.7" and rt.fmt_value(np.float32(60)) == "60"
