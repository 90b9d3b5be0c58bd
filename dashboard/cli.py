"""The `conflictmap` command: runs each command (its arguments are declared in cli_args.py); the work
happens in the modules it calls."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from dashboard.cli_args import build_parser
from dashboard.errors import ConflictMapError
from dashboard.ingest.run import ingest_paths
from dashboard.paths import data_dir, default_store


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        commands = {
            "ingest": cmd_ingest,
            "serve": cmd_serve,
            "export": cmd_export,
            "bench": cmd_bench,
            "store": cmd_store,
            "eval": cmd_eval,
            "gazetteer": cmd_gazetteer,
            "rules": cmd_rules,
        }
        return commands[args.command](args)
    except ConflictMapError as err:
        print(f"conflictmap: error: {err}", file=sys.stderr)
        return 1


def _store_dir(args: argparse.Namespace) -> Path:
    return Path(args.store) if args.store else default_store()


def cmd_ingest(args: argparse.Namespace) -> int:
    if args.partition_size and not args.dask:
        raise ConflictMapError("--partition-size only applies with --dask")
    summary = ingest_paths(
        args.paths,
        _store_dir(args),
        args.published,
        args.online,
        args.user_agent,
        status=args.status,
        dask=args.dask,
        partition_size=args.partition_size,
        max_chars=args.max_chars,
        source=args.source,
        url=args.url,
    )
    warned = f"; {len(summary['warnings'])} warning(s)" if summary["warnings"] else ""
    repeated = f"{summary['duplicates']} duplicate(s) within the batch; " if summary["duplicates"] else ""
    print(
        f"read {summary['read']} article(s); {summary['already_stored']} already stored; {repeated}"
        f"{len(summary['skipped'])} skipped{warned}"
    )
    for problem in summary["skipped"]:
        print(f"  skipped {problem}")
    for warning in summary["warnings"]:
        print(f"  warning {warning}")
    print(f"added {summary['articles_added']} article(s) and {summary['events_added']} event(s) to {summary['store']}")
    return 0 if summary["read"] or not summary["skipped"] else 1


def cmd_serve(args: argparse.Namespace) -> int:
    from dashboard.app import import_dash_for_serving

    import_dash_for_serving()
    from dashboard.app import serve
    from dashboard.app.app import create_app
    from dashboard.store import EventsStore

    opts = serve.ServeOptions(
        host=args.host,
        port=args.port,
        dev=args.dev,
        workers=args.workers,
        threads=args.threads,
        token=serve.read_token(args.token, args.token_file),
        read_only=args.read_only,
        allow_hosts=args.allow_host,
        max_request_mb=args.max_request_mb,
    )
    serve.check_exposure(opts)  # before the minutes an empty store takes to fill
    store_dir = _store_dir(args).absolute()
    if not EventsStore(store_dir).manifest()["generation"]:
        print(f"empty store {store_dir}: ingesting the bundled articles first", file=sys.stderr)
        summary = ingest_paths([data_dir()], store_dir)
        print(f"added {summary['articles_added']} article(s), {summary['events_added']} event(s)", file=sys.stderr)
    tiles = resolve_tiles(args.tiles or os.environ.get("CONFLICTMAP_TILES"))
    # One Access for every server process (built here, before the workers fork): its session key
    # signs the sign-in cookie, which any worker must accept.
    access = serve.access_for(opts)
    writes = "read-only" if opts.read_only else "writes need the token" if opts.token else "anyone here may write"
    print(
        f"conflictmap: serving {store_dir} at http://{args.host}:{args.port} ({writes}; answers Host "
        f"{', '.join(serve.hosts_note(opts))})",
        file=sys.stderr,
    )
    serve.run(lambda: create_app(store_dir, tiles=tiles, access=access), opts, tiles)
    return 0


def resolve_tiles(choice: str | None, probe: bool = True) -> tuple[str, str] | None:
    """(url, attribution) of the configured tile basemap when its server answers, else None (offline basemap)."""
    from dashboard.app.figures import TILE_PRESETS

    if not choice:
        return None
    url, attribution = TILE_PRESETS.get(choice, (choice, "tiles: " + choice.split("/")[2] if "//" in choice else ""))
    if probe and not tiles_reachable(url):
        print(f"conflictmap: tile server for {choice!r} unreachable; using the offline basemap", file=sys.stderr)
        return None
    return url, attribution


def tiles_reachable(url: str, timeout: float = 3.0) -> bool:
    import urllib.error
    import urllib.request

    tile = url.replace("{z}", "0").replace("{x}", "0").replace("{y}", "0")
    req = urllib.request.Request(tile, headers={"User-Agent": "conflictmap"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 (user-configured URL)
            return resp.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def cmd_store(args: argparse.Namespace) -> int:
    from dashboard.store import EventsStore

    store = EventsStore(_store_dir(args))
    if not store.exists():
        raise ConflictMapError(f"{store.root}: no store there")
    before = store.manifest()
    done = store.compact()
    print(
        f"compacted {store.root}: {before['n_events']:,} event(s), {done['files_before']} file(s) "
        f"-> {done['files_after']} (generation {done['generation']})"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from dashboard.export import select_kind, write_events
    from dashboard.store import EventsStore

    store = EventsStore(_store_dir(args))
    if not store.exists():  # a mistyped folder gave an empty export and success
        raise ConflictMapError(f"{store.root}: no store there")
    events = select_kind(store.load_events(), args.kind)
    try:
        n = write_events(events, args.format, args.output)
    except OSError as err:  # the output is a folder, or cannot be written
        raise ConflictMapError(f"{args.output}: cannot write the export ({err.strerror or err})") from err
    print(f"wrote {n} {'row' if args.kind == 'all' else args.kind}(s) to {args.output}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from dashboard.bench import run_ingest_bench
    from dashboard.bench_serve import run_serve_bench

    if args.long:
        from dashboard.bench_long import run_long_bench

        if args.events is not None or args.dask:
            raise ConflictMapError("bench: --long times single articles; it does not combine with --events or --dask")
        print_figures(run_long_bench(), args.json)
        return 0
    if args.events is not None:
        if args.dask or args.partition_size:
            raise ConflictMapError("bench: --dask and --partition-size time the ingest, not --events")
        if args.events < 1 or args.requests < 1:
            raise ConflictMapError("bench: --events and --requests must be at least 1")
        print_figures(
            run_serve_bench(
                args.events,
                requests=args.requests,
                seed=args.seed,
                engine=args.engine,
                store_dir=args.store,
                keep_store=args.store is not None,
                fast_store=args.fast_store,
            ),
            args.json,
        )
        return 0
    print_figures(
        run_ingest_bench(limit=args.limit, dask=args.dask, partition_size=args.partition_size, repeat=args.repeat),
        args.json,
    )
    return 0


def print_figures(figures: dict, as_json: bool) -> None:
    """One JSON object on one line, or an aligned table for people."""
    if as_json:
        print(json.dumps(figures))
        return
    width = max(map(len, figures))
    for k, v in figures.items():
        print(f"{k:<{width}}  {v}")


def cmd_rules(args: argparse.Namespace) -> int:
    from dashboard.rules import REGISTRY

    width = max(len(r.id) for r in REGISTRY)
    for r in REGISTRY:
        print(f"{r.id:<{width}}  {r.description}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from dashboard import evaluate
    from dashboard.pipeline import build_pipeline as _build
    from dashboard.rules import Switches

    switches = Switches.parse(args.disable)

    def build_pipeline() -> Any:
        return replace(_build(), switches=switches)

    if args.eval_command == "geoparse":
        docs = evaluate.read_gold(args.gold, args.limit)
        pipe = build_pipeline()
        figures = evaluate.evaluate_geoparse(
            docs, pipe.nlp, pipe.geocoder, pipe.gazetteer, gold_spans=args.gold_spans, switches=switches
        )
    elif args.eval_command == "events":
        from dashboard.eval_events import evaluate_events

        figures = evaluate_events(evaluate.read_jsonl(args.gold, args.limit), build_pipeline())
    elif args.eval_command == "records":
        figures = _eval_records(args, build_pipeline())
    else:
        records = evaluate.read_event_location(args.gold, args.limit)
        pipe = build_pipeline()
        figures = evaluate.evaluate_event_location(records, pipe.nlp, pipe.geocoder, pipe.gazetteer, switches)
    print_figures(figures, args.json)
    return 0


def _eval_records(args: argparse.Namespace, pipeline: object) -> dict:
    import shutil
    import tempfile

    from dashboard.eval_records import evaluate_records, read_records

    gold = read_records(args.gold, args.limit)
    with tempfile.TemporaryDirectory(prefix="conflictmap-eval-") as tmp:
        figures = evaluate_records(gold, pipeline, tmp, errors_path=args.errors)
        if args.export is not None:
            shutil.copyfile(Path(tmp) / "events.csv", args.export)
    return figures


def cmd_gazetteer(args: argparse.Namespace) -> int:
    from dashboard.geo.imports import add_override, gazetteer_dir, import_file

    if args.gazetteer_command == "add":
        path = add_override(
            args.name, args.lat, args.lon, args.country, args.admin1, args.feature_code, geonameid=args.geonameid
        )
        print(f"{args.name!r} → {args.lat}, {args.lon} recorded in {path}; later ingests use it")
        return 0
    status = 0
    for f in args.files:
        try:
            res = import_file(f)
        except ConflictMapError as err:
            print(f"conflictmap: error: {err}", file=sys.stderr)
            status = 1
            continue
        print(f"{f}: imported {res.rows} {res.kind} row(s), skipped {res.skipped} malformed line(s) → {res.path}")
    print(f"the gazetteer index in use includes {gazetteer_dir()} from the next run on")
    return status
