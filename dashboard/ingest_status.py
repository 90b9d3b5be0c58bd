"""The progress file an ingest writes with `--status FILE`, and reading it back.

The dashboard starts `conflictmap ingest` in a separate process for files uploaded from the
page and polls this file; it is replaced atomically on every write, so a reader never sees a
half-written state.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dashboard.errors import ConflictMapError

FINAL_STATES = ("done", "failed")


@dataclass
class IngestStatus:
    state: str = "starting"  # starting → reading → loading (model) → parsing → storing → done | failed
    total: int = 0  # new articles to parse
    done: int = 0  # articles parsed so far
    read: int = 0
    already_stored: int = 0
    duplicates: int = 0  # copies of a new article read again within the same batch (stored once)
    skipped: list[str] = field(default_factory=list)  # "file: problem", one per file or row the readers refused
    warnings: list[str] = field(default_factory=list)  # "file: what was set aside", for articles still stored
    articles_added: int = 0
    events_added: int = 0
    error: str = ""

    @property
    def finished(self) -> bool:
        return self.state in FINAL_STATES


def read_status(path: Path) -> IngestStatus | None:
    """The status in `path`; None while the ingest has not written one yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        return IngestStatus(state="failed", error=f"{path}: unreadable status ({err})")
    if not isinstance(data, dict):
        return IngestStatus(state="failed", error=f"{path}: unreadable status (not an object)")
    known = IngestStatus.__dataclass_fields__
    status = IngestStatus(**{k: v for k, v in data.items() if k in known})
    status.skipped = [str(s) for s in status.skipped] if isinstance(status.skipped, list) else []
    status.warnings = [str(s) for s in status.warnings] if isinstance(status.warnings, list) else []
    return status


class StatusFile:
    """Writes an IngestStatus to a file at each change; does nothing without a path."""

    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path else None
        self.status = IngestStatus()

    def update(self, **fields: object) -> None:
        for k, v in fields.items():
            setattr(self.status, k, v)
        if self.path is None:
            return
        tmp = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(asdict(self.status), fh)
            os.replace(tmp, self.path)
        except OSError as err:  # the path is a folder, or cannot be written: said, no temporary left
            if tmp:
                Path(tmp).unlink(missing_ok=True)
            raise ConflictMapError(f"{self.path}: cannot write the ingest status ({err.strerror or err})") from err

    def advance(self, n: int) -> None:
        self.update(done=self.status.done + n)
