"""Feature labels: every feature of the featurizer gets a human name, units from the schema."""

from cathodeml.features.labels import column_label, feature_label
from cathodeml.features.recipe import RecipeFeaturizer
from tests.conftest import synthetic_frame


def test_every_feature_has_a_distinct_human_label():
    names = list(RecipeFeaturizer().fit(synthetic_frame(n_sources=2, per_source=4)).get_feature_names_out())
    labels = [feature_label(n) for n in names]
    assert len(set(labels)) == len(names)  # two features never share a label on a plot
    assert not [lab for lab in labels if "_" in lab], "an internal name leaked into a label"


def test_labels_carry_the_schema_units():
    assert feature_label("cathode_ni_frac") == "Ni fraction"
    assert feature_label("coating_wt_pct") == "coating amount [wt %]"
    assert feature_label("protocol_v_max") == "upper cut-off voltage [V]" == column_label("v_max")
    assert feature_label("anneal_temp_c") == "anneal temperature [°C]"
    assert feature_label("regen_method_hydrothermal") == "regeneration: hydrothermal"
    assert feature_label("coating_method_ald") == "coating method: ALD"
    assert feature_label("coating_magpie_mean_Electronegativity") == "coating: mean electronegativity (Pauling)"
