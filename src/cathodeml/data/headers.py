"""Header rules: which column names are read, which are refused as near misses, where the header is.

A column whose name is canonical is read; any other column is kept and ignored — except a **near
miss** of a canonical name, which is an error naming the canonical column, because a silently
ignored ``Coating`` column turns a coated recipe into an uncoated one (the data contract,
``recipe-columns.md``). The exact rule, applied to every name that is neither canonical nor a
prediction column (``T_pred`` …, ``in_domain``, ``domain_notes``):

1. **Normalise**: case-fold; ``%`` → ``pct``; drop ``°``; spaces, hyphens, dots and ``/`` → ``_``;
   runs of ``_`` collapsed and stripped at the ends. A unit in brackets at the end is tried both
   joined to the name (``capacity (mAh/g)`` → ``capacity_mah_g``) and dropped (``v_max [V]`` →
   ``v_max``). If a form is canonical, the name is a near miss (``Coating``, ``v max``, ``v-max``,
   ``V_max (V)``, ``retention %``).
2. **Alias**: a form listed in :data:`cathodeml.schema.ALIASES` is a near miss of the column(s)
   it names (``voltage_high`` → ``v_max``; ``c_rate`` → ``capacity_c_rate`` or ``cycle_c_rate``).
3. **Typo**: optimal-string-alignment edit distance (insert, delete, substitute, swap two
   neighbours) from the normalised name to a canonical one: distance 1 when the name has at least
   4 characters, distance 2 when both the name and the canonical column have at least 7 (so
   short names such as ``v_mx`` → ``v_max`` count, but two letters changed in a five-letter name
   do not). An element's own fraction column is not a typo of another's (``cr_frac`` is not
   ``co_frac``). All canonical columns at the smallest distance are named.

Canonical names are never near misses of each other (``v_min``/``v_max`` are distance 2 but
short; a test checks the whole table). A test also checks that no alias is canonical.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from cathodeml.data.elements import ELEMENTS
from cathodeml.errors import Problem
from cathodeml.schema import ALIASES, CANONICAL, PREDICTION_COLUMNS

_CANON = frozenset(CANONICAL)
_LONGEST = max(len(c) for c in CANONICAL)
_UNIT = re.compile(r"^(.*?)\s*[\(\[]([^\)\]]*)[\)\]]\s*$")
_SEP = re.compile(r"[\s\-./\\]+")
_FRAC = re.compile(r"^([a-z]{1,2})_frac$")
#: How far down a header may sit before we stop looking for it (title rows above a table).
HEADER_SEARCH_ROWS = 20


def normalise(name: str) -> str:
    """The comparison form of a header: ``'Coating wt %'`` → ``'coating_wt_pct'``."""
    n = name.casefold().replace("%", "_pct").replace("°", "")
    n = _SEP.sub("_", n)
    return re.sub(r"_+", "_", n).strip("_")


def _forms(name: str) -> list[str]:
    m = _UNIT.match(name)
    forms = [normalise(name)]
    if m:
        forms += [normalise(f"{m.group(1)} {m.group(2)}"), normalise(m.group(1))]
    return list(dict.fromkeys(f for f in forms if f))


def osa_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def _other_element_fraction(form: str, canonical: str) -> bool:
    m, c = _FRAC.match(form), _FRAC.match(canonical)
    return bool(m and c and m.group(1) != c.group(1) and m.group(1).capitalize() in ELEMENTS)


def _typo_targets(form: str) -> list[str]:
    if len(form) < 4 or len(form) > _LONGEST + 2:
        return []
    best, found = 3, []
    for c in CANONICAL:
        d = osa_distance(form, c)
        if d == 2 and (len(form) < 7 or len(c) < 7):
            continue
        if d > 2 or _other_element_fraction(form, c):
            continue
        if d < best:
            best, found = d, [c]
        elif d == best:
            found.append(c)
    return found


def near_miss(name: object) -> tuple[tuple[str, ...], str] | None:
    """(canonical columns meant, why) when ``name`` is a near miss; ``None`` when it is not.

    Canonical names and prediction columns are never near misses.
    """
    return _near_miss(str(name))


@lru_cache(maxsize=8192)
def _near_miss(text: str) -> tuple[tuple[str, ...], str] | None:
    if text in _CANON or text in PREDICTION_COLUMNS:
        return None
    forms = _forms(text)
    for f in forms:
        if f in _CANON:
            return (f,), "written with other case, spaces, hyphens or a unit"
    for f in forms:
        if f in ALIASES:
            return ALIASES[f], "a common other name"
    for f in forms:
        targets = _typo_targets(f)
        if targets:
            return tuple(targets), "one or two letters off"
    return None


def _quoted_choices(names: Sequence[str]) -> str:
    quoted = [repr(n) for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def header_problems(columns: Iterable[object]) -> list[Problem]:
    """Every problem of a list of column names: duplicates and near misses of canonical names.

    This is the one check behind file headers, :class:`~cathodeml.data.recipe.Recipe` keyword
    arguments and REST field names: ``header_problems(["Coating"])`` →
    ``[Problem(None, 'Coating', None, "did you mean 'coating'? …")]``.
    """
    names = [str(c) for c in columns]
    problems: list[Problem] = []
    seen: set[str] = set()
    for n in names:
        if names.count(n) > 1 and n not in seen:
            problems.append(Problem(None, n, None, "appears more than once in the header"))
        seen.add(n)
    for n in dict.fromkeys(names):
        hit = near_miss(n)
        if hit is not None:
            targets, why = hit
            problems.append(Problem(
                None, n, None,
                f"did you mean {_quoted_choices(targets)}? ({why}; a near miss is refused, not ignored: rename the column)",
            ))
    return problems


def is_header_like(cells: Sequence[str]) -> bool:
    """True when a row holds a canonical column name or a near miss of one."""
    return any(c in _CANON or (c and near_miss(c) is not None) for c in (str(x).strip() for x in cells))


def find_header(records: Sequence[Sequence[str]]) -> int | None:
    """Index of the first of ``records`` (at most :data:`HEADER_SEARCH_ROWS`) that looks like a header."""
    for i, rec in enumerate(records[:HEADER_SEARCH_ROWS]):
        if is_header_like(rec):
            return i
    return None
