"""Component ids, in one place."""

MAP = "map"
TIMELINE = "timeline"
EXCERPTS = "excerpts"
SELECTION = "selection"
SUMMARY = "summary"
RESET = "reset-selection"
BASEMAP = "basemap"
