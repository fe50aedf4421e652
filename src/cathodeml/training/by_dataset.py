"""How a model does on each dataset it was trained on — a lab's own rows beside the literature's.

The cross-validation of :func:`cathodeml.training.train.train` runs once over all rows (a lab's
batches are groups like papers); here its out-of-fold predictions are split by the dataset each
row came from, so every number is on the **same folds** as the headline:

* each model of the CV (XGBoost and the mean and ridge baselines) on the dataset's rows;
* for a lab, the baseline a lab would use without any model: **the lab's own mean** — each row
  predicted by the mean of the lab's rows in the other folds (log10 mean for Rct);
* for a lab trained beside other data, the error on its rows of the model trained on **the other
  datasets only** (no lab row seen): what the literature alone would have told the lab.

:func:`validation_status` says per target whether the model was validated across sources
(papers or batches) with an interval, or is still "not validated across papers".
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from cathodeml.models.conformal import min_calibration_rows
from cathodeml.schema import LOG10_TARGETS
from cathodeml.training.config import TrainConfig
from cathodeml.training.cv import OutOfFold
from cathodeml.training.train import TrainingData, TrainResult, train

LAB_MEAN = "lab_mean"
LITERATURE_ONLY = "other_datasets_only"


def _subset(o: OutOfFold, sel: np.ndarray) -> OutOfFold:
    return OutOfFold(o.y[sel], o.pred[sel], o.lower[sel], o.upper[sel], o.fold[sel])


def _own_mean(o: OutOfFold, sel: np.ndarray, log10: bool) -> OutOfFold:
    """Each selected row predicted by the mean of the *other folds'* selected rows (no interval)."""
    y = np.log10(o.y) if log10 else o.y
    pred = np.full(int(sel.sum()), np.nan)
    folds = o.fold[sel]
    ys = y[sel]
    for f in np.unique(folds[folds >= 0]):
        train = (folds != f) & (folds >= 0)
        if train.any():
            pred[folds == f] = ys[train].mean()
    pred = 10 ** pred if log10 else pred
    nan = np.full(len(pred), np.nan)
    return OutOfFold(o.y[sel], pred, nan, nan, folds)


def _other_datasets_model(cfg: TrainConfig, data: TrainingData, targets: list[str]):
    others = np.array([p.name for p in data.parts if p.kind != "lab"], dtype=object)
    keep = np.isin(data.origin, others)
    frame = data.frame.loc[keep].reset_index(drop=True)
    usable = [t for t in targets if frame[t].notna().sum() >= 3]
    if not usable:
        return None
    return train(cfg.updated(targets=usable), frame, evaluate=False).model


def dataset_metrics(result: TrainResult, data: TrainingData, cfg: TrainConfig, *,
                    other_datasets_model: bool = True) -> dict[str, dict[str, dict[str, Any]]]:
    """``{target: {dataset: {"n", "kind", split: {model: metrics}, "other_datasets_only": metrics}}}``
    for data of two or more datasets (else ``{}``). Rct metrics are in log10 Ω, as in the CV table."""
    if len(data.parts) < 2 or data.origin is None:
        return {}
    kinds = {p.name: p.kind for p in data.parts}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    lab_targets = []
    for t, splits in result.oof.items():
        log10 = t in LOG10_TARGETS
        origin = data.origin[data.frame[t].notna().to_numpy()]
        out[t] = {}
        for name in [p.name for p in data.parts]:
            sel = origin == name
            if not sel.any():
                continue
            entry: dict[str, Any] = {"n": int(sel.sum()), "kind": kinds[name]}
            for split, models in splits.items():
                entry[split] = {m: _subset(o, sel).metrics(log10) for m, o in models.items()}
                if kinds[name] == "lab" and models:
                    entry[split][LAB_MEAN] = _own_mean(next(iter(models.values())), sel, log10).metrics(log10)
            out[t][name] = entry
            if kinds[name] == "lab" and any(k != "lab" for k in kinds.values()):
                lab_targets.append(t)
    if other_datasets_model and lab_targets:
        model = _other_datasets_model(cfg, data, sorted(set(lab_targets), key=list(result.oof).index))
        if model is not None:
            for t in (t for t in model.targets if t in out):
                log10 = t in LOG10_TARGETS
                measured = data.frame[t].notna().to_numpy()
                for name, entry in out[t].items():
                    if entry["kind"] != "lab":
                        continue
                    rows = data.frame.loc[measured & (data.origin == name)].reset_index(drop=True)
                    p = model.predict(rows, validate=False)
                    o = OutOfFold(rows[t].to_numpy(dtype=float), p[f"{t}_pred"].to_numpy(dtype=float),
                                  p[f"{t}_lower"].to_numpy(dtype=float), p[f"{t}_upper"].to_numpy(dtype=float),
                                  np.zeros(len(rows), dtype=int))
                    entry[LITERATURE_ONLY] = o.metrics(log10)
    return out


def validation_status(result: TrainResult, cfg: TrainConfig, frame) -> dict[str, dict[str, Any]]:
    """Per target: measured rows and sources of ``frame`` (the training frame) it was trained on,
    whether grouped CV ran, whether it has an interval, and one sentence saying so. A target is
    *validated* when it has rows from at least ``cfg.domain.min_sources`` sources and enough rows
    to calibrate its interval."""
    need = min_calibration_rows(cfg.confidence)
    out = {}
    for t, reg in result.model.targets.items():
        measured = frame[t].notna()
        n, k = int(measured.sum()), int(frame.loc[measured, "source"].nunique())
        cal = getattr(reg, "calibration_", None)
        interval = cal is not None and np.isfinite(cal.quantiles.get(-1, np.nan))
        grouped = "grouped" in result.metrics.get(t, {})
        validated = k >= cfg.domain.min_sources and n >= need and interval
        src = "source" if k == 1 else "sources"
        if validated:
            note = f"{t}: {n} rows from {k} {src}, validated by grouped CV across them; {cfg.confidence:.0%} interval"
        else:
            why = [f"{k} {src}" if k < cfg.domain.min_sources else "", f"fewer than {need} rows" if n < need else ""]
            note = (f"{t}: {n} rows ({', '.join(w for w in why if w) or 'no interval'}): not validated across papers"
                    f"{'' if grouped else ' (random CV only)'}; {'an' if interval else 'no'} interval")
        out[t] = {"rows": n, "sources": k, "grouped_cv": grouped, "interval": bool(interval), "validated": bool(validated),
                  "note": note}
    return out


def annotate(result: TrainResult, data: TrainingData, cfg: TrainConfig) -> None:
    """Add ``by_dataset`` (:func:`dataset_metrics`) and ``validation`` (:func:`validation_status`)
    to each target's ``result.diagnostics``."""
    by = dataset_metrics(result, data, cfg)
    status = validation_status(result, cfg, data.frame)
    for t in result.model.targets:
        d = result.diagnostics.setdefault(t, {})
        d["validation"] = status[t]
        if t in by:
            d["by_dataset"] = by[t]


def write_report(result: TrainResult, out: Path) -> dict[str, Path]:
    """``metrics_by_dataset.json`` (per target: validation status, metrics per dataset) in ``out``."""
    doc = {t: {k: d[k] for k in ("validation", "by_dataset") if k in d} for t, d in result.diagnostics.items()}
    if not doc:
        return {}
    path = Path(out) / "metrics_by_dataset.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc, indent=2, default=float) + "\n", encoding="utf-8")
    tmp.replace(path)
    return {"metrics_by_dataset": path}


def metric_key(name: str) -> str:
    """A dataset name as part of an MLflow metric key (``lab:demo`` → ``lab.demo``)."""
    return re.sub(r"[^\w.\- /]", ".", name)


def dataset_metric_items(result: TrainResult) -> dict[str, float]:
    """``T.dataset.<name>.<split>.<model>.<metric>`` for MLflow."""
    items = {}
    for t, d in result.diagnostics.items():
        for name, entry in d.get("by_dataset", {}).items():
            head = f"{t}.dataset.{metric_key(name)}"
            for split, models in entry.items():
                if split in ("grouped", "random"):
                    for m, ms in models.items():
                        items |= {f"{head}.{split}.{m}.{k}": float(v) for k, v in ms.items()}
                elif split == LITERATURE_ONLY:
                    items |= {f"{head}.{split}.{k}": float(v) for k, v in models.items()}
    return items
