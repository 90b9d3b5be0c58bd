"""What kind of actor a name in a row is (dashboard/events/actors.py's dictionary): a generic word for
armed men rather than a named group, and the alliance an external force acts in."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from dashboard.events.actors import ACTORS_PATH, load_dictionary


@lru_cache(maxsize=2)
def _generic_group_prefixes(path: Path = ACTORS_PATH) -> tuple[str, ...]:
    d = load_dictionary(path)
    return tuple(
        sorted({e.name.split("{")[0] for _, e, _ in d.patterns if e.generic and not e.victim and e.inter in (2, 3)})
    )


@lru_cache(maxsize=2)
def _bloc_members(path: Path = ACTORS_PATH) -> dict[str, str]:
    """{state forces' canonical name: the alliance it flies in}, from the `members` of actors.toml."""
    with Path(path).open("rb") as fh:
        data = tomllib.load(fh)
    d = load_dictionary(path)
    return {
        d.state_canonical[code]: a["name"]
        for a in data["actor"]
        for code in a.get("members", [])
        if code in d.state_canonical
    }


def bloc_of(name: str) -> str:
    """The alliance an external force acts in: a member state's forces are its coalition's
    ("Military Forces of France" → "Coalition (US-led)"); any other actor is its own."""
    return _bloc_members().get(name, name)


def is_generic_group(name: str) -> bool:
    """Whether an actor is a generic word for armed men ("Rebel groups (Syria)", "Unidentified Armed
    Group (Syria)"), not a named group."""
    return bool(name) and name.startswith(_generic_group_prefixes())
