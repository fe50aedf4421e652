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

Results are cached per string: a screening run has few unique cathodes and millions of rows.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from cathodeml.errors import CathodeError

NAN = float("nan")

_SITE_EXCLUDED = {"Li", "O", "F", "H", "Na", "K", "S", "Cl"}


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
    if len(digits) == 2 and kind in ("NCM", "NMC", "NCA", "NCMA"):
        return CathodeComposition(ni=_frac_digits(digits), li=1.0)
    raise CathodeError(f"shorthand {kind}{digits} is not one cathodeml reads")


def _from_formula(text: str) -> CathodeComposition:
    from pymatgen.core import Composition  # pymatgen is slow to import; only when needed

    try:
        comp = Composition(text)
    except Exception as exc:  # pymatgen raises ValueError/KeyError/CompositionError
        raise CathodeError(f"is neither a known shorthand (NCM811, NMC622, NCM90, NCA, NCMA, LNO) nor a formula ({exc})") from None
    symbols = {el.symbol for el in comp.elements}
    if "O" not in symbols or not symbols & {"Ni", "Co", "Mn"}:
        raise CathodeError(
            "parses as a formula but is not a layered transition-metal oxide (needs O and Ni, Co "
            "or Mn); write a formula like LiNi0.8Co0.1Mn0.1O2 or a shorthand like NCM811, NCA, NCM90"
        )
    site = {s: comp[s] for s in symbols if s not in _SITE_EXCLUDED}
    total = sum(site.values())
    frac = {s: amt / total for s, amt in site.items()}
    others = tuple(sorted((s, round(f, 6)) for s, f in frac.items() if s not in ("Ni", "Co", "Mn", "Al")))
    # Rounded so that one chemistry written two ways gives bit-identical features.
    return CathodeComposition(
        ni=round(frac.get("Ni", 0.0), 9),
        co=round(frac.get("Co", 0.0), 9),
        mn=round(frac.get("Mn", 0.0), 9),
        al=round(frac.get("Al", 0.0), 9),
        li=round(comp["Li"] / total, 9) if total else NAN,
        formula=comp.formula.replace(" ", ""),
        others=others,
    )


@lru_cache(maxsize=4096)
def parse_cathode(text: str) -> CathodeComposition:
    """Parse a cathode name into TM-site fractions; raise :class:`CathodeError` with a reason."""
    text = text.strip()
    if not text:
        raise CathodeError("empty cathode name")
    m = _SHORT.match(text)
    if m:
        return _from_shorthand(m.group(1), m.group(2))
    return _from_formula(text)
