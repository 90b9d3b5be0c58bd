"""A pattern's choices regrouped by their first letter, so that `re` tries fewer of them.

`re` tries the branches of a choice one by one at each position it reaches: the actor dictionary's
people pattern tries ~50 names at every word. `grouped` compiles the same pattern with the branches
that begin with the same character written once behind it (`civilians?|children|people` as
`c(?:ivilians?|hildren)|people`): at a position only the branches of its character are tried.

It finds the same matches, groups included. `re` takes the first branch, in the order written, with
which the rest of the pattern matches; two branches that begin with different characters cannot both
match at one position, so their order between themselves never decides anything, and a branch moves
up to the first one of its character only past branches that cannot begin with it (a branch that may
begin with anything, or match nothing, is passed by none). Inside each group the order is kept.
"""

from __future__ import annotations

import re
from typing import Any

try:  # `re`'s own parser and compiler: private, so a Python that moves them keeps every pattern as it is
    import _sre  # type: ignore[import-not-found,unused-ignore]
    import re._compiler as sre_compile  # type: ignore[import-not-found,unused-ignore]
    import re._constants as sre_c  # type: ignore[import-not-found,unused-ignore]
    import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.11-3.13 have them
    _sre = sre_compile = sre_c = sre_parse = None

Item = tuple[Any, Any]  # one item of a parsed pattern: (opcode, argument)
_MAX_RANGE = 256  # a class's range of more characters than this may begin with anything, as far as this reads


def grouped(pattern: re.Pattern[str] | None) -> re.Pattern[str] | None:
    """`pattern` with the branches of each choice grouped by their first character (see the module),
    compiled from its parse; the pattern itself when nothing groups, when it ignores case (a letter
    then stands for two), or when the parse is of a shape this module does not read."""
    if pattern is None or pattern.flags & (re.IGNORECASE | re.LOCALE) or sre_parse is None:
        return pattern
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
        if not _regroup(tree.data, tree.state):
            return pattern
        # `re.compile`'s own last steps, from the regrouped parse: the same flags and groups, and
        # the written pattern as the compiled one's `pattern`.
        indexgroup: list[str | None] = [None] * tree.state.groups
        for name, k in tree.state.groupdict.items():
            indexgroup[k] = name
        return _sre.compile(  # type: ignore[no-any-return,unused-ignore]
            pattern.pattern,
            pattern.flags | tree.state.flags,
            sre_compile._code(tree, pattern.flags),
            tree.state.groups - 1,
            tree.state.groupdict,
            tuple(indexgroup),
        )
    except (AttributeError, TypeError, ValueError, IndexError, RecursionError, re.error):
        return pattern


def _regroup(items: list[Item], state: Any) -> bool:
    """Regroup every choice in `items` (in place, nested ones too); whether any changed."""
    changed = False
    for k, (op, av) in enumerate(items):
        if op is sre_c.BRANCH:
            alts = _flattened(av[1])
            for alt in alts:
                changed |= _regroup(alt.data, state)
            new = _grouped_branches(alts, state)
            if new is not None:
                items[k] = (op, (av[0], new))
                changed = True
        elif op is sre_c.SUBPATTERN:
            changed |= _regroup(av[3].data, state)
        elif op in _REPEATS:
            changed |= _regroup(av[2].data, state)
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            changed |= _regroup(av[1].data, state)
        elif op is getattr(sre_c, "ATOMIC_GROUP", None):
            changed |= _regroup(av.data, state)
    return changed


_REPEATS = (
    tuple(
        op for op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)) if op is not None
    )
    if sre_c is not None
    else ()
)


def _flattened(alts: list[Any]) -> list[Any]:
    """The branches, a branch that is a choice and nothing else (`x|(?:a|b)|y`) spelt as its own
    branches in their place (`x|a|b|y`): the same tries in the same order."""
    out = []
    for alt in alts:
        if len(alt.data) == 1 and alt.data[0][0] is sre_c.BRANCH:
            out += _flattened(alt.data[0][1][1])
        else:
            out.append(alt)
    return out


def _grouped_branches(alts: list[Any], state: Any) -> list[Any] | None:
    """The branches with those of one first character brought together (see the module), each group
    of two or more written as its character and a choice of the rests; None when none groups."""
    slots = _slots(alts)
    if len(slots) == len(alts):
        return None
    out = []
    for key, _, members in slots:
        if key is None or len(members) == 1:
            out.append(members[0])
            continue
        rests = [sre_parse.SubPattern(state, list(m.data[1:])) for m in members]
        inner: list[Item] = [(sre_c.BRANCH, (None, rests))]
        _regroup(inner, state)
        out.append(sre_parse.SubPattern(state, [(sre_c.LITERAL, ord(key)), *inner]))
    return out


def _slots(alts: list[Any]) -> list[tuple[str | None, set[str] | None, list[Any]]]:
    """The branches in order, as (first literal, the characters it may begin with, the branches of
    that group): a branch that begins with a literal joins the last group of its character unless a
    branch since may begin with it."""
    slots: list[tuple[str | None, set[str] | None, list[Any]]] = []
    for alt in alts:
        first = _literal_first(alt.data)
        if first is not None:
            at = next((k for k in range(len(slots) - 1, -1, -1) if slots[k][0] == first), None)
            if at is not None and all(b is not None and first not in b for _, b, _ in slots[at + 1 :]):
                slots[at][2].append(alt)
                continue
        slots.append((first, {first} if first is not None else _may_begin(alt.data), [alt]))
    return slots


def _literal_first(items: list[Item]) -> str | None:
    """The character a branch begins with when its first item is that character alone."""
    return chr(items[0][1]) if items and items[0][0] is sre_c.LITERAL else None


def _may_begin(items: list[Item]) -> set[str] | None:
    """The characters a branch's matches may begin with; None: any, or it may match nothing."""
    found, empty = _beginning(items)
    return None if found is None or empty else found


def _beginning(items: list[Item]) -> tuple[set[str] | None, bool]:
    """(the characters the items' matches may begin with, whether they may match nothing); None: any."""
    out: set[str] = set()
    for op, av in items:
        found, empty = _item_beginning(op, av)
        if found is None:
            return None, False
        out |= found
        if not empty:
            return out, False
    return out, True


def _item_beginning(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    if op is sre_c.LITERAL:
        return {chr(av)}, False
    if op is sre_c.IN:
        return _class_beginning(av), False
    if op is sre_c.AT or op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
        return set(), True  # consumes nothing: what follows begins the match
    if op is sre_c.SUBPATTERN:
        return _beginning(av[3].data) if not (av[1] | av[2]) else (None, False)
    if op is sre_c.BRANCH:
        return _branch_beginning(av[1])
    if op in _REPEATS:
        found, empty = _beginning(av[2].data)
        return found, empty or av[0] == 0
    return None, False  # anything else (`.`, a category, a back-reference): it may begin with anything


def _class_beginning(items: list[Item]) -> set[str] | None:
    """The characters a class matches, None for a negated class, a category (`\\w`) or a wide range."""
    chars: set[str] = set()
    for o, a in items:
        if o is sre_c.LITERAL:
            chars.add(chr(a))
        elif o is sre_c.RANGE and a[1] - a[0] <= _MAX_RANGE:
            chars.update(chr(c) for c in range(a[0], a[1] + 1))
        else:
            return None
    return chars


def _branch_beginning(alts: list[Any]) -> tuple[set[str] | None, bool]:
    """`_beginning` of a choice: what any branch may begin with, and whether any may match nothing."""
    out: set[str] = set()
    empty = False
    for alt in alts:
        found, e = _beginning(alt.data)
        if found is None:
            return None, False
        out |= found
        empty = empty or e
    return out, empty
