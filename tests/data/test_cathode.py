import math

import pytest

from cathodeml.data.cathode import CathodeError, parse_cathode


@pytest.mark.parametrize(
    ("text", "ni", "co", "mn", "al"),
    [
        ("NCM811", 0.8, 0.1, 0.1, 0.0),
        ("NMC811", 0.8, 0.1, 0.1, 0.0),
        ("NCM622", 0.6, 0.2, 0.2, 0.0),
        ("NCM523", 0.5, 0.2, 0.3, 0.0),
        ("NMC532", 0.5, 0.2, 0.3, 0.0),  # NMC order: Ni, Mn, Co
        ("NCM71515", 0.7, 0.15, 0.15, 0.0),
        ("NCM111", 1 / 3, 1 / 3, 1 / 3, 0.0),
        ("NCA", 0.8, 0.15, 0.0, 0.05),
        ("NCMA", 0.89, 0.05, 0.05, 0.01),
        ("LNO", 1.0, 0.0, 0.0, 0.0),
        ("LiNi0.8Co0.1Mn0.1O2", 0.8, 0.1, 0.1, 0.0),
        ("LiNi0.88Co0.09Al0.03O2", 0.88, 0.09, 0.0, 0.03),
        ("LiNi1/3Co1/3Mn1/3O2".replace("1/3", "0.3333"), 1 / 3, 1 / 3, 1 / 3, 0.0),
    ],
)
def test_shorthand_and_formula_table(text, ni, co, mn, al):
    c = parse_cathode(text)
    assert c.ni == pytest.approx(ni, abs=1e-3)
    assert c.co == pytest.approx(co, abs=1e-3)
    assert c.mn == pytest.approx(mn, abs=1e-3)
    assert c.al == pytest.approx(al, abs=1e-3)


@pytest.mark.parametrize(("text", "ni", "absent"), [("NCM90", 0.90, "al"), ("NCM83", 0.83, "al"), ("NCA88", 0.88, "mn")])
def test_two_digit_shorthand_gives_nickel_only(text, ni, absent):
    c = parse_cathode(text)
    assert c.ni == pytest.approx(ni)
    assert math.isnan(c.co)
    # the name says which metal is absent (NCM: no Al; NCA: no Mn): stated 0 = blank
    assert getattr(c, absent) == 0.0
    assert math.isnan(c.mn if absent == "al" else c.al)


def test_shorthand_equals_formula():
    a, b = parse_cathode("NCM622"), parse_cathode("LiNi0.6Co0.2Mn0.2O2")
    assert a.fractions() == pytest.approx(b.fractions())


def test_dopant_in_formula_is_kept_on_the_tm_site():
    c = parse_cathode("LiNi0.8Co0.1Mn0.08Zr0.02O2")
    assert dict(c.others) == {"Zr": pytest.approx(0.02)}
    assert c.ni == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("NCM812", "cannot be read as Ni:Co:Mn fractions"),
        ("Foo", "neither a known shorthand"),
        ("Li2CO3", "not a layered transition-metal oxide"),
        ("", "empty"),
    ],
)
def test_bad_cathodes_say_why(text, fragment):
    with pytest.raises(CathodeError, match=fragment):
        parse_cathode(text)
