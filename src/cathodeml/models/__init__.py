"""Per-target regressors with conformal intervals, the applicability domain, and the
``CathodeModel`` that bundles them with the featurizer."""

from cathodeml.models.cathode_model import CathodeModel
from cathodeml.models.target import TargetRegressor

__all__ = ["CathodeModel", "TargetRegressor"]
