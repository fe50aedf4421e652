"""``RecipeFeaturizer``: recipe table → named feature matrix, as a scikit-learn transformer.

It stacks the small featurizers of this package, names every column, maps every column to a
treatment group (for SHAP aggregation) and fingerprints the feature set, so that a trained model
can refuse features computed by a different version.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from cathodeml.data.defaults import with_defaults
from cathodeml.schema import CANONICAL, NUMERIC, SPECS
from cathodeml.features import coating as coating_mod
from cathodeml.features.base import GROUPS, BaseFeaturizer
from cathodeml.features.cathode import CathodeCompositionFeaturizer, CathodeStateFeaturizer
from cathodeml.features.coating import CoatingAmountFeaturizer, CoatingChemistryFeaturizer, CoatingProcessFeaturizer
from cathodeml.features.elements import PROPERTIES
from cathodeml.features.process import DopingFeaturizer, RegenerationFeaturizer
from cathodeml.features.protocol import ProtocolFeaturizer

#: Bump when a featurizer's meaning changes without its labels changing.
FEATURE_LOGIC_VERSION = 2  # 2: blanks read through cathodeml.data.defaults


def default_featurizers() -> list[BaseFeaturizer]:
    """The featurizers of the default feature set, in output order."""
    return [
        CathodeCompositionFeaturizer(),
        CathodeStateFeaturizer(),
        CoatingChemistryFeaturizer(),
        CoatingAmountFeaturizer(),
        CoatingProcessFeaturizer(),
        RegenerationFeaturizer(),
        DopingFeaturizer(),
        ProtocolFeaturizer(),
    ]


def as_recipe_frame(X: pd.DataFrame) -> pd.DataFrame:
    """Accept a typed recipe frame (from ``read_recipes``) or any frame with canonical columns.

    Missing canonical columns are added as unknown; numeric columns must already be numeric —
    raw text is refused (run it through ``read_recipes`` / ``check_frame`` first), because
    turning "4,3" into a number is the reader's job, done with an error report.
    """
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"RecipeFeaturizer takes a pandas DataFrame of recipe columns, got {type(X).__name__}")
    missing = [c for c in CANONICAL if c not in X.columns]
    frame = X.assign(**{c: np.nan for c in missing}) if missing else X
    for c in NUMERIC:
        if not (pd.api.types.is_numeric_dtype(frame[c]) or frame[c].isna().all()):
            raise TypeError(f"column {c} holds text; read the table with cathodeml.data.read_recipes first")
    for c in CANONICAL:
        if SPECS[c].kind in ("str", "enum") and frame[c].dtype != object:
            frame = frame.assign(**{c: frame[c].astype(object).where(frame[c].notna(), np.nan)})
    return frame


class RecipeFeaturizer(TransformerMixin, BaseEstimator):
    """Turn recipes into the feature matrix every cathodeml model uses.

    Parameters
    ----------
    featurizers : list of BaseFeaturizer or None
        ``None`` = :func:`default_featurizers`.

    ``transform`` returns float32 (what XGBoost uses internally; halves memory at screening scale).

    Fitted attributes: ``feature_names_in_`` (the recipe columns the featurizers read, in their
    order) and ``n_features_in_``, ``feature_names_out_``, ``feature_groups_`` ({label: group}),
    ``feature_set_version_`` (sha256 fingerprint), ``n_features_out_``.

    The input is a recipe *table* (a DataFrame with canonical columns, missing ones read as
    unknown), not a numeric matrix: the scikit-learn checks that feed random numbers are listed,
    with the reason, in ``tests/features/test_recipe.py``.
    """

    def __init__(self, featurizers: list[BaseFeaturizer] | None = None):
        self.featurizers = featurizers

    def _featurizers(self) -> list[BaseFeaturizer]:
        return default_featurizers() if self.featurizers is None else list(self.featurizers)

    def fit(self, X: pd.DataFrame, y=None) -> RecipeFeaturizer:
        as_recipe_frame(X)
        feats = self._featurizers()
        labels = [label for f in feats for label in f.feature_labels()]
        if len(set(labels)) != len(labels):
            dup = sorted({x for x in labels if labels.count(x) > 1})
            raise ValueError(f"featurizers produce duplicate labels: {dup}")
        groups, sources = {}, {}
        for f in feats:
            if f.group not in GROUPS:
                raise ValueError(f"{type(f).__name__}.group = {f.group!r} is not one of {GROUPS}")
            groups.update(f.feature_groups())
            sources.update(f.feature_sources())
        self.featurizers_ = feats
        read = [c for f in feats for c in f.columns]
        self.feature_names_in_ = np.asarray(list(dict.fromkeys(read)), dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        self.feature_names_out_ = np.asarray(labels, dtype=object)
        self.feature_groups_ = groups
        self.feature_sources_ = sources
        self.n_features_out_ = len(labels)
        self.feature_set_version_ = feature_set_version(feats)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "featurizers_")
        frame = with_defaults(as_recipe_frame(X))
        # Filled block by block into one preallocated float32 array: XGBoost computes in float32
        # anyway, and at a million rows the float64 matrix (1 GB) costs seconds of page faults.
        out = np.empty((len(frame), self.n_features_out_), dtype=np.float32)
        j = 0
        for f in self.featurizers_:
            block = f.featurize_frame(frame)
            out[:, j : j + block.shape[1]] = block
            j += block.shape[1]
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "featurizers_")
        return self.feature_names_out_.copy()

    def citations(self) -> list[str]:
        return sorted({c for f in self._featurizers() for c in f.citations()})

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True  # NaN = unknown, a value every recipe column may hold
        tags.requires_fit = True
        return tags


def feature_set_version(featurizers: list[BaseFeaturizer]) -> str:
    """Fingerprint of everything that defines the features: labels, groups, data tables."""
    payload = {
        "logic": FEATURE_LOGIC_VERSION,
        "featurizers": [type(f).__name__ for f in featurizers],
        "labels": [label for f in featurizers for label in f.feature_labels()],
        "groups": [f.group for f in featurizers],
        "magpie": list(PROPERTIES),
        "densities": coating_mod.DENSITY_G_CM3,
        "class_densities": coating_mod.CLASS_DENSITY_G_CM3,
        "core_density": coating_mod.CORE_DENSITY_G_CM3,
        "radii": coating_mod.PARTICLE_RADIUS_NM,
        "blocking": [coating_mod.BLOCKING_THICKNESS_NM, coating_mod.BLOCKING_WT_PCT],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def feature_groups() -> dict[str, str]:
    """{feature label: treatment group} of the default feature set."""
    return {k: v for f in default_featurizers() for k, v in f.feature_groups().items()}


def feature_table(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """(``record_id`` + the named feature columns, feature-set version) of a typed recipe frame."""
    f = RecipeFeaturizer().fit(frame)
    X = pd.DataFrame(f.transform(frame), columns=f.get_feature_names_out())
    record_id = frame["record_id"] if frame["record_id"].notna().any() else pd.Series(range(1, len(frame) + 1))
    X.insert(0, "record_id", record_id.to_numpy())
    return X, f.feature_set_version_
