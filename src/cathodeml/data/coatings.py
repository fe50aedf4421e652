"""Reading the ``coating`` column: formulas, named materials, and their chemical class.

A coating is written as a formula (``LiAlO2``, ``Al2O3``) or as a material name that is not a
formula (``PEDOT``, ``polyimide``, ``spandex``). Names are looked up *before* formula parsing,
because several acronyms parse as nonsense formulas (``HPU`` = H·P·U, ``PAN`` = Pa·N). A formula
containing elements no one coats a cathode with (actinides, noble gases, Z > 83) is rejected as a
probable abbreviation, so such typos become errors instead of uranium features.

Several coatings joined with ``+`` (``Al2O3+LiF``) are read part by part. Every element symbol is
checked against the periodic table (:mod:`cathodeml.data.elements`: ``LiAIO2`` with a capital i
is refused with "did you mean 'Al'?", never read as an unknown species), and a coating text of
more than :data:`~cathodeml.schema.MAX_NAME_CHARS` characters is refused.

Class rules (first match wins), used by the coverage report and the featurizer:

1. vocabulary entry → its class (``polymer`` or ``carbon``);
2. a Li-containing oxide, phosphate or borate → ``li_ion_conductor`` (LiAlO2, LiNbO3, Li2ZrO3,
   Li3PO4, LiBO2, Li2B4O7): these are chosen for their Li-ion conduction. Li-containing
   fluorides and halides keep their anion class (LiF is ``fluoride``, Li3InCl6 is ``halide``);
   the featurizer's separate Li-containing flag still marks them;
3. anion class: P+O → ``phosphate``, B+O → ``borate``, F → ``fluoride``, Cl/Br/I → ``halide``,
   S without O → ``sulfide``, O → ``oxide``, C only → ``carbon``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cathodeml.data.elements import FormulaError, atomic_number, parse_formula
from cathodeml.errors import CoatingError
from cathodeml.schema import MAX_NAME_CHARS


@dataclass(frozen=True)
class NamedCoating:
    """A coating material that is not written as a formula.

    ``repeat_unit`` is the formula of the polymer repeat unit, ``C`` for carbons, or the nominal
    composition of a Li–M–O phase named without stoichiometry (``LZO`` = Li2ZrO3): the featurizer
    uses it for element statistics the same way it uses a formula.
    """

    name: str
    cls: str
    repeat_unit: str
    aliases: tuple[str, ...] = ()


VOCABULARY: tuple[NamedCoating, ...] = (
    NamedCoating("PEDOT", "polymer", "C6H4O2S", ("poly(3,4-ethylenedioxythiophene)",)),
    NamedCoating("PEDOT:PSS", "polymer", "C14H12O5S2", ("PEDOT-PSS",)),
    NamedCoating("polyimide", "polymer", "C22H10N2O5", ("PI",)),
    NamedCoating("PVDF", "polymer", "C2H2F2", ("polyvinylidene fluoride",)),
    NamedCoating("polyaniline", "polymer", "C6H5N", ("PANI",)),
    NamedCoating("polypyrrole", "polymer", "C4H3N", ("PPy",)),
    NamedCoating("spandex", "polymer", "C15H12N2O2", ("polyurethane", "PU")),
    NamedCoating("HPU", "polymer", "C3H6N2O", ("hybrid polyurea", "polyurea")),
    NamedCoating("PAN", "polymer", "C3H3N", ("polyacrylonitrile",)),
    NamedCoating("PEO", "polymer", "C2H4O", ("polyethylene oxide",)),
    NamedCoating("PMMA", "polymer", "C5H8O2", ("poly(methyl methacrylate)",)),
    NamedCoating("alucone", "polymer", "C2H4AlO2", ()),
    # Li-M-O surface phases that papers name without a stoichiometry: nominal composition.
    NamedCoating("LZO", "li_ion_conductor", "Li2ZrO3", ("Li-Zr-O", "LixZryOz", "lithium zirconium oxide")),
    NamedCoating("LWO", "li_ion_conductor", "Li2WO4", ("Li-W-O", "LixWOy", "lithium tungsten oxide")),
    NamedCoating("LBO", "li_ion_conductor", "Li2B4O7", ("Li-B-O", "lithium borate", "Li2O-2B2O3")),
    NamedCoating("carbon", "carbon", "C", ("amorphous carbon",)),
    NamedCoating("graphene", "carbon", "C", ()),
    NamedCoating("rGO", "carbon", "C", ("reduced graphene oxide",)),
    NamedCoating("GO", "carbon", "C", ("graphene oxide",)),
    NamedCoating("CNT", "carbon", "C", ("carbon nanotubes",)),
)

_BY_NAME: dict[str, NamedCoating] = {}
for _entry in VOCABULARY:
    for _alias in (_entry.name, *_entry.aliases):
        _BY_NAME[_alias.lower()] = _entry

COATING_CLASSES: tuple[str, ...] = (
    "oxide",
    "li_ion_conductor",
    "phosphate",
    "borate",
    "fluoride",
    "halide",
    "sulfide",
    "polymer",
    "carbon",
)

# Elements that make a "formula" implausible as a coating: noble gases and Z > 83.
_IMPLAUSIBLE_Z = 83
_NOBLE = {"He", "Ne", "Ar", "Kr", "Xe", "Rn"}


@dataclass(frozen=True)
class CoatingPart:
    """One component of a coating: its label, class and element amounts."""

    label: str
    cls: str
    formula: str
    elements: tuple[tuple[str, float], ...]
    named: bool

    @property
    def contains_li(self) -> bool:
        return any(el == "Li" for el, _ in self.elements)


def known_names() -> list[str]:
    """The named (non-formula) coatings cathodeml knows, for error messages and docs."""
    return [e.name for e in VOCABULARY]


def _classify(symbols: set[str]) -> str:
    if symbols == {"C"}:
        return "carbon"
    anion = None
    if "P" in symbols and "O" in symbols:
        anion = "phosphate"
    elif "B" in symbols and "O" in symbols:
        anion = "borate"
    elif "F" in symbols:
        anion = "fluoride"
    elif symbols & {"Cl", "Br", "I"}:
        anion = "halide"
    elif "S" in symbols and "O" not in symbols:
        anion = "sulfide"
    elif "O" in symbols:
        anion = "oxide"
    if "Li" in symbols and anion in ("oxide", "phosphate", "borate"):
        return "li_ion_conductor"
    if anion is None:
        raise CoatingError(f"elements {sorted(symbols)} fit no coating class")
    return anion


def _composition(formula: str):
    """pymatgen ``Composition`` of a formula whose symbols were checked (never a DummySpecies)."""
    from pymatgen.core import Composition  # pymatgen is slow to import; only when needed

    return Composition(parse_formula(formula))


@lru_cache(maxsize=4096)
def parse_coating_part(text: str) -> CoatingPart:
    """Parse one coating component (no ``+``)."""
    label = text.strip()
    if not label:
        raise CoatingError("empty coating component (two '+' in a row, or a trailing '+')")
    entry = _BY_NAME.get(label.lower())
    if entry is not None:
        comp = _composition(entry.repeat_unit)
        els = tuple((el.symbol, float(comp[el])) for el in comp.elements)
        return CoatingPart(entry.name, entry.cls, entry.repeat_unit, els, True)
    try:
        amounts = parse_formula(label)
    except FormulaError as exc:
        raise CoatingError(
            f"{label!r} is neither a formula nor a known coating material; known names: "
            + ", ".join(known_names()) + f" (read as a formula: {exc})"
        ) from None
    bad = [el for el in amounts if atomic_number(el) > _IMPLAUSIBLE_Z or el in _NOBLE]
    if bad:
        raise CoatingError(
            f"{label!r} parses as a formula with {', '.join(bad)}, "
            "which no one coats a cathode with — is it an abbreviation? known names: "
            + ", ".join(known_names())
        )
    comp = _composition(label)
    els = tuple((el.symbol, float(comp[el])) for el in comp.elements)
    return CoatingPart(label, _classify(set(amounts)), comp.reduced_formula, els, False)


@lru_cache(maxsize=4096)
def parse_coating(text: str) -> tuple[CoatingPart, ...]:
    """Parse a coating cell (possibly ``A+B``) into its parts; raise :class:`CoatingError`."""
    if len(text.strip()) > MAX_NAME_CHARS:
        raise CoatingError(f"is {len(text.strip())} characters long; coatings of at most {MAX_NAME_CHARS} characters are read")
    return tuple(parse_coating_part(p) for p in text.split("+"))


def coating_class(text: str) -> str:
    """The class of a coating; a ``+`` mixture of different classes is ``mixed``."""
    classes = {p.cls for p in parse_coating(text)}
    return classes.pop() if len(classes) == 1 else "mixed"
