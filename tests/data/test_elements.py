"""Element symbols are checked against the periodic table: what validates can be featurised (issue 14)."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cathodeml.data.rules import check_frame

BASE = {"cathode": "NCM811", "v_min": "2.8", "v_max": "4.3"}


def problems(**cells):
    return [str(p) for p in check_frame(pd.DataFrame([BASE | cells])).problems]


def test_symbol_table_is_the_periodic_table():
    from pymatgen.core import Element

    from cathodeml.data.elements import SYMBOLS

    assert SYMBOLS == tuple(Element.from_Z(z).symbol for z in range(1, 119))


@pytest.mark.parametrize(
    ("column", "value", "fragment"),
    [
        ("coating", "LiAIO2", "'A' is not an element symbol (did you mean 'Al'?)"),  # capital i
        ("coating", "LiA1O2", "'A' is not an element symbol (did you mean 'Al'?)"),  # digit one
        ("cathode", "LiNi0.8Co0.1MN0.1O2", "'M' is not an element symbol (did you mean 'Mn'?)"),
        ("dopant", "D", "'D' is not an element symbol"),  # deuterium: an isotope, no featurizer entry
        ("dopant", "T", "'T' is not an element symbol"),
        ("dopant", "Al,Xx", "'Xx' is not an element symbol"),
        ("dopant", "al", "'al' is not an element symbol (did you mean 'Al'?)"),
        ("cathode", "LiNi0.8Co0.1Mn0.1Q0.0O2", "'Q' is not an element symbol"),
    ],
)
def test_unknown_symbols_are_refused_with_a_hint(column, value, fragment):
    got = problems(**{column: value})
    assert any(f"column {column}: '{value}'" in p and fragment in p for p in got), got


# The probe imports only the parsers (stdlib + cathodeml.data.{elements,cathode,coatings}), skipping the
# package __init__ (pandas, pydantic), so that six interpreters cost well under a second.
_PROBE = """
import sys, types
from pathlib import Path
src = Path(sys.argv[1])
for name in ("cathodeml", "cathodeml.data"):
    mod = types.ModuleType(name)
    mod.__path__ = [str(src.joinpath(*name.split(".")))]
    sys.modules[name] = mod
from cathodeml.data.cathode import parse_cathode
from cathodeml.data.coatings import parse_coating
from cathodeml.data.elements import check_symbol

def outcome(parse, text):
    try:
        parse(text)
        return "accepted"
    except ValueError:
        return "refused"

print([outcome(parse_coating, "LiAIO2"), outcome(parse_coating, "LiA1O2"),
       outcome(parse_cathode, "LiNi0.8Co0.1MN0.1O2"), outcome(check_symbol, "D")])
"""


def test_refusals_do_not_depend_on_the_hash_seed():
    # pymatgen's DummySpecies took a hash-seed-dependent Z, so LiAIO2 passed under some seeds
    import cathodeml

    src = str(Path(cathodeml.__file__).resolve().parents[1])
    seeds = ["0", "1", "7", "42", "123", "2024"]
    procs = [
        subprocess.Popen([sys.executable, "-c", _PROBE, src], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=os.environ | {"PYTHONHASHSEED": s})
        for s in seeds
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-500:] for _, err in outs]
    assert {out.strip() for out, _ in outs} == {"['refused', 'refused', 'refused', 'refused']"}
