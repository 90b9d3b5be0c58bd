"""The corrections log: one JSON line per saved correction or undo, in the store's folder.

A line is written by the work a store write leaves pending (dashboard.corrections): the store swap
that moves the events carries the line in its manifest, and `finish_corrections` appends it. A
line is appended once whatever the crashes in between: its id is checked first.

Each correction keeps where its events were before (`before`: the old place fields, each with the
event ids that had them), so an undo puts exactly those events back, and a correction is undone
only while no later correction moved any of the same events.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import schema as S
from dashboard.errors import CorrectionError, StoreError

LOG = "corrections.jsonl"
# The columns a correction changes (corrections.reresolve) and an undo puts back.
PLACE_FIELDS = S.CORRECTED_PLACE_COLUMNS


def read_log(root: Path) -> list[dict]:
    """Every line of the store's log, oldest first (a torn last line, from a crash, is skipped)."""
    path = Path(root) / LOG
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict) and item.get("id"):
            out.append(item)
    return out


def append_log(root: Path, record: dict) -> None:
    """Add `record` unless a line with its id is there already (a finish run twice)."""
    if any(r["id"] == record["id"] for r in read_log(root)):
        return
    path = Path(root) / LOG
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as err:
        raise StoreError(f"{path}: cannot write the corrections log ({err.strerror or err})") from err


def _plain(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def before_groups(rows: pd.DataFrame) -> list[dict]:
    """The place fields of these rows before a correction: one entry per distinct place, with its event ids."""
    # Grouped by pandas, each distinct place's values then made plain once: made plain value by
    # value, 10,000 rows' nine fields took 0.2-0.3 s of a save (and as row records 1.2 s).
    cols = [c for c in PLACE_FIELDS if c in rows.columns]
    if rows.empty:
        return []
    ids = rows[S.EVENT_ID].astype(str).to_numpy(dtype=object)
    # Each column's values as integer codes (a missing value one code of its own), folded column by
    # column into one code per distinct place (renumbered at each step, so it never overflows).
    codes = np.zeros(len(rows), dtype=np.int64)
    for c in cols:
        col = pd.factorize(rows[c], use_na_sentinel=False)[0].astype(np.int64)
        codes = pd.factorize(codes * (int(col.max()) + 1) + col)[0].astype(np.int64)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0, True])
    groups = [order[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
    groups.sort(key=lambda at: int(at[0]))  # in the order the places first appear
    heads = rows[cols].iloc[[int(at[0]) for at in groups]]
    values = {c: [_plain(v) for v in heads[c].to_numpy(dtype=object, na_value=None)] for c in cols}
    return [
        {"fields": {c: values[c][i] if c in values else None for c in PLACE_FIELDS}, "events": ids[at].tolist()}
        for i, at in enumerate(groups)
    ]


def moved_ids(record: dict) -> set[str]:
    return {e for g in record.get("before") or [] for e in g["events"]}


def corrections(root: Path) -> list[dict]:
    """The saved corrections, newest first, each with `undone` (an undo line names it)."""
    log = read_log(root)
    undone = {r["undoes"] for r in log if r.get("undoes")}
    return [{**r, "undone": r["id"] in undone} for r in reversed(log) if not r.get("undoes")]


def undo_target(root: Path, correction_id: str) -> dict:
    """The correction to undo; CorrectionError when it is unknown, undone, or a later correction
    still in force moved some of its events (undo that one first)."""
    items = corrections(root)
    pos = next((i for i, r in enumerate(items) if r["id"] == correction_id), None)
    if pos is None:
        raise CorrectionError(f"no correction {correction_id!r} in the log")
    record = items[pos]
    if record["undone"]:
        raise CorrectionError("that correction is undone already")
    mine = moved_ids(record)
    later = [r for r in items[:pos] if not r["undone"] and moved_ids(r) & mine]
    if later:
        raise CorrectionError(
            f"a later correction (“{later[-1]['toponym']}”) moved some of the same events: undo it first"
        )
    return record


def restore_rows(events: pd.DataFrame, record: dict) -> pd.DataFrame:
    """The rows a correction moved, with the place fields they had before it."""
    out = events.copy()
    for group in record.get("before") or []:
        mask = pd.Series(S.isin(out[S.EVENT_ID], group["events"]), index=out.index)
        for col, value in group["fields"].items():
            out.loc[mask, col] = pd.NA if value is None else value
    return S.coerce_events(out)
