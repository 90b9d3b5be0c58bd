"""The upload panel's ingest worker: `python -m dashboard.ingest.worker STORE STATUS FILE...` runs
`ingest_paths` in a process of its own (the app never loads spaCy or the pipeline), the same
function `conflictmap ingest` calls, with no command line in between. Progress goes to the
STATUS file the panel polls; the summary is printed as one JSON line for the job's log."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from dashboard.errors import ConflictMapError
from dashboard.ingest.run import ingest_paths


def main(argv: Sequence[str] | None = None) -> int:
    store, status, *files = sys.argv[1:] if argv is None else argv
    try:
        summary = ingest_paths([Path(f) for f in files], Path(store), status=Path(status))
    except ConflictMapError as err:
        print(f"conflictmap ingest: error: {err}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    # As `conflictmap ingest`: a batch in which nothing could be read failed.
    return 0 if summary["read"] or not summary["skipped"] else 1


# Guarded: spawned worker processes may import this module again.
if __name__ == "__main__":
    raise SystemExit(main())
