"""Which treatment matters: SHAP attributions (per feature and per treatment group),
counterfactuals, and their plots."""

from cathodeml.explain.attribution import Explainer, Explanation, TargetExplanation
from cathodeml.explain.counterfactuals import counterfactuals

__all__ = ["Explainer", "Explanation", "TargetExplanation", "counterfactuals"]
