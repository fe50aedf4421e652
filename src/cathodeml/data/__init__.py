"""Recipe tables: the canonical columns, the ``Recipe`` value object, validated readers and the
shipped literature dataset."""

from cathodeml.schema import CANONICAL, TARGETS
from cathodeml.data.io import RecipeValidationError, check_file, read_recipes
from cathodeml.data.recipe import Recipe, recipes_to_frame

__all__ = ["CANONICAL", "TARGETS", "Recipe", "RecipeValidationError", "check_file", "read_recipes", "recipes_to_frame"]
