"""``TargetRegressor``: one target's model as a scikit-learn estimator.

A measured property is learnt

* from **its own inputs** (``features``: initial capacity never sees the cycle count of the
  retention test; see :mod:`cathodeml.models.physics`),
* in the space where it behaves (``target_transform``: Rct in log10 Ω, retention as the log of the
  capacity lost, see :mod:`cathodeml.models.transforms`),
* by a base learner whose **monotone constraints** are given by feature *name*, in the target's
  own direction (``monotone``: retention non-increasing in cycles is ``-1``, flipped internally
  for a decreasing transform),
* with **smooth, additive** dependence on the features in ``smooth`` (``{feature: minimum slope
  in model space}``; see :mod:`cathodeml.models.smoothing`) — retention keeps fading with
  cycles instead of stepping once and plateauing,
* wrapped in a **conformal interval** calibrated on grouped out-of-fold residuals, per stratum
  (untreated, doped, coated, regenerated, solid-state: ``strata``) and widened by the share of ``key_features``
  that are unknown (see :mod:`cathodeml.models.conformal`).

Predictions are mapped back to the target's units and clipped to its physical ``bounds``.

Because it is an ordinary estimator (``__init__`` stores parameters, ``fit`` validates and sets
attributes ending in ``_``), scikit-learn's ``clone``, cross-validation and tuning work on it;
``tests/models/test_target.py`` runs ``parametrize_with_checks`` over it.

``estimator_`` is the full-data base learner on ``features_`` (model space); it is what SHAP
explains, and :meth:`extra_model_space` is the part of the prediction that belongs to the smooth
features outside the trees (their SHAP value carries it).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from itertools import product
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from cathodeml.models.conformal import Calibration, out_of_fold
from cathodeml.models.estimators import make_learner
from cathodeml.models.smoothing import SmoothCurve, split_values, staircase
from cathodeml.models.transforms import get_transform


def _weight_key(learner: Any) -> str:
    """How a learner takes sample weights (a pipeline routes them to its last step)."""
    steps = getattr(learner, "steps", None)
    return f"{steps[-1][0]}__sample_weight" if steps else "sample_weight"


def _beyond_usual(x: np.ndarray, ref: float, direction: int) -> np.ndarray:
    """How far ``x`` lies beyond the usual value ``ref`` in ``direction`` (+1 above, −1 below, 0
    either side): the spread a difficulty term widens the interval with."""
    return np.abs(x - ref) if direction == 0 else np.maximum(direction * (x - ref), 0.0)


class TargetRegressor(RegressorMixin, BaseEstimator):
    """One target: its inputs → transform → constrained learner (+ smooth terms) → conformal interval.

    Parameters
    ----------
    learner : {"xgboost", "ridge", "dummy"}
        The base learner (the baselines are evaluated through the same wrapper).
    params : dict or None
        XGBoost parameters over :data:`~cathodeml.models.estimators.DEFAULT_XGB_PARAMS`.
    features : tuple of str or None
        The input features this target may use (None = all).
    monotone : dict or None
        ``{feature: +1 | -1}`` in the target's direction; features not used are ignored.
    smooth : dict or None
        ``{feature: minimum slope}`` (model space per unit of the feature) of features that act
        additively through a smooth monotone curve (xgboost only).
    target_transform : {"identity", "log10", "fade"}
        Space the learner works in; predictions are mapped back. (Not called ``transform``:
        scikit-learn takes any estimator with a ``transform`` attribute for a transformer.)
    bounds : tuple or None
        ``(low, high)`` physical limits applied to predictions and interval bounds.
    key_features : tuple of str
        Features whose absence widens the interval.
    strata : tuple of (str, tuple of str)
        Mondrian strata in priority order: a row belongs to the first stratum one of whose
        features is > 0 (e.g. ``("coated", ("coating_present",))``); rows in none form stratum 0.
    interval_space : {"model", "units"}
        Where the conformal scores live: ``model`` gives multiplicative intervals in a log space
        (Rct), ``units`` symmetric ones in the target's units (retention: in the log-loss space a
        70 %-retention recipe would get a 40-point interval because the space is steep there).
    impute : tuple of str
        Features whose unknown values are replaced by the typical known *non-zero* value of the
        training rows (an unknown dopant amount = a typical doping level). XGBoost's monotone
        constraints do not bind the branch taken by missing values, so a monotone feature that
        may be unknown must be imputed for its direction to hold.
    difficulty : dict or None
        ``{feature: +1 | -1 | 0}``: features whose values beyond the usual ones (above the
        training rows' 10th percentile for +1, below their 90th for −1, away from their median
        on either side for 0) make a measurement harder to predict, so the interval widens with
        the distance (a capacity at 10 C depends on the electrode's loading and thickness, which
        no recipe states); an unknown value gets the average widening. Weights are fitted on the
        out-of-fold residuals with the unknown share (:func:`~cathodeml.models.conformal.fit_weights`).
        Where ``monotone`` fixes the direction, the side physics rules out is held to the usual
        test's bound (:meth:`predict_interval`).
    confidence : float or None
        Interval level; ``None`` fits the point model only (no calibration folds).
    n_splits, seed : int
        Calibration folds (grouped by ``groups`` when given to :meth:`fit`) and the seed.
    """

    def __init__(self, learner: str = "xgboost", params: Mapping[str, Any] | None = None,
                 features: tuple[str, ...] | None = None, monotone: Mapping[str, int] | None = None,
                 smooth: Mapping[str, float] | None = None, target_transform: str = "identity",
                 bounds: tuple[float, float] | None = None, key_features: tuple[str, ...] = (),
                 strata: tuple[tuple[str, tuple[str, ...]], ...] = (), interval_space: str = "model",
                 impute: tuple[str, ...] = (), difficulty: Mapping[str, int] | None = None,
                 confidence: float | None = 0.9, n_splits: int = 5, seed: int = 42):
        self.learner = learner
        self.params = params
        self.features = features
        self.monotone = monotone
        self.smooth = smooth
        self.target_transform = target_transform
        self.bounds = bounds
        self.key_features = key_features
        self.strata = strata
        self.interval_space = interval_space
        self.impute = impute
        self.difficulty = difficulty
        self.confidence = confidence
        self.n_splits = n_splits
        self.seed = seed

    # ---- fitting -----------------------------------------------------------------------------
    def fit(self, X: Any, y: Any, groups: np.ndarray | None = None, sample_weight: np.ndarray | None = None,
            calibrate: np.ndarray | None = None) -> TargetRegressor:
        """Fit on a feature matrix (a DataFrame gives the feature names) and targets in units.

        ``sample_weight`` weighs rows in the learner's loss (e.g. a lab's own rows against the
        literature, or augmented copies). ``calibrate`` (boolean mask) says which rows are real
        measurements the interval may be calibrated on (default: all); augmented copies are
        learnt from but never calibrate, and folds keep them with their source.
        """
        tf = get_transform(self.target_transform)
        if self.confidence is not None and not 0.5 <= self.confidence < 1:
            raise ValueError(f"confidence {self.confidence} must be in [0.5, 1) or None")
        X, y = validate_data(self, X, y, dtype=np.float32, ensure_all_finite="allow-nan", y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        names = list(getattr(self, "feature_names_in_", [f"x{i}" for i in range(X.shape[1])]))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = tf.forward(y)
        if not np.isfinite(z).all():
            raise ValueError(f"targets must be finite after the {self.target_transform} transform (log10 needs values > 0)")
        used = list(self.features) if self.features is not None else names
        missing = [f for f in used if f not in names]
        if missing:
            raise ValueError(f"features {missing} are not among the {len(names)} input features")
        self.features_ = tuple(used)
        self.columns_ = np.array([names.index(f) for f in used], dtype=np.int64)
        self.impute_values_ = {}
        for f in self.impute:
            if f in used:
                col = X[:, names.index(f)].astype(float)
                known = col[np.isfinite(col)]
                nonzero = known[known != 0]
                self.impute_values_[used.index(f)] = float(np.median(nonzero if len(nonzero) else known)) if len(known) else 0.0
        Xu = self._imputed(X[:, self.columns_])
        smooth = dict(self.smooth or {}) if self.learner == "xgboost" else {}
        sign = 1 if tf.increasing else -1
        unknown = sorted(set(self.monotone or {}) - set(names))
        if unknown:  # a typo in a constraint must not pass silently (a feature left out by `features` may)
            raise ValueError(f"monotone constraint features not produced by the featurizer: {unknown}")
        monotone = {f: sign * int(d) for f, d in (self.monotone or {}).items() if f in used}
        self.smooth_index_ = {f: used.index(f) for f in smooth if f in used}
        self.smooth_ref_ = {f: float(np.nanmedian(Xu[:, j])) if np.isfinite(Xu[:, j]).any() else 0.0
                            for f, j in self.smooth_index_.items()}
        self.smooth_slope_ = {f: float(smooth[f]) for f in self.smooth_index_}
        z_fit = z - self._offset(Xu)
        base = make_learner(self.learner, used, monotone if self.learner == "xgboost" else None, self.params, self.seed)
        if self.smooth_index_:
            alone = sorted(self.smooth_index_.values())
            others = [j for j in range(len(used)) if j not in alone]
            base.set_params(interaction_constraints=str([[j] for j in alone] + ([others] if others else [])))
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        if weights is not None and (weights.shape != (len(y),) or not np.isfinite(weights).all()
                                    or (weights < 0).any() or weights.sum() <= 0):
            raise ValueError("sample_weight must be one finite, non-negative weight per row, not all zero")
        if weights is not None and np.all(weights == weights[0]):
            weights = None  # equal weights are no weights (and keep the unweighted solvers, bit for bit)
        self.estimator_ = clone(base).fit(Xu, z_fit, **({} if weights is None else {_weight_key(base): weights}))
        if hasattr(self.estimator_, "set_params") and "n_jobs" in self.estimator_.get_params():
            # Trained on one thread (deterministic); predictions do not depend on the thread count.
            self.estimator_.set_params(n_jobs=-1)
        self.curves_ = {}
        for f, j in self.smooth_index_.items():
            t = Xu[:, j]
            if not np.isfinite(t).any():
                continue
            lo, hi = float(np.nanmin(t)), float(np.nanmax(t))
            with warnings.catch_warnings():  # all-unknown columns are expected (unused treatments)
                warnings.simplefilter("ignore", RuntimeWarning)
                reference = np.nan_to_num(np.nanmedian(Xu, axis=0))
            splits = split_values(self.estimator_.get_booster(), j)
            self.curves_[f] = SmoothCurve.fit(splits, staircase(self.estimator_.predict, reference, j, splits), lo, hi)
        real = np.ones(len(y), bool) if calibrate is None else np.asarray(calibrate, dtype=bool)
        self.n_train_ = int(real.sum())  # measured rows (augmented copies are not measurements)
        self.n_sources_ = int(len(np.unique(np.asarray(groups)[real]))) if groups is not None else 1
        self.calibration_ = None
        if self.interval_space not in ("model", "units"):
            raise ValueError(f"interval_space {self.interval_space!r} is not 'model' or 'units'")
        if self.confidence is not None:
            oof = self._out_of_fold(X, y, groups, weights)
            residual = z - oof if self.interval_space == "model" else y - self._clip(tf.inverse(oof))
            self.difficulty_ = self._difficulty_terms(X[real], names)
            spread, _ = self._spread(X)
            self.calibration_ = Calibration.fit(residual[real], self._unknown_share(X)[real], self._strata(X)[real],
                                                self.confidence, None if spread is None else spread[real])
        return self

    def _out_of_fold(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray | None,
                     weights: np.ndarray | None) -> np.ndarray:
        """Model-space predictions of each row by a model that did not see its source."""
        point = clone(self).set_params(confidence=None)
        return out_of_fold(point, self._frame(X), y, groups, self.seed, self.n_splits, weights)

    def _frame(self, X: np.ndarray):
        """X with this model's input names again (the fold models resolve features by name)."""
        if not hasattr(self, "feature_names_in_"):
            return X
        import pandas as pd

        return pd.DataFrame(X, columns=self.feature_names_in_)

    # ---- the pieces of a prediction ----------------------------------------------------------
    def _offset(self, Xu: np.ndarray) -> np.ndarray:
        """The fixed minimum slope of each smooth feature (0 where the feature is unknown)."""
        out = np.zeros(len(Xu))
        for f, j in self.smooth_index_.items():
            out += np.nan_to_num(self.smooth_slope_[f] * (Xu[:, j].astype(float) - self.smooth_ref_[f]))
        return out

    def _unknown_share(self, X: np.ndarray) -> np.ndarray:
        names = list(getattr(self, "feature_names_in_", []))
        idx = [names.index(f) for f in self.key_features if f in names]
        if not idx:
            return np.zeros(len(X))
        return np.isnan(X[:, idx]).mean(axis=1)

    def _difficulty_terms(self, X: np.ndarray, names: list[str]) -> dict[str, tuple[int, float, int, float, int, tuple[float, ...]]]:
        """Per difficulty feature: (column, usual value, direction, spread of an unknown value,
        the sign the target can only move in as the feature makes a row harder — from
        ``monotone``, 0 where nothing is held —, the learner's split values of the feature)."""
        terms = {}
        for f, d in (self.difficulty or {}).items():
            if f not in names:
                raise ValueError(f"difficulty feature {f!r} is not among the input features")
            if d not in (1, -1, 0):
                raise ValueError(f"difficulty direction of {f!r} must be +1, -1 or 0, not {d!r}")
            col = X[:, names.index(f)].astype(float)
            known = col[np.isfinite(col)]
            if not len(known):
                continue
            ref = float(np.percentile(known, 10 if d > 0 else 90 if d < 0 else 50))
            spread = _beyond_usual(known, ref, d)
            # The held side needs a direction the learner enforces (only XGBoost does; ridge and
            # the mean are baselines) on a feature the model reads.
            enforced = self.learner == "xgboost" and f in self.features_
            mono = int((self.monotone or {}).get(f, 0)) if enforced else 0
            splits = tuple(float(v) for v in split_values(self.estimator_.get_booster(), self.features_.index(f))) \
                if mono else ()
            terms[f] = (names.index(f), ref, int(d), float(spread.mean()), mono, splits)
        return terms

    def _difficulty_values(self, X: np.ndarray) -> np.ndarray | None:
        """The difficulty features' columns of ``X`` (n × k, in ``difficulty_`` order); None without any."""
        terms = getattr(self, "difficulty_", {})
        return X[:, [t[0] for t in terms.values()]].astype(float) if terms else None

    def _spread(self, X: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
        """How far each difficulty feature lies beyond its usual value (n × k; an unknown value
        gets the training rows' mean spread: the expected difficulty), and the side (n × k) the
        target can only move to as the row gets harder (0: either)."""
        V = self._difficulty_values(X)
        return (None, None) if V is None else self._spread_of(V)

    def _spread_of(self, V: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`_spread` from the difficulty features' values (n × k, in ``difficulty_`` order)."""
        spreads, sides = [], []
        for k, (_j, ref, d, unknown, mono, _splits) in enumerate(self.difficulty_.values()):
            x = V[:, k]
            spreads.append(np.where(np.isfinite(x), _beyond_usual(x, ref, d), unknown))
            e = mono * (np.sign(x - ref) if d == 0 else d) * np.ones(len(x))
            sides.append(np.where(np.isfinite(x), e, 0.0))
        return np.column_stack(spreads), np.column_stack(sides)

    def _strata(self, X: np.ndarray) -> np.ndarray:
        """Stratum of each row: 1 + the index of the first stratum it belongs to, else 0."""
        names = list(getattr(self, "feature_names_in_", []))
        out = np.zeros(len(X), dtype=np.int64)
        for k in range(len(self.strata) - 1, -1, -1):  # first match wins: assign in reverse
            idx = [names.index(f) for f in self.strata[k][1] if f in names]
            if idx:
                out[(np.nan_to_num(X[:, idx]) > 0).any(axis=1)] = k + 1
        return out

    def _matrix(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        if hasattr(X, "columns"):
            return validate_data(self, X, reset=False, dtype=np.float32, ensure_all_finite="allow-nan")
        X = check_array(X, dtype=np.float32, ensure_all_finite="allow-nan")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input")
        return X

    def _imputed(self, Xu: np.ndarray, copy: bool = True) -> np.ndarray:
        if not self.impute_values_:
            return Xu
        if copy:
            Xu = Xu.copy()
        for j, value in self.impute_values_.items():
            col = Xu[:, j]
            col[np.isnan(col)] = value
        return Xu

    def model_matrix(self, X: Any) -> np.ndarray:
        """The columns of ``X`` the base learner reads, imputed (what SHAP explains)."""
        return self._columns(self._matrix(X))

    def _columns(self, X: np.ndarray) -> np.ndarray:
        # The column selection copies, so the imputation may work in place. np.take, not X[:, cols]:
        # the same copy, 2–3× faster on a million-row C-ordered matrix.
        return self._imputed(np.take(X, self.columns_, axis=1), copy=False)

    def extra_by_feature(self, Xu: np.ndarray) -> dict[str, np.ndarray]:
        """Per smooth feature and row, what it adds outside the trees (minimum slope + smoothing)."""
        out = {}
        for f, j in self.smooth_index_.items():
            t = Xu[:, j].astype(float)
            out[f] = np.nan_to_num(self.smooth_slope_[f] * (t - self.smooth_ref_[f]))
            if f in self.curves_:
                out[f] = out[f] + self.curves_[f].correction(t)
        return out

    def extra_model_space(self, Xu: np.ndarray) -> np.ndarray:
        extra = np.zeros(len(Xu))
        for v in self.extra_by_feature(Xu).values():
            extra += v
        return extra

    def predict_model_space(self, X: Any) -> np.ndarray:
        """The prediction in model space (log10 Ω for Rct): what SHAP values add up to."""
        return self._model_space(self._matrix(X))

    def _model_space(self, X: np.ndarray) -> np.ndarray:
        return self._model_space_of(self._columns(X))

    def _model_space_of(self, Xu: np.ndarray) -> np.ndarray:
        """Model-space prediction from the learner's own (imputed) columns: trees + smooth terms."""
        return np.asarray(self.estimator_.predict(Xu), dtype=np.float64) + self.extra_model_space(Xu)

    def predict_interval(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point, lower, upper) in the target's units, clipped to ``bounds``; NaN bounds = no interval.

        Where ``monotone`` fixes how a difficulty feature moves the target, the bound on the side
        it cannot move to is the lowest (upper side) or highest (lower side) bound the same recipe
        gets anywhere between the feature's usual value and its own (jointly over every such
        feature): the same cell cannot give more capacity at 5 C than at 2 C, nor retain more at
        60 °C than at 45 °C, so along a sweep that bound never moves the wrong way, while the
        other side widens with the difficulty. The trees are constant between their split values
        and σ grows away from the usual value, so the extreme lies on the usual value or a split
        value: those are the only candidates evaluated (:meth:`_held_bound`)."""
        X = self._matrix(X)
        Xu = self._columns(X)
        z = self._model_space_of(Xu)
        if self.calibration_ is None:
            return self._bounds(z, np.full(len(z), np.nan))
        share, strata = self._unknown_share(X), self._strata(X)
        V = self._difficulty_values(X)  # gathered once: the held bounds need the values too
        spread, side = (None, None) if V is None else self._spread_of(V)
        point, lo, hi = self._bounds(z, self.calibration_.halfwidth(share, strata, spread))
        if side is None or not np.isfinite(hi).any():
            return point, lo, hi
        for upper, sign in ((True, -1), (False, 1)):
            blocked = (side * sign > 0) & (spread > 0)
            if blocked.any():
                rows = np.flatnonzero(blocked.any(axis=1))
                self._held_bound(Xu[rows], V[rows], share[rows], strata[rows], blocked[rows], upper,
                                 hi if upper else lo, rows)
        return point, lo, hi

    def _held_bound(self, Xu: np.ndarray, V: np.ndarray, share: np.ndarray, strata: np.ndarray,
                    blocked: np.ndarray, upper: bool, bound: np.ndarray, rows: np.ndarray) -> None:
        """Replace ``bound[rows]`` (in place) by its extreme over the candidate values of the
        blocked features of each row: the usual value and the split values between it and the
        row's own. ``Xu``, ``V``, ``share``, ``strata`` and ``blocked`` are those rows' learner
        columns, difficulty values, unknown share, stratum and held features. A copy keeps its
        row's unknown share and stratum (a candidate value is known where the row's own was)."""
        terms = list(self.difficulty_.values())
        options = []  # per difficulty term: (learner column, candidate values, rows × candidates validity)
        for k, (_j, ref, _d, _u, _m, splits) in enumerate(terms):
            x, b = V[:, k], blocked[:, k]
            up = np.asarray([v for v in splits if v > ref], dtype=np.float64)
            down = np.asarray([v for v in splits if v < ref], dtype=np.float64)
            # a split v sends values ≥ v right: above the usual value the piece starting at v is
            # evaluated at v, below it the piece ending at v just under v
            values = np.r_[ref, up, np.nextafter(down.astype(np.float32), np.float32(-np.inf))].astype(np.float32)
            valid = np.zeros((len(V), len(values)), bool)
            valid[:, 0] = b
            valid[:, 1:1 + len(up)] = b[:, None] & (x[:, None] >= up[None, :])
            valid[:, 1 + len(up):] = b[:, None] & (x[:, None] < down[None, :])
            column = self.features_.index(list(self.difficulty_)[k]) if terms[k][4] else -1
            options.append((column, values, valid))
        pieces = []
        for combo in product(*[range(-1, len(v)) for _, v, _ in options]):
            if all(c < 0 for c in combo):
                continue  # the row itself: already evaluated
            take = np.ones(len(V), bool)
            for (_, _, valid), c in zip(options, combo):
                if c >= 0:
                    take &= valid[:, c]
            if not take.any():
                continue
            Z, W = Xu[take].copy(), V[take].copy()
            for k, ((column, values, _), c) in enumerate(zip(options, combo)):
                if c >= 0:
                    Z[:, column] = values[c]
                    W[:, k] = values[c]
            pieces.append((Z, W, np.flatnonzero(take)))
        if not pieces:
            return
        Z = np.concatenate([p[0] for p in pieces])
        W = np.concatenate([p[1] for p in pieces])
        at = np.concatenate([p[2] for p in pieces])
        half = self.calibration_.halfwidth(share[at], strata[at], self._spread_of(W)[0])
        _, c_lo, c_hi = self._bounds(self._model_space_of(Z), half)
        (np.minimum if upper else np.maximum).at(bound, rows[at], c_hi if upper else c_lo)

    def _bounds(self, z: np.ndarray, half: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point, lower, upper) in units from model-space predictions and half-widths."""
        tf = get_transform(self.target_transform)
        point = self._clip(tf.inverse(z))
        if self.interval_space == "units":
            return point, self._clip(point - half), self._clip(point + half)
        a, b = tf.inverse(z - half), tf.inverse(z + half)
        lo, hi = (a, b) if tf.increasing else (b, a)
        return point, self._clip(lo), self._clip(hi)

    def _clip(self, v: np.ndarray) -> np.ndarray:
        return v if self.bounds is None else np.clip(v, *self.bounds)

    def predict(self, X: Any) -> np.ndarray:
        """The point prediction in the target's units (no interval computed)."""
        tf = get_transform(self.target_transform)
        return self._clip(tf.inverse(self._model_space(self._matrix(X))))

    def __setstate__(self, state: dict) -> None:
        # Models pickled before a parameter existed get its default (their intervals were
        # calibrated without it, so they stay valid).
        state.setdefault("difficulty", None)
        old = state.pop("difficulty_ref_", None)  # the first difficulty version (never released):
        if old and "difficulty_" not in state:  # no unknown-value widening, no held bounds
            names = list(state.get("feature_names_in_", []))
            state["difficulty_"] = {f: (names.index(f), ref, d, 0.0, 0, ()) for f, (ref, d) in old.items()}
        terms = state.get("difficulty_") or {}
        if any(len(t) == 5 for t in terms.values()):  # a version without split values: no held bounds
            state["difficulty_"] = {f: (*t[:4], 0, ()) if len(t) == 5 else t for f, t in terms.items()}
        self.__dict__.update(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
