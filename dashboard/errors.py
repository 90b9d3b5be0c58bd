"""The project's one exception tree."""


class ConflictMapError(Exception):
    """Base of every error conflictmap raises on purpose."""


class InputError(ConflictMapError, ValueError):
    """An input file cannot be read as articles; the message names the file and the problem."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class StoreError(ConflictMapError):
    """The events store is missing, unreadable or cannot be written."""


class GazetteerError(ConflictMapError):
    """The gazetteer index or an import file is unusable."""


class CorrectionError(ConflictMapError):
    """A place correction cannot be saved or undone (unknown scope, nothing to undo, a later
    correction moved the same events)."""


class ModelError(ConflictMapError):
    """The spaCy model cannot be loaded."""


class DistributedError(ConflictMapError):
    """A Dask run cannot start or finish: the extra is missing, the scheduler is unreachable, no
    worker joined, a worker died, or the workers disagree on the model or gazetteer."""


class ParseError(ConflictMapError):
    """A parsing process of the ingest failed or died before its articles were done."""
