"""Coating featurizers, against values worked out by hand.

Shell model check: 1 wt % Al2O3 (3.95 g/cm³) on a 5 µm NCM sphere (4.75 g/cm³):
w·ρcore/ρcoat = 0.01·4.75/3.95 = 0.0120253, ∛1.0120253 = 1.0039925, t = 5000 nm · 0.0039925 ≈ 19.96 nm
(the thin-shell estimate r·w·ρcore/(3ρcoat) = 20.04 nm agrees).
"""

import numpy as np
import pandas as pd
import pytest

from cathodeml.data.coatings import COATING_CLASSES
from cathodeml.features.coating import (
    BLOCKING_THICKNESS_NM,
    BLOCKING_WT_PCT,
    CoatingAmountFeaturizer,
    CoatingChemistryFeaturizer,
    CoatingProcessFeaturizer,
    coating_density,
    thickness_from_wt,
    wt_from_thickness,
)

CHEM = CoatingChemistryFeaturizer()


def _chem(coating) -> dict[str, float]:
    return dict(zip(CHEM.feature_labels(), CHEM.featurize(coating)))


def test_uncoated_is_absent_not_unknown():
    row = _chem(None)
    assert (row["coating_present"], row["coating_n_components"]) == (0.0, 0.0)
    assert np.isnan([row["coating_contains_li"], row["coating_class_oxide"], row["coating_magpie_mean_Number"]]).all()


def test_an_oxide_coating():
    row = _chem("Al2O3")
    assert (row["coating_present"], row["coating_n_components"], row["coating_contains_li"], row["coating_named_material"]) == (1, 1, 0, 0)
    assert [row[f"coating_class_{c}"] for c in COATING_CLASSES] == [1.0] + [0.0] * (len(COATING_CLASSES) - 1)
    assert row["coating_magpie_mean_Number"] == pytest.approx((2 * 13 + 3 * 8) / 5)  # Al 13, O 8
    assert row["coating_magpie_minimum_Number"] == 8 and row["coating_magpie_maximum_Number"] == 13


def test_a_mixture_weights_its_components_equally():
    row = _chem("Al2O3+LiF")
    assert row["coating_n_components"] == 2 and row["coating_contains_li"] == 1
    assert (row["coating_class_oxide"], row["coating_class_fluoride"]) == (0.5, 0.5)
    # Al .4 O .6 and Li .5 F .5, averaged: Al .2, O .3, Li .25, F .25 → mean Z = 2.6 + 2.4 + 0.75 + 2.25
    assert row["coating_magpie_mean_Number"] == pytest.approx(8.0)


def test_a_named_polymer():
    row = _chem("PEDOT")
    assert (row["coating_named_material"], row["coating_class_polymer"], row["coating_contains_li"]) == (1, 1, 0)


def test_densities_from_the_table_else_the_class_default():
    assert coating_density("Al2O3") == 3.95
    assert coating_density("Al2O3+LiF") == pytest.approx((3.95 + 2.64) / 2)
    assert coating_density("Ga2O3") == 4.5  # an oxide not in the table
    assert coating_density("PEDOT") == 1.3


def test_shell_model_known_values_and_inverse():
    t = thickness_from_wt(np.array([1.0]), np.array([5000.0]), np.array([3.95]))[0]
    assert t == pytest.approx(19.96, abs=0.01)
    assert thickness_from_wt(np.array([1.0]), np.array([1500.0]), np.array([3.95]))[0] == pytest.approx(5.99, abs=0.01)
    assert wt_from_thickness(np.array([t]), np.array([5000.0]), np.array([3.95]))[0] == pytest.approx(1.0)


def test_amount_is_measured_or_estimated_and_flagged():
    frame = pd.DataFrame({
        "coating": ["Al2O3", "Al2O3", "Al2O3", None, "Al2O3"],
        "coating_wt_pct": [1.0, np.nan, np.nan, np.nan, 1.0],
        "coating_thickness_nm": [np.nan, 19.9624, np.nan, np.nan, np.nan],
        "morphology": [None, None, None, None, "single_crystal"],
    })
    f = CoatingAmountFeaturizer()
    out = pd.DataFrame(f.featurize_frame(frame), columns=f.feature_labels())
    measured_wt = out.iloc[0]
    assert measured_wt["coating_wt_pct"] == 1.0 and np.isnan(measured_wt["coating_thickness_nm"])
    assert measured_wt["coating_thickness_nm_est"] == pytest.approx(19.96, abs=0.01)  # polycrystalline by default
    assert measured_wt[["coating_wt_measured", "coating_thickness_measured", "coating_amount_known"]].tolist() == [1, 0, 1]
    assert out.loc[1, "coating_wt_pct_est"] == pytest.approx(1.0, abs=1e-4)
    assert out.loc[2, "coating_amount_known"] == 0 and np.isnan(out.loc[2, "coating_wt_pct_est"])
    assert out.iloc[3].tolist() == [0, 0, 0, 0, 0, 0, 1, 0, 0]  # uncoated: a true zero, known
    assert out.loc[4, "coating_thickness_nm_est"] == pytest.approx(5.99, abs=0.01)  # 1.5 µm single crystals


def test_amount_splits_into_a_protective_part_and_a_blocking_excess():
    # Shares of the blocking amount (40 nm or 2 wt %, whichever comes first), by the shell model:
    # 1 wt % Al2O3 on a 5 µm particle = 19.96 nm: share max(0.499, 0.5) = 0.5, all protective;
    # 100 nm Al2O3 = 5.09 wt % (1.02³ − 1 = 0.061208, × 3.95 / 4.75): share max(2.5, 2.545);
    # 5 wt % Al2O3 on a 1.5 µm single crystal is only a 29.5 nm shell: the wt % decides, share 2.5.
    frame = pd.DataFrame({"coating": ["Al2O3", "Al2O3", "Al2O3", None, "Al2O3"],
                          "coating_wt_pct": [1.0, np.nan, np.nan, np.nan, 5.0],
                          "coating_thickness_nm": [np.nan, 100.0, np.nan, np.nan, np.nan],
                          "morphology": [None, None, None, None, "single_crystal"]})
    f = CoatingAmountFeaturizer()
    out = pd.DataFrame(f.featurize_frame(frame), columns=f.feature_labels())
    split = out[["coating_amount_protective", "coating_amount_blocking"]].to_numpy()
    assert (BLOCKING_THICKNESS_NM, BLOCKING_WT_PCT) == (40.0, 2.0)
    assert split[0] == pytest.approx([0.5, 0.0])
    assert split[1] == pytest.approx([1.0, 1.54496], abs=1e-4)
    assert np.isnan(split[2]).all(), "an unreported amount is unknown, not zero"
    assert split[3].tolist() == [0.0, 0.0], "uncoated: no coating at all"
    assert split[4] == pytest.approx([1.0, 1.5])


def test_process_one_hot_and_anneal():
    f = CoatingProcessFeaturizer()
    frame = pd.DataFrame({"coating_method": ["ald", None], "anneal_temp_c": [450.0, np.nan], "anneal_time_h": [2.0, np.nan]})
    out = pd.DataFrame(f.featurize_frame(frame), columns=f.feature_labels())
    assert out.loc[0, "coating_method_ald"] == 1 and out.loc[0].filter(like="coating_method_").sum() == 1
    assert out.loc[1].filter(like="coating_method_").isna().all()
    assert out.loc[0, ["anneal_temp_c", "anneal_time_h"]].tolist() == [450.0, 2.0]
    assert f.featurize("ald", 450.0, 2.0) == out.iloc[0].tolist()


def test_groups():
    assert set(CHEM.feature_groups().values()) == {"coating_chemistry"}
    assert set(CoatingAmountFeaturizer().feature_groups().values()) == {"coating_amount"}
    assert set(CoatingProcessFeaturizer().feature_groups().values()) == {"coating_process"}
