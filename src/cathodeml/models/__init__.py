"""Per-target regressors, conformal intervals and the applicability domain."""
