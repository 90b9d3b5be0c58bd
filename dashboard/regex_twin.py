"""A pattern's lower-case twin: the pattern compiled without IGNORECASE, to run over a text's
lower-cased form, where it finds the same spans (see `lowered_twin`; `regex_needs.Needs` runs it)."""

from __future__ import annotations

import re
from typing import Any

try:  # `re`'s own parser: private, so a Python that moves it gives no twin (a twin is only a saving)
    import re._constants as sre_c  # type: ignore[import-not-found,unused-ignore]
    import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.11-3.13 have both
    sre_c = sre_parse = None

Item = tuple[Any, Any]  # one item of a parsed pattern: (opcode, argument)


# Letters outside ASCII that a pattern may spell and still have a twin: `re` ignoring case matches
# each to the characters `str.lower` turns into it and no others (tests/test_regex_twin.py checks
# them against `re` over every code point). The typographic apostrophes have no case: the count
# patterns' words (`[\w'’-]`) spell one.
TWIN_LETTERS = frozenset("äöüéèêáàâíîóôúûçñ’‘")


def lowered_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """`pattern` compiled without IGNORECASE, to run over a text's lower-cased form when the text
    folds (`Text.folds`): `re` then compares characters as they are and skips ahead on a literal's
    first letter, where ignoring case it tries every alternative at every position. It finds the
    same spans when every character the pattern spells is lower case, ASCII or one of `TWIN_LETTERS`
    (read from its parse, so an escape such as `\\x41` counts as the letter it is), and it sets no
    flags of its own: lower-casing keeps a folding text's length and what `\\w`, `\\s` and `\\d`
    match. None otherwise."""
    if not pattern.flags & re.IGNORECASE or pattern.flags & re.LOCALE or sre_parse is None:
        return None
    try:
        stable = _lower_stable(list(sre_parse.parse(pattern.pattern, pattern.flags).data))
    except (AttributeError, TypeError, ValueError, IndexError):
        return None
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE) if stable else None


def _letter_ok(code: int) -> bool:
    ch = chr(code)
    return ch == ch.lower() and (ch.isascii() or ch in TWIN_LETTERS)


def _lower_stable(items: list[Item]) -> bool:
    """Whether every character a parsed pattern spells is one `_letter_ok` accepts (classes and
    ranges included), with no back-references and no groups that set flags."""
    for op, av in items:
        if op in (sre_c.LITERAL, sre_c.NOT_LITERAL):
            ok = _letter_ok(av)
        elif op is sre_c.IN:
            ok = all(_class_item_ok(o, a) for o, a in av)
        elif op is sre_c.SUBPATTERN:
            ok = not (av[1] | av[2]) and _lower_stable(list(av[3].data))
        elif op is sre_c.BRANCH:
            ok = all(_lower_stable(list(alt.data)) for alt in av[1])
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, getattr(sre_c, "POSSESSIVE_REPEAT", None)):
            ok = _lower_stable(list(av[2].data))
        elif op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
            ok = _lower_stable(list(av[1].data))
        else:
            ok = op in (sre_c.AT, sre_c.ANY, sre_c.CATEGORY)
        if not ok:
            return False
    return True


def _class_item_ok(op: Any, av: Any) -> bool:
    if op is sre_c.LITERAL:
        return _letter_ok(av)
    if op is sre_c.RANGE:
        return all(_letter_ok(c) for c in range(av[0], av[1] + 1))
    return op in (sre_c.CATEGORY, sre_c.NEGATE)
