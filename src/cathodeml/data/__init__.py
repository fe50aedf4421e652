"""Recipe tables: the canonical columns, the ``Recipe`` value object, validated readers and the
shipped literature dataset.

For a front end (REST, notebooks): ``header_problems(names)`` lists the duplicates and near misses
of canonical names among column or field names; ``check_frame(frame)`` checks a frame of recipes
(raw text or numbers) and returns the typed frame and every problem.
"""

from cathodeml.schema import CANONICAL, TARGETS
from cathodeml.data.headers import header_problems, near_miss
from cathodeml.data.io import RecipeValidationError, check_file, read_recipes
from cathodeml.data.recipe import Recipe, recipes_to_frame
from cathodeml.data.rules import check_frame

__all__ = [
    "CANONICAL", "TARGETS", "Recipe", "RecipeValidationError", "check_file", "check_frame", "header_problems",
    "near_miss", "read_recipes", "recipes_to_frame",
]
