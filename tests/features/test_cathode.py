"""Cathode featurizers, against values worked out by hand.

Magpie numbers used (matminer's tables): atomic number Z — Li 3, O 8, Mn 25, Co 27, Ni 28, Zr 40.
"""

import numpy as np
import pandas as pd
import pytest

from cathodeml.features.cathode import CathodeCompositionFeaturizer, CathodeStateFeaturizer

COMP = CathodeCompositionFeaturizer()


def _row(*values) -> dict[str, float]:
    return dict(zip(COMP.feature_labels(), COMP.featurize(*values)))


def test_shorthand_gives_exact_fractions_and_statistics_over_li_m_o2():
    row = _row("NCM811", None, None, None, None)
    assert [row[f"cathode_{e}_frac"] for e in ("ni", "co", "mn", "al")] == pytest.approx([0.8, 0.1, 0.1, 0.0])
    assert (row["cathode_other_tm_frac"], row["cathode_li_excess"], row["cathode_tm_complete"]) == (0.0, 0.0, 1.0)
    # LiNi0.8Co0.1Mn0.1O2 has 4 atoms per formula unit: weights Li .25, Ni .2, Co .025, Mn .025, O .5
    # mean Z = (3 + 0.8·28 + 0.1·27 + 0.1·25 + 2·8) / 4 = 46.6 / 4
    assert row["cathode_magpie_mean_Number"] == pytest.approx(11.65)
    # Σ w·|Z − 11.65| = .25·8.65 + .2·16.35 + .025·15.35 + .025·13.35 + .5·3.65
    assert row["cathode_magpie_avg_dev_Number"] == pytest.approx(7.975)


def test_nickel_only_shorthand_is_approximate_and_says_so():
    row = _row("NCM90", None, None, None, None)
    assert row["cathode_ni_frac"] == pytest.approx(0.9)
    assert np.isnan([row["cathode_co_frac"], row["cathode_mn_frac"]]).all()
    assert row["cathode_al_frac"] == 0.0  # NCM shorthand: no Al (the stated-default rule)
    assert row["cathode_tm_complete"] == 0.0
    # half of the unknown remainder (0.1) counts as redox-inactive (Co:Mn 1:1, as in Ni0.9Co0.05Mn0.05)
    assert row["cathode_inactive_tm_frac"] == pytest.approx(0.05)
    # the known Ni is renormalised to the whole TM site: LiNiO2, mean Z = (3 + 28 + 16) / 4
    assert row["cathode_magpie_mean_Number"] == pytest.approx(11.75)


def test_stated_fractions_win_and_leave_li_unknown():
    row = _row(None, 0.6, 0.2, 0.2, 0.0)
    assert [row[f"cathode_{e}_frac"] for e in ("ni", "co", "mn", "al")] == pytest.approx([0.6, 0.2, 0.2, 0.0])
    assert np.isnan(row["cathode_li_excess"]) and row["cathode_tm_complete"] == 1.0


def test_formula_li_excess_and_a_dopant_on_the_tm_site():
    assert _row("Li1.05Ni0.8Co0.1Mn0.1O2", None, None, None, None)["cathode_li_excess"] == pytest.approx(0.05)
    row = _row("LiNi0.8Co0.1Mn0.08Zr0.02O2", None, None, None, None)
    assert row["cathode_other_tm_frac"] == pytest.approx(0.02) and row["cathode_tm_complete"] == 1.0
    # Zr (Z 40) takes 0.02 of the TM site: (3 + 0.8·28 + 0.1·27 + 0.08·25 + 0.02·40 + 2·8) / 4 = 11.725
    assert row["cathode_magpie_mean_Number"] == pytest.approx(11.725)


def test_state_flags_against_the_pristine_default():
    frame = pd.DataFrame({"morphology": ["single_crystal", "polycrystalline", None],
                          "history": ["spent", None, "pristine"], "li_loss_pct": [12.0, np.nan, 0.0]})
    f = CathodeStateFeaturizer()
    out = pd.DataFrame(f.featurize_frame(frame), columns=f.feature_labels())
    assert "cathode_history_pristine" not in out  # pristine is the default the flags are against
    assert out["cathode_single_crystal"].tolist()[:2] == [1.0, 0.0] and np.isnan(out["cathode_single_crystal"][2])
    assert out.loc[0, ["cathode_history_spent", "cathode_history_delithiated"]].tolist() == [1, 0]
    assert out.loc[2, ["cathode_history_spent", "cathode_history_delithiated"]].tolist() == [0, 0]
    assert out.loc[1, ["cathode_history_spent"]].isna().all()  # alone, a blank is unknown; the defaults fill it
    assert out["cathode_li_loss_pct"].tolist()[::2] == [12.0, 0.0]
    assert f.featurize("single_crystal", "spent", 12.0) == out.iloc[0].tolist()  # one row = the frame's row


def test_labels_are_unique_and_grouped_as_cathode():
    for f in (COMP, CathodeStateFeaturizer()):
        labels = f.feature_labels()
        assert len(labels) == len(set(labels)) and set(f.feature_groups().values()) == {"cathode"}
    assert len(COMP.featurize("NCA", None, None, None, None)) == len(COMP.feature_labels())
