"""Gzip for the answers that shrink: the page's scripts (plotly.min.js is 4.8 MB, about 1.4 MB
gzipped), its JSON and the basemap's topojson. A static file's compressed body is kept in memory
(keyed by URL and content), so plotly.js is compressed once per process, not per visitor.
"""

from __future__ import annotations

import gzip
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable

COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "application/geo+json",
    "application/x-javascript",
    # Dash's favicon is an uncompressed bitmap: 15 kB, 4 kB gzipped.
    "image/x-icon",
    "image/vnd.microsoft.icon",
)
MIN_BYTES = 1024
CACHE_BYTES = 64 * 2**20  # compressed static files kept (plotly.min.js and friends take ~3 MB)
CACHEABLE = ("/_dash-component-suites/", "/assets/", "/_favicon.ico")


class _Cache:
    def __init__(self, limit: int = CACHE_BYTES) -> None:
        self.limit, self.size = limit, 0
        self.items: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: tuple, value: bytes) -> None:
        with self.lock:
            if key in self.items or len(value) > self.limit:
                return
            self.items[key] = value
            self.size += len(value)
            while self.size > self.limit:
                _, old = self.items.popitem(last=False)
                self.size -= len(old)


def wants_gzip(environ: dict) -> bool:
    accepted = environ.get("HTTP_ACCEPT_ENCODING", "").lower()
    return any(
        part.split(";")[0].strip() == "gzip" and not part.replace(" ", "").endswith("q=0")
        for part in accepted.split(",")
    )


def held_answer(app: Callable, environ: dict) -> tuple[dict, bytes]:
    """Run a WSGI app to the end and hold its answer: ({status, headers, exc_info}, body). The
    wrappers that change or keep an answer (gzip, kept answers, the bench's timing) start the
    response themselves once they have the whole body."""
    held: dict = {}

    def hold(status: str, headers: list, exc_info: object = None) -> Callable:
        held.update(status=status, headers=headers, exc_info=exc_info)
        return lambda _data: None

    chunks = app(environ, hold)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return held, body


def _compressible(status: str, names: dict[str, str], body: bytes) -> bool:
    """Whether an answer is worth gzipping: a 200 of a compressible type, big enough, not encoded yet."""
    kind = names.get("content-type", "").lower()
    return not (
        len(body) < MIN_BYTES
        or "content-encoding" in names
        or not kind.startswith(COMPRESSIBLE)
        or not status.startswith("200")
    )


def _gzip_headers(headers: list[tuple[str, str]], names: dict[str, str], packed: bytes) -> list[tuple[str, str]]:
    """The answer's headers for its gzipped body: length, encoding, Vary and ETag of that body."""
    vary = [v for k, v in headers if k.lower() == "vary"]
    out = [(k, v) for k, v in headers if k.lower() not in ("content-length", "vary", "etag")]
    out += [
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(packed))),
        ("Vary", ", ".join([*vary, "Accept-Encoding"])),
    ]
    if "etag" in names:  # the compressed body is another representation: another tag
        out.append(("ETag", names["etag"].rstrip('"') + '-gzip"'))
    return out


def compress(app: Callable, level: int = 6) -> Callable:
    """Wrap a WSGI app: gzip compressible answers of at least MIN_BYTES for clients that accept it."""
    cache = _Cache()

    def compressed(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not wants_gzip(environ) or environ.get("REQUEST_METHOD") == "HEAD":
            return app(environ, start_response)
        held, body = held_answer(app, environ)
        headers = held["headers"]
        names = {k.lower(): v for k, v in headers}
        if not _compressible(held["status"], names, body):
            start_response(held["status"], headers, held["exc_info"])
            return [body]
        path = environ.get("PATH_INFO", "")
        key = (path, environ.get("QUERY_STRING", ""), len(body), zlib.crc32(body))
        static = path.startswith(CACHEABLE)
        packed = cache.get(key) if static else None
        if packed is None:
            packed = gzip.compress(body, compresslevel=level, mtime=0)
            if static:
                cache.put(key, packed)
        start_response(held["status"], _gzip_headers(headers, names, packed), held["exc_info"])
        return [packed]

    return compressed
