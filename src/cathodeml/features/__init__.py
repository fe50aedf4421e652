"""Featurization: recipes → named numeric vectors (composition, coating, process, protocol).

``RecipeFeaturizer`` is the scikit-learn transformer; ``feature_groups()`` maps each feature to
its treatment group (cathode, coating_chemistry, coating_amount, coating_process, regeneration,
doping, protocol). See ``cathodeml.features.base`` for how to write a new featurizer.
"""

from cathodeml.features.base import GROUPS, BaseFeaturizer
from cathodeml.features.recipe import RecipeFeaturizer, feature_groups

__all__ = ["GROUPS", "BaseFeaturizer", "RecipeFeaturizer", "feature_groups"]
