"""Which files an ingest reads: folders walked without following links, special files named.

A folder is walked without following symbolic links (a link inside it is reported, never read:
it could lead anywhere, `/etc/passwd` included); a path that is not a regular file (a FIFO, a
device such as /dev/zero, a socket) is named for what it is instead of being opened, since
reading a FIFO blocks and a device never ends. File names are shown as text even when they are
not valid UTF-8.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dashboard.errors import InputError

SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".csv", ".xml", ".rss", ".atom")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class ReadProblem:
    """A file, or a row of one, that could not be used: refused, never stored."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass(frozen=True)
class ReadWarning(ReadProblem):
    """Something of a file was set aside (an impossible date, broken characters) but its article is stored."""


def shown(path: str | Path) -> str:
    """A path as printable text: bytes that are not UTF-8 (kept by the OS as lone surrogates) become
    U+FFFD and control characters (a newline in a name) a visible escape, so a report stays one line
    per file and can always be written to a terminal, a JSON file or the store."""
    text = _SURROGATE.sub("\ufffd", os.fspath(path))
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, words in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return words
    return "not a regular file"


def find_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[ReadProblem]]:
    """Expand folders (recursively, links not followed) into the files whose format we read.

    A path given by name is followed if it is a link (the user chose it); inside a folder nothing is."""
    files: list[Path] = []
    problems: list[ReadProblem] = []
    for p in map(Path, paths):
        try:
            mode = p.stat().st_mode
        except FileNotFoundError:
            why = "symbolic link to a missing file" if p.is_symlink() else "no such file or folder"
            problems.append(ReadProblem(shown(p), why))
            continue
        except OSError as err:
            problems.append(ReadProblem(shown(p), f"cannot read: {err.strerror or err}"))
            continue
        if stat.S_ISDIR(mode):
            _walk(p, files, problems)
        elif stat.S_ISREG(mode):
            files.append(p)
        else:
            problems.append(ReadProblem(shown(p), f"{kind_of(mode)}, not a regular file; not read"))
    return files, problems


def _walk(folder: Path, files: list[Path], problems: list[ReadProblem]) -> None:
    """Depth-first, in name order; no recursion on the Python stack, so a deep tree cannot overflow it."""
    stack = [folder]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            problems.append(ReadProblem(shown(here), f"cannot list the folder: {err.strerror or err}"))
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as err:
                problems.append(ReadProblem(shown(path), f"cannot read: {err.strerror or err}"))
                continue
            wanted = path.suffix.lower() in SUFFIXES
            if stat.S_ISLNK(mode):
                if wanted or _points_to_folder(path):
                    problems.append(ReadProblem(shown(path), "symbolic link inside a folder; not followed"))
            elif stat.S_ISDIR(mode):
                subfolders.append(path)
            elif not wanted:
                continue
            elif stat.S_ISREG(mode):
                files.append(path)
            else:
                problems.append(ReadProblem(shown(path), f"{kind_of(mode)}, not a regular file; not read"))
        stack.extend(reversed(subfolders))
    return None


def _points_to_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; InputError naming anything else.

    Opened without blocking and checked after opening, so a file swapped for a FIFO between the
    folder walk and the read still cannot hang the batch."""
    where = shown(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise InputError(where, f"cannot read: {err.strerror or err}") from err
    with os.fdopen(fd, "rb") as fh:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise InputError(where, f"{kind_of(info.st_mode)}, not a regular file; not read")
            if info.st_size > limit:
                raise InputError(where, f"file too large ({info.st_size / 2**20:.0f} MB > {limit / 2**20:.0f} MB)")
            data = fh.read(limit + 1)
        except OSError as err:
            raise InputError(where, f"cannot read: {err.strerror or err}") from err
    if len(data) > limit:  # it grew since fstat
        raise InputError(where, f"file too large (over {limit / 2**20:.0f} MB)")
    return data
