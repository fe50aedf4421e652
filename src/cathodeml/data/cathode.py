"""Reading the ``cathode`` column: formulas and the shorthand people actually write.

Papers name the same material ``LiNi0.8Co0.1Mn0.1O2``, ``NCM811`` or ``NMC811``. The model must
see one composition for all three, so this module turns either form into transition-metal-site
fractions. Formulas are parsed by pymatgen; shorthand follows these rules:

==================  ==========================================================================
written             read as
==================  ==========================================================================
``NCM811``/``NMC``  three digit groups read as decimal fractions that sum to 1: 8|1|1 →
                    0.8/0.1/0.1; ``NCM71515`` → 7|15|15 → 0.70/0.15/0.15; ``NCM111`` and other
                    equal digits → 1/3 each. A split that does not sum to 1 is an error.
``NCM90``/``NCM83`` two digits = Ni fraction only (0.90, 0.83); Co and Mn stay unknown.
``NCA``             LiNi0.8Co0.15Al0.05O2 (the commercial composition)
``NCA88``           Ni 0.88 only, Al present (fraction unknown)
``NCMA``            LiNi0.89Co0.05Mn0.05Al0.01O2 (the "NCMA89" of Kim et al., ACS Energy Lett.
                    2019, 4, 576); ``NCMA90`` → Ni 0.90 only
``LNO``             LiNiO2
==================  ==========================================================================

Two-digit ``NCM``/``NMC`` shorthand says the material has no Al (``al`` = 0) and ``NCA88`` that it
has no Mn (``mn`` = 0), so stating ``al_frac`` 0 beside ``NCM90`` gives the same features as leaving
it blank. Shorthand has at most :data:`MAX_SHORTHAND_DIGITS` digits (the splitter then tries at most
28 splits).

Formulas are checked against the periodic table (:mod:`cathodeml.data.elements`) and must describe
a layered oxide ``A M O2``:

* the anion site (O, F, S, Cl) holds 2 ± 0.02 — ``LiNi0.8Co0.1Mn0.1O`` is refused;
* the **metal site** M (every element but Li, Na, K of the Li site and the anions; H is ignored)
  sums to 1 ± 0.02, whatever the Li (``Li0.98…``, a stated excess ``Li1.02…``) — or the cations
  fill the cation sites, Li + M = 2 ± 0.02: excess Li on the metal site of a Li-rich oxide
  Li[Li_x M_1−x]O2 written ``Li1+x M1−x O2`` (``Li1.2Ni0.13Co0.13Mn0.54O2``,
  ``Li1.03Mo0.02Ni0.95O2``), or Mg/Ni on the Li site (``Li0.963Ni0.91Co0.064Mn0.022Mg0.027O2``).
  ``LiNi08Co01Mn01O2`` (8 + 1 + 1) and Li with metals summing to 1.1 are refused;
* the Li site holds at most 4/3 (Li2MnO3 = Li[Li1/3Mn2/3]O2, the most Li-rich layered oxide).

Results are cached per string: a screening run has few unique cathodes and millions of rows.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from cathodeml.data.elements import FormulaError, parse_formula
from cathodeml.errors import CathodeError
from cathodeml.schema import MAX_NAME_CHARS

NAN = float("nan")

_LI_SITE = {"Li", "Na", "K"}
_ANIONS = {"O", "F", "S", "Cl"}
_SITE_EXCLUDED = _LI_SITE | _ANIONS | {"H"}
#: Tolerance of the site sums of a formula (the same as the reader's fraction tolerance).
SITE_TOL = 0.02
#: Most Li a layered oxide holds per two anions: Li2MnO3 = Li[Li1/3 Mn2/3]O2.
MAX_LI = 4 / 3
#: Longest digit string of a shorthand (``NCM955025`` has 6).
MAX_SHORTHAND_DIGITS = 9


@dataclass(frozen=True)
class CathodeComposition:
    """Transition-metal-site fractions of a cathode (NaN = not known from the name).

    ``formula`` is the reduced formula when one is known; ``li`` the Li per formula unit
    (1.0 for shorthand); ``others`` the remaining TM-site elements (dopants written into the
    formula) with their fractions.
    """

    ni: float
    co: float = NAN
    mn: float = NAN
    al: float = NAN
    li: float = NAN
    formula: str = ""
    others: tuple[tuple[str, float], ...] = field(default=())

    def fractions(self) -> dict[str, float]:
        return {"ni_frac": self.ni, "co_frac": self.co, "mn_frac": self.mn, "al_frac": self.al}


def _frac_digits(part: str) -> float:
    return float("0." + part)


def _split_three(digits: str) -> tuple[float, float, float]:
    if len(digits) > MAX_SHORTHAND_DIGITS:
        raise CathodeError(
            f"shorthand has {len(digits)} digits; at most {MAX_SHORTHAND_DIGITS} are read — "
            "write the formula instead, e.g. LiNi0.8Co0.1Mn0.1O2"
        )
    if len(set(digits)) == 1 and len(digits) == 3:
        return (1 / 3, 1 / 3, 1 / 3)
    fits = []
    for i, j in itertools.combinations(range(1, len(digits)), 2):
        parts = (digits[:i], digits[i:j], digits[j:])
        values = tuple(_frac_digits(p) for p in parts)
        if math.isclose(sum(values), 1.0, abs_tol=1e-9):
            fits.append(values)
    if len(fits) != 1:
        raise CathodeError(
            f"shorthand digits {digits!r} cannot be read as Ni:Co:Mn fractions summing to 1 "
            f"({'ambiguous' if fits else 'no reading fits'}); write the formula instead, "
            "e.g. LiNi0.8Co0.1Mn0.1O2"
        )
    return fits[0]


_SHORT = re.compile(r"^(NCMA|NCM|NMC|NCA|LNO)(\d*)$", re.IGNORECASE)


def _from_shorthand(kind: str, digits: str) -> CathodeComposition:
    kind = kind.upper()
    if kind == "LNO" and not digits:
        return CathodeComposition(ni=1.0, co=0.0, mn=0.0, al=0.0, li=1.0, formula="LiNiO2")
    if kind == "NCA" and not digits:
        return CathodeComposition(0.8, 0.15, 0.0, 0.05, 1.0, "LiNi0.8Co0.15Al0.05O2")
    if kind == "NCMA" and not digits:
        return CathodeComposition(0.89, 0.05, 0.05, 0.01, 1.0, "LiNi0.89Co0.05Mn0.05Al0.01O2")
    if kind in ("NCM", "NMC") and len(digits) >= 3:
        ni, second, third = _split_three(digits)
        # NMC622 lists Mn before Co; for 622/811/111 the two are equal, for NMC532 they differ.
        co, mn = (third, second) if kind == "NMC" else (second, third)
        return CathodeComposition(ni, co, mn, 0.0, 1.0)
    if len(digits) == 2 and kind in ("NCM", "NMC"):
        return CathodeComposition(ni=_frac_digits(digits), al=0.0, li=1.0)
    if len(digits) == 2 and kind == "NCA":
        return CathodeComposition(ni=_frac_digits(digits), mn=0.0, li=1.0)
    if len(digits) == 2 and kind == "NCMA":
        return CathodeComposition(ni=_frac_digits(digits), li=1.0)
    raise CathodeError(f"shorthand {kind}{digits} is not one cathodeml reads")


_KNOWN = "NCM811, NMC622, NCM90, NCA, NCMA, LNO"


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _check_sites(amounts: dict[str, float], site: dict[str, float]) -> None:
    """Refuse a formula that is not a layered oxide A M O2 (see the module docstring)."""
    anions = sum(amounts.get(a, 0.0) for a in _ANIONS)
    if abs(anions - 2) > SITE_TOL + 1e-9:
        written = "+".join(f"{a}{_fmt(amounts[a])}" for a in sorted(_ANIONS) if a in amounts)
        raise CathodeError(
            f"has {written} on the anion site; a layered oxide LiMO2 has O2 (± {SITE_TOL}) — "
            "write e.g. LiNi0.8Co0.1Mn0.1O2"
        )
    li = sum(amounts.get(a, 0.0) for a in _LI_SITE)
    metal = sum(site.values())
    if li > MAX_LI + SITE_TOL:
        raise CathodeError(f"has {_fmt(li)} Li (+Na, K) per O2; a layered oxide holds at most 4/3 (Li2MnO3 = Li[Li1/3Mn2/3]O2)")
    plain = abs(metal - 1) <= SITE_TOL + 1e-9
    sites_filled = abs(li + metal - 2) <= SITE_TOL + 1e-9
    if not (plain or sites_filled):
        parts = " + ".join(f"{el} {_fmt(a)}" for el, a in site.items())
        raise CathodeError(
            f"has a metal site of {_fmt(metal)} ({parts}); in LiMO2 the metals sum to 1 (± {SITE_TOL}), "
            "or, with Li and metals sharing sites (Li1+xM1-xO2, Li1-xM1+xO2), Li + metals = 2 — check "
            "for a slipped decimal point (08 for 0.8)"
        )


def _from_formula(text: str) -> CathodeComposition:
    try:
        amounts = parse_formula(text)
    except FormulaError as exc:
        raise CathodeError(f"is neither a known shorthand ({_KNOWN}) nor a formula: {exc}") from None
    symbols = set(amounts)
    if "O" not in symbols or not symbols & {"Ni", "Co", "Mn"}:
        raise CathodeError(
            "parses as a formula but is not a layered transition-metal oxide (needs O and Ni, Co "
            "or Mn); write a formula like LiNi0.8Co0.1Mn0.1O2 or a shorthand like NCM811, NCA, NCM90"
        )
    site = {s: a for s, a in amounts.items() if s not in _SITE_EXCLUDED}
    _check_sites(amounts, site)
    total = sum(site.values())
    frac = {s: amt / total for s, amt in site.items()}
    others = tuple(sorted((s, round(f, 6)) for s, f in frac.items() if s not in ("Ni", "Co", "Mn", "Al")))
    # Rounded so that one chemistry written two ways gives bit-identical features.
    return CathodeComposition(
        ni=round(frac.get("Ni", 0.0), 9),
        co=round(frac.get("Co", 0.0), 9),
        mn=round(frac.get("Mn", 0.0), 9),
        al=round(frac.get("Al", 0.0), 9),
        li=round(amounts.get("Li", 0.0) / total, 9),
        formula="".join(f"{el}{_fmt(a)}" for el, a in amounts.items()),
        others=others,
    )


@lru_cache(maxsize=4096)
def parse_cathode(text: str) -> CathodeComposition:
    """Parse a cathode name into TM-site fractions; raise :class:`CathodeError` with a reason."""
    text = text.strip()
    if not text:
        raise CathodeError("empty cathode name")
    if len(text) > MAX_NAME_CHARS:
        raise CathodeError(f"is {len(text)} characters long; cathode names of at most {MAX_NAME_CHARS} characters are read")
    m = _SHORT.match(text)
    if m:
        return _from_shorthand(m.group(1), m.group(2))
    return _from_formula(text)
