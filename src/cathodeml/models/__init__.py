"""Per-target regressors, conformal intervals and the ``CathodeModel`` that bundles them."""

from cathodeml.models.cathode_model import CathodeModel, TargetModel

__all__ = ["CathodeModel", "TargetModel"]
