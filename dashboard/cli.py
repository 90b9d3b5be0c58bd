"""The `conflictmap` command: argument parsing only; the work happens in the modules it calls."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from dashboard.errors import ConflictMapError
from dashboard.ingest.run import ingest_paths
from dashboard.nlp import DEFAULT_MAX_CHARS
from dashboard.paths import data_dir, default_store


def _date(value: str) -> date:
    from dashboard.ingest.readers import EARLIEST_DATE, latest_date

    try:
        day = date.fromisoformat(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from err
    if not EARLIEST_DATE <= day <= latest_date():
        raise argparse.ArgumentTypeError(f"{value} is outside {EARLIEST_DATE}…{latest_date()}")
    return day


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from err
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {n}")
    return n


# One declaration per option and no branch (radon complexity 1): its length is the CLI's, and tests/test_docs.py
# reads the README against it. Split per command once the branches that add options are merged (issue 15).
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="conflictmap", description="News articles → a map of sourced events.")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="read articles, extract events, add them to the store")
    ing.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (.txt .html .jsonl .csv .xml)")
    ing.add_argument(
        "--store", type=Path, default=None, help="store directory (default: $CONFLICTMAP_STORE or the user data dir)"
    )
    ing.add_argument(
        "--published",
        type=_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="publication date for articles that carry none",
    )
    ing.add_argument(
        "--source",
        default=None,
        metavar="OUTLET",
        help="the outlet of every article read (replaces the file's own, or its file name)",
    )
    ing.add_argument("--url", default=None, metavar="URL", help="the link of every article read (http or https)")
    ing.add_argument(
        "--online",
        choices=("nominatim", "photon"),
        default=None,
        help="ask an online geocoder (1 request/s, cached on disk) for names the gazetteer lacks",
    )
    ing.add_argument("--user-agent", default="conflictmap", help="user agent sent to the online geocoder")
    ing.add_argument(
        "--status",
        type=Path,
        default=None,
        metavar="FILE",
        help="keep a JSON progress file up to date (state, done/total, skipped files, counts)",
    )
    ing.add_argument(
        "--max-chars",
        type=_positive,
        default=None,
        metavar="N",
        help=f"longest article processed, in characters (default {DEFAULT_MAX_CHARS:,}); "
        "longer ones are skipped with a message",
    )
    ing.add_argument(
        "--dask",
        default=None,
        metavar="local|ADDRESS",
        help="process the articles on a Dask cluster: 'local' starts one on this machine, "
        "tcp://host:8786 joins a running scheduler (needs the conflictmap[dask] extra)",
    )
    ing.add_argument(
        "--partition-size",
        type=_positive,
        default=None,
        metavar="N",
        help="with --dask: articles per task (default: about 4 tasks per worker thread, at most 200)",
    )

    srv = sub.add_parser("serve", help="serve the dashboard (ingests the bundled data into an empty store)")
    srv.add_argument("--store", type=Path, default=None, help="store directory")
    srv.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    srv.add_argument("--port", type=int, default=8050, help="port (default 8050)")
    srv.add_argument(
        "--tiles",
        default=None,
        metavar="osm|carto|URL",
        help="tile basemap (needs the network; default: $CONFLICTMAP_TILES, else the offline basemap)",
    )
    srv.add_argument(
        "--token-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="file whose first line is the access token that writes (upload, corrections) need",
    )
    srv.add_argument(
        "--token",
        default=None,
        metavar="TOKEN",
        help="the access token itself (visible to other users of this machine: prefer --token-file)",
    )
    srv.add_argument("--read-only", action="store_true", help="refuse every write (upload, corrections)")
    srv.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this Host name (a DNS name or a proxy's); repeatable",
    )
    srv.add_argument(
        "--workers",
        type=_positive,
        default=None,
        metavar="N",
        help="server processes (default 1, under waitress; more than one run under gunicorn)",
    )
    srv.add_argument(
        "--threads",
        type=_positive,
        default=None,
        metavar="N",
        help="request threads per process (default: 2 with several workers; with one, 2 per core, at least 4)",
    )
    srv.add_argument(
        "--max-request-mb",
        type=_positive,
        default=64,
        metavar="MB",
        help="largest request body accepted, in MB (default 64)",
    )
    srv.add_argument("--dev", action="store_true", help="Flask's development server instead of gunicorn/waitress")

    exp = sub.add_parser("export", help="write the events table to a file")
    exp.add_argument("--store", type=Path, default=None, help="store directory")
    exp.add_argument("--format", choices=("csv", "geojson", "parquet"), required=True, help="file format")
    exp.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="output file")
    exp.add_argument(
        "--kind",
        choices=("event", "mention", "all"),
        default="event",
        help="which rows: events (default), mentions, or all (see the record_kind column)",
    )

    st = sub.add_parser("store", help="maintain the events store")
    stsub = st.add_subparsers(dest="store_command", required=True)
    cmp_ = stsub.add_parser("compact", help="fold overlays into the parts and each year's parts into one file")
    cmp_.add_argument("--store", type=Path, default=None, help="store directory")

    ev = sub.add_parser("eval", help="score the pipeline against annotated gold data")
    evsub = ev.add_subparsers(dest="eval_command", required=True)
    geo = evsub.add_parser("geoparse", help="toponym recognition and resolution against a gold JSONL file")
    geo.add_argument("gold", type=Path, metavar="GOLD.jsonl", help="gold file: text + toponyms[start,end,lat,lon]")
    geo.add_argument("--gold-spans", action="store_true", help="score resolution given the gold spans")
    geo.add_argument("--json", action="store_true", help="print one JSON object")
    geo.add_argument(
        "--disable",
        default=None,
        metavar="RULE,...",
        help="switch off these rules or rule families (`conflictmap rules` lists them)",
    )
    geo.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N documents")

    evs = evsub.add_parser("events", help="main event's governorate, fatalities and sub-type against FA-KES gold")
    evs.add_argument("gold", type=Path, metavar="FAKES.jsonl", help="FA-KES-format articles with gold facts")
    evs.add_argument("--json", action="store_true", help="print one JSON object")
    evs.add_argument(
        "--disable",
        default=None,
        metavar="RULE,...",
        help="switch off these rules or rule families (`conflictmap rules` lists them)",
    )
    evs.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N articles")
    evl = evsub.add_parser("event-location", help="choosing the event's location span in a sentence")
    evl.add_argument(
        "gold", type=Path, metavar="FILE.jsonl", help="records: text, event{start,end}, event_locations[{start,end}]"
    )
    evl.add_argument("--json", action="store_true", help="print one JSON object")
    evl.add_argument(
        "--disable",
        default=None,
        metavar="RULE,...",
        help="switch off these rules or rule families (`conflictmap rules` lists them)",
    )
    evl.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N records")
    evr = evsub.add_parser("records", help="the events table row by row against hand-coded event records")
    evr.add_argument(
        "gold",
        type=Path,
        metavar="GOLD.jsonl",
        help="articles with their hand-coded events (id, text, date, events[...])",
    )
    evr.add_argument("--json", action="store_true", help="print one JSON object")
    evr.add_argument(
        "--disable",
        default=None,
        metavar="RULE,...",
        help="switch off these rules or rule families (`conflictmap rules` lists them)",
    )
    evr.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N articles")
    evr.add_argument(
        "--errors",
        type=Path,
        default=None,
        metavar="FILE",
        help="write every false event, missed event, duplicate and field error (JSON lines)",
    )
    evr.add_argument(
        "--export",
        type=Path,
        default=None,
        metavar="FILE",
        help="keep the scored events CSV (the reference scorer reads it)",
    )

    sub.add_parser("rules", help="list the extraction rules: id, family and what each does")

    gaz = sub.add_parser("gazetteer", help="add GeoNames dumps or your own corrections to the gazetteer")
    gazsub = gaz.add_subparsers(dest="gazetteer_command", required=True)
    gimp = gazsub.add_parser("import", help="import allCountries.txt, XX.zip / XX.txt or admin1CodesASCII.txt")
    gimp.add_argument("files", nargs="+", type=Path, metavar="FILE", help="GeoNames dump files")
    gadd = gazsub.add_parser("add", help="record a correction: NAME means this place from now on")
    gadd.add_argument("name", metavar="NAME", help="the place name as written in articles")
    gadd.add_argument("lat", type=float, metavar="LAT", help="latitude")
    gadd.add_argument("lon", type=float, metavar="LON", help="longitude")
    gadd.add_argument("--country", default="", metavar="XX", help="ISO 3166-1 alpha-2 country code")
    gadd.add_argument("--admin1", default="", metavar="NAME", help="province / governorate / state")
    gadd.add_argument(
        "--feature-code",
        default="PPL",
        metavar="CODE",
        help="GeoNames feature code (PPL town, ADM1 province, ADM2 district...)",
    )
    gadd.add_argument(
        "--geonameid",
        type=int,
        default=None,
        metavar="ID",
        help="the place's GeoNames id, kept in the events' geonameid column",
    )

    ben = sub.add_parser(
        "bench",
        help="measure ingest throughput against bare spaCy, and peak memory; "
        "with --events, the dashboard over a synthetic store",
    )
    ben.add_argument("--json", action="store_true", help="print one JSON object")
    ben.add_argument("--limit", type=int, default=None, help="use only the first N bundled articles")
    ben.add_argument(
        "--repeat",
        type=_positive,
        default=3,
        metavar="R",
        help="paired runs of bare spaCy and the ingest, alternating which goes first (default 3)",
    )
    ben.add_argument(
        "--events",
        type=int,
        default=None,
        metavar="N",
        help="serve a synthetic store of N events and time the dashboard's requests and page",
    )
    ben.add_argument(
        "--requests", type=int, default=30, metavar="K", help="with --events: requests per interaction (default 30)"
    )
    ben.add_argument("--seed", type=int, default=0, help="with --events: the synthetic store's seed")
    ben.add_argument(
        "--engine",
        choices=("auto", "duckdb", "memory"),
        default="auto",
        help="with --events: the server's query engine (default auto: in memory up to 250,000 events, DuckDB above)",
    )
    ben.add_argument(
        "--store",
        type=Path,
        default=None,
        metavar="DIR",
        help="with --events: build the synthetic store in DIR and reuse it on later runs of the "
        "same size and seed (the append and correction figures, which write to it, are left out)",
    )
    ben.add_argument(
        "--fast-store",
        action="store_true",
        help="with --events: write the synthetic store column-wise in DuckDB (dashboard/synth_fast.py: "
        "one merge over the whole table, one part per year)",
    )
    ben.add_argument(
        "--long",
        action="store_true",
        help="time one long article (25k, 100k, 1M characters; a report and a list of names) "
        "through ingest, each in a fresh process",
    )
    ben.add_argument(
        "--dask",
        default=None,
        metavar="local|ADDRESS",
        help="also time the ingest through a Dask cluster ('local' or a scheduler address)",
    )
    ben.add_argument(
        "--partition-size", type=_positive, default=None, metavar="N", help="with --dask: articles per task"
    )
    return p


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
    print(
        f"read {summary['read']} article(s); {summary['already_stored']} already stored; "
        f"{len(summary['skipped'])} skipped{warned}"
    )
    for problem in summary["skipped"]:
        print(f"  skipped {problem}")
    for warning in summary["warnings"]:
        print(f"  warning {warning}")
    print(f"added {summary['articles_added']} article(s) and {summary['events_added']} event(s) to {summary['store']}")
    return 0 if summary["read"] or not summary["skipped"] else 1


def cmd_serve(args: argparse.Namespace) -> int:
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

    events = select_kind(EventsStore(_store_dir(args)).load_events(), args.kind)
    n = write_events(events, args.format, args.output)
    print(f"wrote {n} {'row' if args.kind == 'all' else args.kind}(s) to {args.output}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from dashboard.bench import run_ingest_bench, run_serve_bench

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
    from dashboard import evaluate as E
    from dashboard.pipeline import build_pipeline as _build
    from dashboard.rules import Switches

    switches = Switches.parse(args.disable)

    def build_pipeline() -> Any:
        return replace(_build(), switches=switches)

    if args.eval_command == "geoparse":
        docs = E.read_gold(args.gold, args.limit)
        pipe = build_pipeline()
        figures = E.evaluate_geoparse(
            docs, pipe.nlp, pipe.geocoder, pipe.gazetteer, gold_spans=args.gold_spans, switches=switches
        )
    elif args.eval_command == "events":
        figures = E.evaluate_events(E.read_jsonl(args.gold, args.limit), build_pipeline())
    elif args.eval_command == "records":
        figures = _eval_records(args, build_pipeline())
    else:
        records = E.read_event_location(args.gold, args.limit)
        pipe = build_pipeline()
        figures = E.evaluate_event_location(records, pipe.nlp, pipe.geocoder, pipe.gazetteer, switches)
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
