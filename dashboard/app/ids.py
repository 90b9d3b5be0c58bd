"""Component ids, in one place."""

MAP = "map"
TIMELINE = "timeline"
EXCERPTS = "excerpts"
SELECTION = "selection"
SUMMARY = "summary"
RESET = "reset-selection"
BASEMAP = "basemap"
TIMELINE_RANGE = "timeline-range"
SIZE_BY = "size-by"
PRECISE_ONLY = "precise-only"

# Side panels: reading in context, correcting a place, uploading, theme.
STORE_GENERATION = "store-generation"  # bumped when new events reach the store; an Input of the render
READER = "reader"
READER_STATE = "reader-state"
READER_CLOSE = "reader-close"
READER_BODY = "reader-body"
READER_TITLE = "reader-title"
READ_BUTTON = "read-in-context"  # pattern-matching type: {"type": READ_BUTTON, "index": event_id}
READER_HIGHLIGHT = "reader-highlight"  # pattern-matching type, index = event_id
CORRECT = "correct"
CORRECT_BUTTON = "correct-place"  # pattern-matching type, index = event_id
CORRECT_CHOICE = "correct-choice"
CORRECT_SAVE = "correct-save"
CORRECT_STATUS = "correct-status"
CORRECT_TITLE = "correct-title"
CORRECT_CONTEXT = "correct-context"
CORRECT_CLOSE = "correct-close"
UPLOAD = "upload"
UPLOAD_JOB = "upload-job"
UPLOAD_POLL = "upload-poll"
UPLOAD_STATUS = "upload-status"
UPLOAD_STATUS_BODY = "upload-status-body"
UPLOAD_DISMISS = "upload-dismiss"
THEME = "theme"
THEME_TOGGLE = "theme-toggle"
