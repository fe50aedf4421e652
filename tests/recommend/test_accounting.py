"""The account of a search: what was evaluated, dropped and why; candidates the model cannot tell apart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cathodeml.models.domain import count_reasons, reason
from cathodeml.recommend.search import RecommendConfig, search
from cathodeml.recommend.space import SearchSpace

SPACE = {
    "fixed": {"cathode": "NCM811", "electrolyte": "liquid", "cell_type": "half", "regen_method": "none"},
    "protocol": {"v_min": 2.8, "v_max": 4.3, "capacity_c_rate": 0.1, "cycle_c_rate": 1.0, "cycles": 100},
    "choices": {"coating": ["Al2O3", "none"]},
    "ranges": {"coating_wt_pct": {"min": 0.5, "max": 2.0, "step": 0.5}, "anneal_temp_c": {"min": 300, "max": 800, "step": 100}},
}


class BlindToAnneal:
    """A stand-in predictor (for the *model*; the search is under test): retention and capacity
    depend on the coating amount only, never on the anneal temperature; anneals above 600 °C are
    outside its training domain."""

    targets = {"retention_pct": None, "capacity_mah_g": None}

    def predict(self, frame, validate=True):
        wt = pd.to_numeric(frame["coating_wt_pct"]).fillna(0).to_numpy()
        anneal = pd.to_numeric(frame["anneal_temp_c"]).to_numpy()
        ret, cap = 80 + 5 * wt, 200 - 10 * wt
        hot = np.nan_to_num(anneal) > 600
        notes = [f"anneal_temp_c {a:g} °C above training max 600 °C" if h else "" for a, h in zip(anneal, hot)]
        return pd.DataFrame({
            "retention_pct_pred": ret, "retention_pct_lower": ret - 5, "retention_pct_upper": ret + 5,
            "capacity_mah_g_pred": cap, "capacity_mah_g_lower": cap - 5, "capacity_mah_g_upper": cap + 5,
            "in_domain": ~hot, "domain_notes": notes,
        })


def test_candidates_differing_only_in_what_the_model_ignores_are_one_row():
    space = SearchSpace.from_dict(SPACE)
    cfg = RecommendConfig((("retention_pct", True), ("capacity_mah_g", True)), n=20, trials=120, population=12, seed=3)
    found = search(BlindToAnneal(), space, cfg)
    table = found.table
    coated = table[table["coating"].notna()]
    assert not coated.duplicated(["coating", "coating_wt_pct"]).any()  # one row per distinguishable recipe
    assert len(table) == len(table.drop_duplicates([c for c in table if c.endswith("_pred")]))
    assert (coated["same_prediction"] == "anneal_temp_c 300–600 °C give the same retention and capacity predictions").all()
    assert (table.loc[table["coating"].isna(), "same_prediction"] == "").all()  # no amount to vary without a coating
    assert found.report.pareto > found.report.distinct == len(table)


def test_report_counts_every_drop_by_its_constraint_and_domain_rule():
    small = {"fixed": SPACE["fixed"] | {"coating": "Al2O3"}, "protocol": SPACE["protocol"],
             "ranges": {"coating_wt_pct": {"min": 1.0, "max": 1.5, "step": 0.5}, "anneal_temp_c": SPACE["ranges"]["anneal_temp_c"]},
             "constraints": ["capacity_mah_g >= 185"]}
    space = SearchSpace.from_dict(small)  # 2 amounts × 6 anneals: NSGA-II sees all 12 in 200 trials
    cfg = RecommendConfig((("retention_pct", True),), n=5, trials=200, population=20, seed=1)
    report = search(BlindToAnneal(), space, cfg).report
    assert report.evaluated == 12 and report.trials == 200
    # capacity lower bound = 195 − 10·wt < 185 for 1.5 wt %: counted on the bound it was applied to
    assert dict(report.constraints) == {"capacity_mah_g >= 185 (lower interval bound)": 6} and report.infeasible == 6
    assert report.out_of_domain == 4 and dict(report.domain_reasons) == {"anneal_temp_c above training max 600 °C": 4}
    assert report.feasible == 4  # 1.0 wt % at 300–600 °C
    text = "\n".join(report.lines())
    assert "6 break a constraint: capacity_mah_g >= 185 (lower interval bound): 6" in text
    assert "4 outside the training domain, dropped: anneal_temp_c above training max 600 °C: 4" in text


def test_no_feasible_candidate_still_says_why():
    space = SearchSpace.from_dict(SPACE | {"constraints": ["capacity_mah_g >= 1000"]})
    cfg = RecommendConfig((("retention_pct", True),), n=5, trials=40, population=10)
    found = search(BlindToAnneal(), space, cfg)
    assert found.table.empty and found.report.feasible == 0
    assert found.report.constraints["capacity_mah_g >= 1000 (lower interval bound)"] == found.report.evaluated


def test_domain_reasons_drop_what_is_particular_to_one_candidate():
    assert reason("anneal_temp_c 750 °C above training max 600 °C") == "anneal_temp_c above training max 600 °C"
    assert reason("capacity_mah_g model: coating_wt_pct 5.5 wt % above training max 3 wt %") == \
        "capacity_mah_g model: coating_wt_pct above training max 3 wt %"
    assert reason("far from every training recipe (distance 9.9 > 9.1)") == "far from every training recipe (distance > 9.1)"
    assert reason("rct_ohm model: outside its 8 training recipes (1 source, not validated across papers)") is None
    counts = count_reasons(["v_max 4.8 V above training max 4.6 V; coating element Ce never seen in training",
                            "v_max 4.9 V above training max 4.6 V", ""])
    assert counts == {"v_max above training max 4.6 V": 2, "coating element Ce never seen in training": 1}
