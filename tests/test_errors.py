"""Errors a scientist sees: where (row, column), what value, why — and the built-in type a Python
caller expects."""

import pytest

from cathodeml.errors import (
    CathodeError,
    CathodeMLError,
    CoatingError,
    ConfigError,
    ModelNotFoundError,
    Problem,
    RecipeError,
    RecipeValidationError,
    SpaceError,
)


def test_problem_names_row_column_value_and_rule():
    assert str(Problem(14, "v_max", "45.0", "is outside 1.5–5 V")) == "row 14, column v_max: '45.0' is outside 1.5–5 V"
    assert str(Problem(None, "v_max", None, "appears more than once")) == "column v_max: appears more than once"
    assert str(Problem(3, None, None, "has no measured target")) == "row 3: has no measured target"
    assert str(Problem(None, None, None, "cannot be read")) == "cannot be read"


def test_a_value_already_quoted_in_the_message_is_not_repeated():
    p = Problem(2, "cathode", "NCM812", "'NCM812' is not a shorthand")
    assert str(p) == "row 2, column cathode: 'NCM812' is not a shorthand"


def test_validation_error_lists_every_problem_and_keeps_them():
    problems = [Problem(2, "v_max", "45", "is outside 1.5–5 V"), Problem(3, "coating", "Foo", "is not a coating")]
    exc = RecipeValidationError("lab.csv", problems, ["my_column"])
    assert str(exc).splitlines() == ["lab.csv: 2 problem(s)", "  row 2, column v_max: '45' is outside 1.5–5 V",
                                     "  row 3, column coating: 'Foo' is not a coating"]
    assert exc.problems == problems and exc.ignored_columns == ["my_column"] and exc.path.name == "lab.csv"
    assert str(RecipeValidationError(None, problems[:1])).startswith("1 problem(s)")


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [(RecipeValidationError, ValueError), (RecipeError, ValueError), (CathodeError, ValueError),
     (CoatingError, ValueError), (SpaceError, ValueError), (ConfigError, ValueError),
     (ModelNotFoundError, FileNotFoundError)],
)
def test_every_error_is_ours_and_the_builtin_callers_expect(cls, builtin):
    assert issubclass(cls, CathodeMLError) and issubclass(cls, builtin)
