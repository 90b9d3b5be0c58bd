"""conflictmap: news articles in, a map of sourced events out."""

__version__ = "0.1.0"
