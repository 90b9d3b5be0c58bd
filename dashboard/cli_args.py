"""The `conflictmap` command line's arguments: one function per command declares its options, in
the order `--help` lists them; `dashboard/cli.py` runs the commands. Declarations only, no branch:
tests/test_docs.py reads the README against this parser."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from dashboard.nlp import DEFAULT_MAX_CHARS

Commands = argparse._SubParsersAction  # what add_subparsers returns: each command's parser comes from it


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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="conflictmap", description="News articles → a map of sourced events.")
    sub = p.add_subparsers(dest="command", required=True)
    _ingest(sub)
    _serve(sub)
    _export(sub)
    _store(sub)
    _eval(sub)
    sub.add_parser("rules", help="list the extraction rules: id, family and what each does")
    _gazetteer(sub)
    _bench(sub)
    return p


def _ingest(sub: Commands) -> None:
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
    _ingest_running(ing)


def _ingest_running(ing: argparse.ArgumentParser) -> None:
    """How the ingest runs: its progress file, the longest article, Dask."""
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


def _serve(sub: Commands) -> None:
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
    _serve_access(srv)
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


def _serve_access(srv: argparse.ArgumentParser) -> None:
    """Who may write, and which Host names the server answers."""
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


def _export(sub: Commands) -> None:
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


def _store(sub: Commands) -> None:
    st = sub.add_parser("store", help="maintain the events store")
    stsub = st.add_subparsers(dest="store_command", required=True)
    cmp_ = stsub.add_parser("compact", help="fold overlays into the parts and each year's parts into one file")
    cmp_.add_argument("--store", type=Path, default=None, help="store directory")


def _eval(sub: Commands) -> None:
    ev = sub.add_parser("eval", help="score the pipeline against annotated gold data")
    evsub = ev.add_subparsers(dest="eval_command", required=True)
    geo = evsub.add_parser("geoparse", help="toponym recognition and resolution against a gold JSONL file")
    geo.add_argument("gold", type=Path, metavar="GOLD.jsonl", help="gold file: text + toponyms[start,end,lat,lon]")
    geo.add_argument("--gold-spans", action="store_true", help="score resolution given the gold spans")
    _scoring(geo, "documents")
    evs = evsub.add_parser("events", help="main event's governorate, fatalities and sub-type against FA-KES gold")
    evs.add_argument("gold", type=Path, metavar="FAKES.jsonl", help="FA-KES-format articles with gold facts")
    _scoring(evs, "articles")
    evl = evsub.add_parser("event-location", help="choosing the event's location span in a sentence")
    evl.add_argument(
        "gold", type=Path, metavar="FILE.jsonl", help="records: text, event{start,end}, event_locations[{start,end}]"
    )
    _scoring(evl, "records")
    _eval_records(evsub)


def _scoring(ev: argparse.ArgumentParser, units: str) -> None:
    """The options every `eval` command shares: the output, the rules switched off, a sample."""
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument(
        "--disable",
        default=None,
        metavar="RULE,...",
        help="switch off these rules or rule families (`conflictmap rules` lists them)",
    )
    ev.add_argument("--limit", type=int, default=None, metavar="N", help=f"only the first N {units}")


def _eval_records(evsub: Commands) -> None:
    evr = evsub.add_parser("records", help="the events table row by row against hand-coded event records")
    evr.add_argument(
        "gold",
        type=Path,
        metavar="GOLD.jsonl",
        help="articles with their hand-coded events (id, text, date, events[...])",
    )
    _scoring(evr, "articles")
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


def _gazetteer(sub: Commands) -> None:
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


def _bench(sub: Commands) -> None:
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
    _bench_serving(ben)
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


def _bench_serving(ben: argparse.ArgumentParser) -> None:
    """`bench --events`: the dashboard over a synthetic store."""
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
