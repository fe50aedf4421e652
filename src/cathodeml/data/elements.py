"""Element symbols and a strict chemical-formula parser, independent of pymatgen's guesses.

Why not ``pymatgen.core.Composition(text)`` directly? It turns anything capitalised that is not an
element into a ``DummySpecies`` whose atomic number depends on the process's ``PYTHONHASHSEED``,
so ``LiAIO2`` (capital i) or ``LiA1O2`` (digit one) were accepted as coatings under some seeds and
crashed the featurizer under others; ``MN`` in a cathode or a dopant ``D`` passed validation and
failed later with a ``KeyError``. Every symbol is therefore checked here against the 118 elements
of the periodic table (a constant, so the answer never depends on the seed), and only a text that
parses completely is handed on.

Grammar (whitespace between parts is allowed)::

    formula := part+
    part    := symbol [amount] | "(" formula ")" [amount] | "[" formula "]" [amount]
    symbol  := a capital letter and its lower-case letters, an element of Z = 1…118
    amount  := a plain decimal number (``2``, ``0.8``, ``.5``)

The work is linear in the text's length; callers cap that length (:data:`MAX_NAME_CHARS`).
"""

from __future__ import annotations

import re

from cathodeml.schema import MAX_NAME_CHARS

#: The symbols of Z = 1…118 in order (IUPAC 2016). ``D`` and ``T`` are isotopes, not elements.
SYMBOLS: tuple[str, ...] = tuple(
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr "
    "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm "
    "Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No "
    "Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og".split()
)
ELEMENTS: frozenset[str] = frozenset(SYMBOLS)
_Z: dict[str, int] = {s: z for z, s in enumerate(SYMBOLS, start=1)}

#: Characters people type for a lower-case L: ``LiAIO2`` (capital i), ``LiA1O2`` (digit one).
_LOOKALIKE_L = {"I": "l", "1": "l", "|": "l"}

_TOKEN = re.compile(r"\s+|[A-Z][a-z]*|\d+(?:\.\d+)?|\.\d+|[()\[\]]")
_CLOSE = {"(": ")", "[": "]"}


class FormulaError(ValueError):
    """A text that is not a formula of real elements; the message says where and why."""


def atomic_number(symbol: str) -> int:
    """Z of an element symbol; ``KeyError`` for anything that is not one of the 118."""
    return _Z[symbol]


def symbol_hint(symbol: str, following: str = "") -> str:
    """`` (did you mean 'Mn'?)`` for a near-symbol such as ``MN`` or ``AI``, else ``""``."""
    candidates = []
    if following:
        nxt = following[0]
        candidates += [symbol + nxt.lower(), symbol + _LOOKALIKE_L.get(nxt, "")]
    if len(symbol) == 2:
        candidates.append(symbol[0])
    for c in candidates:
        if c in ELEMENTS and c != symbol:
            return f" (did you mean {c!r}?)"
    return ""


def check_symbol(symbol: str) -> str:
    """The symbol itself if it is an element, else :class:`FormulaError` with a hint."""
    if symbol in ELEMENTS:
        return symbol
    if not symbol:
        raise FormulaError("empty element symbol (two commas in a row, or a trailing comma?)")
    fixed = symbol[:1].upper() + symbol[1:].lower()
    hint = f" (did you mean {fixed!r}?)" if fixed in ELEMENTS else symbol_hint(symbol[:1], symbol[1:2])
    raise FormulaError(f"{symbol!r} is not an element symbol{hint}")


def parse_formula(text: str) -> dict[str, float]:
    """``{symbol: amount}`` of a formula; raise :class:`FormulaError` naming the first fault.

    Amounts of a bracketed group are multiplied by the group's amount; an element written twice
    is summed; zero amounts are dropped.
    """
    if len(text) > MAX_NAME_CHARS:
        raise FormulaError(f"is {len(text)} characters long; formulas of at most {MAX_NAME_CHARS} are read")
    tokens = _tokens(text)
    stack: list[tuple[str, dict[str, float]]] = [("", {})]
    i = 0
    while i < len(tokens):
        start, tok = tokens[i]
        i += 1
        if tok in _CLOSE:
            stack.append((tok, {}))
            continue
        if _is_number(tok):
            raise FormulaError(f"the number {tok!r} at position {start + 1} follows no element or bracket")
        amount = 1.0
        if i < len(tokens) and _is_number(tokens[i][1]):
            amount = float(tokens[i][1])
            i += 1
        if tok[0].isupper():
            el = _element(tok, text[start + 1:])
            stack[-1][1][el] = stack[-1][1].get(el, 0.0) + amount
            continue
        if len(stack) == 1 or _CLOSE[stack[-1][0]] != tok:
            raise FormulaError(f"unbalanced {tok!r} at position {start + 1}")
        _, group = stack.pop()
        if not group:
            raise FormulaError(f"empty brackets before position {start + 1}")
        for el, a in group.items():
            stack[-1][1][el] = stack[-1][1].get(el, 0.0) + a * amount
    if len(stack) > 1:
        raise FormulaError(f"{stack[-1][0]!r} is never closed")
    amounts = {el: a for el, a in stack[0][1].items() if a > 0}
    if not amounts:
        raise FormulaError("holds no element")
    return amounts


def _tokens(text: str) -> list[tuple[int, str]]:
    """(position, token) pairs, whitespace dropped; :class:`FormulaError` at the first stray character."""
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FormulaError(f"unexpected character {text[pos]!r} at position {pos + 1}")
        if not m.group().isspace():
            out.append((pos, m.group()))
        pos = m.end()
    return out


def _is_number(tok: str) -> bool:
    return tok[0].isdigit() or tok[0] == "."


def _element(tok: str, following: str) -> str:
    if tok in ELEMENTS:
        return tok
    if len(tok) > 1:
        raise FormulaError(f"{tok!r} is not an element symbol")
    raise FormulaError(f"{tok!r} is not an element symbol{symbol_hint(tok, following)}")
