import pytest

from cathodeml.data.coatings import CoatingError, coating_class, parse_coating


@pytest.mark.parametrize(
    ("text", "cls"),
    [
        ("Al2O3", "oxide"),
        ("ZrO2", "oxide"),
        ("LiAlO2", "li_ion_conductor"),
        ("LiNbO3", "li_ion_conductor"),
        ("Li3PO4", "li_ion_conductor"),
        ("Li2B4O7", "li_ion_conductor"),
        ("AlPO4", "phosphate"),
        ("B2O3", "borate"),
        ("AlF3", "fluoride"),
        ("LiF", "fluoride"),
        ("Li3InCl6", "halide"),
        ("PEDOT", "polymer"),
        ("polyimide", "polymer"),
        ("spandex", "polymer"),
        ("HPU", "polymer"),
        ("graphene", "carbon"),
        ("graphene oxide", "carbon"),
        ("GO+SnO2", "mixed"),
        ("Al2O3+LiF", "mixed"),
        ("Al2O3+ZrO2", "oxide"),
    ],
)
def test_classes(text, cls):
    assert coating_class(text) == cls


def test_li_flag():
    (part,) = parse_coating("LiAlO2")
    assert part.contains_li
    (part,) = parse_coating("Al2O3")
    assert not part.contains_li


def test_named_material_beats_formula_parse():
    # "HPU" would parse as H-P-U (uranium!) if it were read as a formula.
    (part,) = parse_coating("HPU")
    assert part.named and "U" not in dict(part.elements)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Unobtainium", "neither a formula nor a known coating material; known names: PEDOT"),
        ("PUPa", "which no one coats a cathode with"),
        ("Al2O3+", "empty coating component"),
    ],
)
def test_unknown_coating_errors_list_known_names(text, fragment):
    with pytest.raises(CoatingError, match=fragment):
        parse_coating(text)
