"""The upload panel's ingest worker: `python -m dashboard.ingest.worker [--source S] [--url U]
[--published YYYY-MM-DD] STORE STATUS FILE...` runs
`ingest_paths` in a process of its own (the app never loads spaCy or the pipeline), the same
function `conflictmap ingest` calls, with no command line in between. Progress goes to the
STATUS file the panel polls; the summary is printed as one JSON line for the job's log."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from dashboard.errors import ConflictMapError
from dashboard.ingest.run import ingest_paths


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    given: dict[str, str] = {}
    while args and args[0] in ("--source", "--url", "--published") and len(args) > 1:
        given[args[0][2:]] = args[1]
        del args[:2]
    store, status, *files = args
    try:
        published = date.fromisoformat(given.pop("published")) if "published" in given else None
        summary = ingest_paths(
            [Path(f) for f in files],
            Path(store),
            published=published,
            status=Path(status),
            source=given.get("source"),
            url=given.get("url"),
        )
    except ValueError as err:
        print(f"conflictmap ingest: error: --published: {err}", file=sys.stderr)
        return 1
    except ConflictMapError as err:
        print(f"conflictmap ingest: error: {err}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    # As `conflictmap ingest`: a batch in which nothing could be read failed.
    return 0 if summary["read"] or not summary["skipped"] else 1


# Guarded: spawned worker processes may import this module again.
if __name__ == "__main__":
    raise SystemExit(main())
